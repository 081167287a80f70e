{
    "name": "CRM Loyalty",
    "summary": "Loyalty tiers, qualifying and redeemable points, per-lot expiry, an auditable "
    "points ledger and segment-targeted offers on top of Odoo's loyalty programmes",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["crm_identification", "sale_loyalty"],
    "data": [
        "security/crm_loyalty_security.xml",
        "security/ir.model.access.csv",
        "views/crm_loyalty_tier_views.xml",
        "views/loyalty_history_views.xml",
        "views/loyalty_program_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": ["demo/crm_loyalty_tier_demo.xml"],
    "installable": True,
}
