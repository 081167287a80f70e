from . import (
    crm_basket_month,
    crm_customer_score,
    crm_customer_segment,
    crm_customer_segment_history,
    crm_lead,
    crm_product_association,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    sale_order_line,
)
