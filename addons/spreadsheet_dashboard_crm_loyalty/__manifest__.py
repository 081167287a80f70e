{
    "name": "Loyalty Dashboards",
    "summary": "Dashboards of members, points, liability and offers in Odoo's Dashboards app",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["spreadsheet_dashboard_crm_identification", "crm_loyalty"],
    "data": ["data/dashboards.xml"],
    "assets": {
        "web.assets_tests": ["spreadsheet_dashboard_crm_loyalty/static/tests/tours/*.js"],
    },
    "auto_install": ["crm_loyalty"],
    "installable": True,
}
