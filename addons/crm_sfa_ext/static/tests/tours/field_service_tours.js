/** @odoo-module **/

import { registry } from "@web/core/registry";

// The dispatcher's board: the last plan's figures, then the visit it could not plan and why.
registry.category("web_tour.tours").add("crm_sfa_ext_field_service_dispatcher_tour", {
    steps: () => [
        {
            content: "The plan shows the two visits it planned",
            trigger: ".o_fs_plan_dashboard .o_kanban_record .o_fs_planned_count:contains('2')",
        },
        {
            content: "Open the visit it could not plan",
            trigger: ".o_fs_plan_dashboard .o_kanban_record .o_fs_unplanned_count",
            run: "click",
        },
        {
            content: "The roof job is listed",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Roof job')",
            run: "click",
        },
        {
            content: "and the form says why",
            trigger: ".o_form_view .alert-danger:contains('No technician has all the required skills')",
        },
    ],
});

// The technician's day: the route in order with map links, then a visit started and closed.
registry.category("web_tour.tours").add("crm_sfa_ext_field_service_technician_tour", {
    steps: () => [
        {
            content: "The day's first stop comes first",
            trigger: ".o_fs_my_day .o_data_row:first-child .o_data_cell:contains('First stop')",
        },
        {
            content: "with a map link",
            trigger: ".o_fs_my_day .o_data_row:first-child a[href*='openstreetmap.org']",
        },
        {
            content: "Only this technician's stops are listed",
            trigger: ".o_fs_my_day:not(:has(.o_data_cell:contains('Someone else')))",
        },
        {
            content: "Open the first stop",
            trigger: ".o_fs_my_day .o_data_row:first-child .o_data_cell:contains('First stop')",
            run: "click",
        },
        {
            content: "Start the visit",
            trigger: ".o_form_view button[name='action_start']",
            run: "click",
        },
        {
            content: "The visit is in progress",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Close it",
            trigger: ".o_form_view button[name='action_done']",
            run: "click",
        },
        {
            content: "The visit is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});
