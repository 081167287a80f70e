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
        "views/crm_competitor_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/crm_competitor_demo.xml"],
    "installable": True,
}
