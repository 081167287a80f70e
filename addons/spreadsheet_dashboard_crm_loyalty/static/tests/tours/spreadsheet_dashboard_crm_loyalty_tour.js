/** @odoo-module **/

import { registry } from "@web/core/registry";
import { dashboardSteps } from "@spreadsheet_dashboard_crm_identification/../tests/tours/utils/dashboard_steps";

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_loyalty_loyalty", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("Loyalty"),
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_loyalty_loyalty_fa", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("وفاداری"),
});
