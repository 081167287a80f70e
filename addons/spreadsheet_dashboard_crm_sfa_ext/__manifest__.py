{
    "name": "Sales Force and Field Service Dashboards",
    "summary": "Dashboards of targets, pipeline, win rate and field-service visits",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["spreadsheet_dashboard_crm_complaints", "crm_sfa_ext"],
    "data": ["data/dashboards.xml"],
    "demo": ["demo/field_service_dashboard_demo.xml"],
    "assets": {
        "web.assets_tests": ["spreadsheet_dashboard_crm_sfa_ext/static/tests/tours/*.js"],
    },
    "auto_install": ["crm_sfa_ext"],
    "installable": True,
}
