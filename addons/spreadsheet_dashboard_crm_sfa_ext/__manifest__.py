{
    "name": "Sales Force and Field Service Dashboards",
    "summary": "Dashboards of targets, pipeline, win rate and field-service visits",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["spreadsheet_dashboard", "crm_sfa_ext"],
    "data": [],
    "auto_install": ["crm_sfa_ext"],
    "installable": True,
}
