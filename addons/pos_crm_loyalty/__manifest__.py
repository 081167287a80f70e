{
    "name": "Point of Sale Loyalty Ledger",
    "summary": "Point-of-sale orders earn and redeem through the CRM loyalty ledger",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["pos_loyalty", "crm_loyalty"],
    "data": [],
    "auto_install": True,
    "installable": True,
}
