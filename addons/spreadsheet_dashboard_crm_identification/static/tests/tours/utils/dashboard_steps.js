/** @odoo-module **/

// Open a dashboard of the CRM group in the Dashboards app: its figures are drawn, from
// the data the server sends, and its texts are in the user's language.
export function dashboardSteps(name, filterLabel) {
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
