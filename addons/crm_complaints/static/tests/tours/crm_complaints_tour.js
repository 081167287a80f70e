/** @odoo-module **/

import { registry } from "@web/core/registry";

// The complaint kanban and form: find the complaint, read its SLA, start it, log the fix.
registry.category("web_tour.tours").add("crm_complaints_backend_tour", {
    url: "/odoo/action-crm_complaints.crm_complaint_action",
    steps: () => [
        {
            content: "The kanban shows the new complaint in its stage column",
            trigger: ".o_kanban_group:contains('New') .o_kanban_record:contains('Tour: cracked mirror')",
        },
        {
            content: "Open it",
            trigger: ".o_kanban_record:contains('Tour: cracked mirror')",
            run: "click",
        },
        {
            content: "The form of the complaint is open",
            trigger: ".o_breadcrumb:contains('Tour: cracked mirror')",
        },
        {
            content: "Start working on it",
            trigger: ".o_form_view button[name='action_start']",
            run: "click",
        },
        {
            content: "The stage moved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Similar resolved complaints are shown with what worked",
            trigger: ".o_notebook .nav-link:contains('Similar Complaints')",
            run: "click",
        },
        {
            content: "The earlier mirror complaint is listed",
            trigger: ".o_crm_complaint_similar .o_data_row:contains('Tour: mirror broken in transit')",
        },
        {
            content: "Open the SLA tab",
            trigger: ".o_notebook .nav-link:contains('SLA')",
            run: "click",
        },
        {
            content: "The SLA policy is set",
            trigger: ".o_field_widget[name='sla_policy_id']:contains('Standard')",
        },
    ],
});

// The portal: the Complaints entry, a new complaint, then its page with the thread.
registry.category("web_tour.tours").add("crm_complaints_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The Complaints entry is on the portal home",
            trigger: "a[href='/my/complaints']",
            run: "click",
        },
        {
            content: "Start a new complaint",
            trigger: "a.o_crm_complaint_new",
            run: "click",
        },
        {
            content: "Subject",
            trigger: "input[name='subject']",
            run: "edit Tour: lamp flickers",
        },
        {
            content: "Description",
            trigger: "textarea[name='description']",
            run: "edit It flickers every evening.",
        },
        {
            content: "Send",
            trigger: "form.o_crm_complaint_form button[type='submit']",
            run: "click",
        },
        {
            content: "The complaint page shows the subject and its status",
            trigger: ".o_portal_complaint:contains('Tour: lamp flickers') .o_crm_complaint_stage:contains('New')",
        },
        {
            content: "with the message thread",
            trigger: "#complaint_chat",
        },
    ],
});

registry.category("web_tour.tours").add("crm_complaints_portal_answers_tour", {
    url: "/my/complaints/new",
    steps: () => [
        {
            content: "Describe the problem",
            trigger: "input[name='subject']",
            run: "edit The leg of my chair wobbles",
        },
        {
            content: "A published answer shows before sending",
            trigger: ".o_crm_complaint_answers .o_crm_complaint_answer summary:contains('My chair wobbles')",
            run: "click",
        },
        {
            content: "Its text is there to read",
            trigger: ".o_crm_complaint_answer_body:contains('Tighten the leg screws')",
        },
    ],
});
