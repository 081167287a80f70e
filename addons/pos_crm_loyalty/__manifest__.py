{
    "name": "Point of Sale Loyalty Ledger",
    "summary": "Point-of-sale orders earn and redeem through the CRM loyalty ledger",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["pos_loyalty", "crm_loyalty"],
    "data": [
        "views/loyalty_history_views.xml",
        "views/pos_order_views.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": ["pos_crm_loyalty/static/src/**/*"],
        "web.assets_tests": ["pos_crm_loyalty/static/tests/tours/**/*"],
    },
    "auto_install": True,
    "installable": True,
}
