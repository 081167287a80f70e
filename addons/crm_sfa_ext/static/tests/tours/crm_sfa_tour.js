/** @odoo-module **/

import { registry } from "@web/core/registry";

// The forecast dashboard: a salesperson's card against their target, then its form.
registry.category("web_tour.tours").add("crm_sfa_forecast_dashboard_tour", {
    url: "/odoo/action-crm_sfa_ext.crm_sales_target_action_dashboard",
    steps: () => [
        {
            content: "The card of the tour seller shows the weighted forecast of their pipeline",
            trigger: ".o_kanban_record:contains('Tour Seller') .o_crm_sfa_weighted:contains('92,000')",
        },
        {
            content: "with commit and best case",
            trigger: ".o_kanban_record:contains('Tour Seller') .o_crm_sfa_commit:contains('130,000')",
        },
        {
            content: "Open the target",
            trigger: ".o_kanban_record:contains('Tour Seller') .o_crm_sfa_target_name",
            run: "click",
        },
        {
            content: "The form shows what was won so far",
            trigger: ".o_form_view .o_field_widget[name='won_revenue']:contains('30,000')",
        },
        {
            content: "Open the forecast analysis of the target's period",
            trigger: ".o_form_view button[name='action_open_forecast']",
            run: "click",
        },
        {
            content: "The pivot shows the weighted forecast",
            trigger: ".o_pivot_view .o_pivot_cell_value:contains('92,000')",
        },
    ],
});

// The competitor form: the win rate from the deals, then a link added to its documents.
registry.category("web_tour.tours").add("crm_sfa_competitor_tour", {
    url: "/odoo/action-crm_sfa_ext.crm_competitor_action",
    steps: () => [
        {
            content: "Open the competitor",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Tour Rival')",
            run: "click",
        },
        {
            content: "The win rate against them is shown",
            trigger: ".o_crm_competitor_win_rate .o_stat_value:contains('50')",
        },
        {
            content: "Open the documents and links",
            trigger: ".o_notebook .nav-link:contains('Documents & Links')",
            run: "click",
        },
        {
            content: "Add a link",
            trigger: ".o_field_widget[name='link_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='link_ids'] .o_data_row .o_field_widget[name='name'] input",
            run: "edit Price list",
        },
        {
            content: "Give its address",
            trigger: ".o_field_widget[name='link_ids'] .o_data_row .o_field_widget[name='url'] input",
            run: "edit https://rival.example.com/prices",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
