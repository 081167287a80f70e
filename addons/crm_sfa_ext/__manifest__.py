{
    "name": "CRM Sales Force & Field Service",
    "summary": "Sales forecasts against targets, competitors, activity planning and "
    "field-service orders scheduled to the right technician",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["crm_complaints", "hr_skills", "calendar", "base_geolocalize"],
    "data": [
        "security/crm_sfa_ext_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/crm_competitor_views.xml",
        "views/crm_competitor_report_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_sales_target_views.xml",
        "views/crm_forecast_report_views.xml",
        "views/crm_visit_plan_views.xml",
        "views/crm_contact_history_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/crm_competitor_demo.xml",
        "demo/crm_sfa_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_sfa_ext/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
