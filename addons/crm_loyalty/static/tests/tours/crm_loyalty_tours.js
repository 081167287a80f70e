/** @odoo-module **/

import { registry } from "@web/core/registry";

// The member's portal page: tier, both balances, what expires soon, rewards, then the
// full points history.
registry.category("web_tour.tours").add("crm_loyalty_portal_tour", {
    url: "/my/loyalty",
    steps: () => [
        {
            content: "The card shows the member's tier",
            trigger: ".o_crm_loyalty_card .o_crm_loyalty_tier:contains('Tour Silver')",
        },
        {
            content: "The points to spend",
            trigger: ".o_crm_loyalty_card .o_crm_loyalty_points:contains('600')",
        },
        {
            content: "The qualifying balance and the way to the next tier",
            trigger: ".o_crm_loyalty_progress:contains('Tour Gold')",
        },
        {
            content: "A reward within reach",
            trigger: ".o_crm_loyalty_rewards .badge:contains('100')",
        },
        {
            content: "Open the full history",
            trigger: ".o_crm_loyalty_card a[href^='/my/loyalty/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The history lists the points earned on the order",
            trigger: ".o_crm_loyalty_ledger td:contains('+600')",
        },
    ],
});

// The backend card of a member: the tier, the ledger, and a manual adjustment with its
// reason.
registry.category("web_tour.tours").add("crm_loyalty_card_tour", {
    url: "/odoo/action-crm_loyalty.loyalty_card_action_crm",
    steps: () => [
        {
            content: "The member is in the kanban, in their tier's column",
            trigger: ".o_kanban_group:contains('Tour Silver') .o_kanban_record:contains('Tour Member')",
            run: "click",
        },
        {
            content: "The card shows the tier",
            trigger: ".o_form_view .o_field_widget[name='crm_tier_id']:contains('Tour Silver')",
        },
        {
            content: "and the points earned in the ledger",
            trigger: ".o_form_view .o_field_widget[name='history_ids'] .o_data_row:contains('Earned')",
        },
        {
            content: "Adjust the points",
            trigger: ".o_form_view button[name='action_crm_adjust_points']",
            run: "click",
        },
        {
            content: "Points to add",
            trigger: ".modal .o_field_widget[name='points'] input",
            run: "edit 50",
        },
        {
            content: "with a reason",
            trigger: ".modal .o_field_widget[name='reason'] input",
            run: "edit Birthday gift",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The adjustment is a ledger line with its reason",
            trigger: ".o_form_view .o_field_widget[name='history_ids'] .o_data_row:contains('Birthday gift')",
        },
        {
            content: "and the balance follows",
            trigger: ".o_form_view .o_field_widget[name='points_display']:contains('650')",
        },
    ],
});

// The manager's dashboard: a tile per programme with its members per tier and its figures,
// opening the programme's members.
registry.category("web_tour.tours").add("crm_loyalty_dashboard_tour", {
    url: "/odoo/action-crm_loyalty.loyalty_program_action_crm_dashboard",
    steps: () => [
        {
            content: "The programme's tile counts its members per tier",
            trigger: ".o_crm_loyalty_dashboard .o_kanban_record:contains('Tour Silver: 1')",
        },
        {
            content: "and shows the outstanding points",
            trigger: ".o_kanban_record .o_crm_loyalty_kpi:contains('Outstanding points')",
            run: "click",
        },
        {
            content: "A click opens the programme's members",
            trigger: ".o_kanban_record:contains('Tour Member')",
        },
    ],
});
