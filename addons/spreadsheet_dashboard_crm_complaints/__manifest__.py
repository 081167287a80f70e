{
    "name": "Complaints Dashboards",
    "summary": "Dashboards of open complaints, SLA, satisfaction and cost (Odoo's Dashboards)",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["spreadsheet_dashboard_crm_loyalty", "crm_complaints"],
    "data": ["data/dashboards.xml"],
    "demo": ["demo/complaints_dashboard_demo.xml"],
    "assets": {
        "web.assets_tests": ["spreadsheet_dashboard_crm_complaints/static/tests/tours/*.js"],
    },
    "auto_install": ["crm_complaints"],
    "installable": True,
}
