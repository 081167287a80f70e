{
    "name": "CRM Complaints",
    "summary": "Complaints from every channel tracked to resolution, with SLA, "
    "escalation and back-office resolution actions",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": [
        "crm_identification",
        "sale_management",
        "account",
        "stock",
        "portal",
        "rating",
    ],
    "data": [
        "security/crm_complaints_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "views/crm_complaint_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/crm_complaint_demo.xml"],
    "application": True,
    "installable": True,
}
