{
    "name": "CRM Customer Identification",
    "summary": "RFM scores, customer segments, value tiers, churn, lifetime value "
    "and cross-sell suggestions from your own sales",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "LGPL-3",
    "depends": ["sale_crm", "sale_margin"],
    "data": [
        "security/crm_identification_security.xml",
        "security/ir.model.access.csv",
        "views/crm_customer_segment_views.xml",
        "views/menus.xml",
    ],
    "demo": [],
    "application": True,
    "installable": True,
}
