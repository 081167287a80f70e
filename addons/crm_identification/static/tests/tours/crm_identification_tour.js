/** @odoo-module **/

import { registry } from "@web/core/registry";

// The segment dashboard, a segment's customers, then the contact's Customer Insight tab.
registry.category("web_tour.tours").add("crm_identification_tour", {
    url: "/odoo/action-crm_identification.crm_customer_segment_action_dashboard",
    steps: () => [
        {
            content: "The dashboard shows the Champions segment with its one customer",
            trigger: ".o_kanban_record:contains('Champions') .o_crm_segment_count:contains('1')",
        },
        {
            content: "Open the segment's customers",
            trigger: ".o_kanban_record:contains('Champions')",
            run: "click",
        },
        {
            content: "The champion is listed",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('Tour Champion')",
            run: "click",
        },
        {
            content: "Go to the contact",
            trigger: ".o_form_view button[name='action_open_partner']",
            run: "click",
        },
        {
            content: "Open the Customer Insight tab",
            trigger: ".o_notebook .nav-link:contains('Customer Insight')",
            run: "click",
        },
        {
            content: "The tab shows the segment stored on the contact",
            trigger: ".o_field_widget[name='crm_segment_id']:contains('Champions')",
        },
        {
            content: "The tab says why the customer is a champion",
            trigger: ".o_crm_insight_explanation:contains('In Champions because R=5, F=5, M=5.')",
        },
        {
            content: "and suggests what they have not bought yet",
            trigger: ".o_field_many2many_tags[name='crm_suggested_product_ids']:contains('Insight C')",
        },
    ],
});
