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
    "data": [],
    "auto_install": False,
    "installable": True,
}
