/** @odoo-module **/

import { registry } from "@web/core/registry";
import { dashboardSteps } from "@spreadsheet_dashboard_crm_identification/../tests/tours/utils/dashboard_steps";

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_sfa_ext_sales_force", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("Sales Force", "Period"),
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_sfa_ext_sales_force_fa", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => [
        ...dashboardSteps("نیروی فروش", "دوره"),
        {
            content: "A Persian manager's period filter lists the Solar Hijri months",
            trigger: '.o_filter_value_container select:has(option:contains("فروردین"))',
        },
    ],
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_sfa_ext_field_service", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("Field Service", "Period"),
});

registry.category("web_tour.tours").add("spreadsheet_dashboard_crm_sfa_ext_field_service_fa", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => dashboardSteps("خدمات میدانی", "دوره"),
});
