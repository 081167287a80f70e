{
    "name": "CRM Loyalty Tiers",
    "summary": "Loyalty tiers, points ledger and segment-targeted offers on top of "
    "Odoo's loyalty programmes",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["crm_identification", "sale_loyalty"],
    "data": [
        "security/crm_loyalty_security.xml",
        "security/ir.model.access.csv",
        "views/crm_loyalty_tier_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/crm_loyalty_tier_demo.xml"],
    "installable": True,
}
