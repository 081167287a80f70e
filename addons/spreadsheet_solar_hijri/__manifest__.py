{
    "name": "Solar Hijri Calendar for Spreadsheets and Dashboards",
    "summary": "Date filters of spreadsheets and dashboards in Solar Hijri years, quarters "
    "and months for users of the Solar Hijri calendar",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tools",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["base_solar_hijri", "spreadsheet"],
    "assets": {
        "spreadsheet.o_spreadsheet": [
            "spreadsheet_solar_hijri/static/src/**/*.js",
        ],
        "web.assets_unit_tests": [
            "spreadsheet_solar_hijri/static/tests/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
