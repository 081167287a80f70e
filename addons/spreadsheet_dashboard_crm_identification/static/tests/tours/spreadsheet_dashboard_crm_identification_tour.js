/** @odoo-module **/

import { registry } from "@web/core/registry";
import { dashboardSteps } from "@spreadsheet_dashboard_crm_identification/../tests/tours/utils/dashboard_steps";

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_identification_customer_insight", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("Customer Insight"),
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_identification_customer_insight_fa", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("بینش مشتری"),
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_identification_scorecard", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("CRM Scorecard"),
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_identification_scorecard_fa", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("کارت امتیازی CRM"),
});
