/** @odoo-module **/

import { registry } from "@web/core/registry";

// Open a dashboard of the CRM group in the Dashboards app: its figures are drawn, from
// the data the server sends, and its texts are in the user's language.
function dashboardSteps(name, filterLabel) {
    const steps = [
        {
            content: `Open the ${name} dashboard`,
            trigger: `.o_search_panel_category_value:contains("${name}")`,
            run: "click",
            // the spreadsheet's scripts are built on first use: slow on a busy machine
            timeout: 60000,
        },
        {
            content: "Its figures are drawn",
            trigger: ".o_renderer .o-figure canvas.o-figure-canvas",
            timeout: 60000,
        },
    ];
    if (filterLabel) {
        steps.push({
            content: "Its period filter is labelled in the user's language",
            trigger: `.o_filter_value_container:contains("${filterLabel}")`,
        });
    }
    steps.push({
        content: "No loading error",
        trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status))",
    });
    return steps;
}

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_loyalty_loyalty", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("Loyalty"),
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_loyalty_loyalty_fa", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("وفاداری"),
});
