{
    "name": "Solar Hijri Calendar",
    "summary": "Solar Hijri (Jalali) dates for Persian users: web client, pickers, calendar "
    "views, grouping by Persian month, portal, emails and PDFs",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tools",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["web", "mail", "resource"],
    "external_dependencies": {"python": ["jdatetime"]},
    "data": [
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "views/resource_calendar_views.xml",
    ],
    "demo": [
        "demo/tehran_company_demo.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "assets": {
        "web.assets_backend": [
            "base_solar_hijri/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "base_solar_hijri/static/tests/**/*",
            ("remove", "base_solar_hijri/static/tests/tours/**/*"),
        ],
        "web.assets_tests": [
            "base_solar_hijri/static/tests/tours/**/*",
        ],
    },
    "auto_install": False,
    "installable": True,
}
