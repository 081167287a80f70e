from . import (
    account_move,
    account_partial_reconcile,
    crm_loyalty_tier,
    loyalty_card,
    loyalty_history,
    loyalty_program,
    res_company,
    res_config_settings,
    sale_order,
    sale_order_line,
)
