{
    "name": "Customer Insight Dashboards",
    "summary": "Dashboards of customer segments, value, churn and credit in Odoo's Dashboards app",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["spreadsheet_dashboard", "crm_identification"],
    "data": ["data/dashboards.xml"],
    "assets": {
        "web.assets_tests": [
            "spreadsheet_dashboard_crm_identification/static/tests/tours/**/*.js"
        ],
    },
    "auto_install": ["crm_identification"],
    "installable": True,
}
