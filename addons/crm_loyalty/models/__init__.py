from . import (
    crm_loyalty_tier,
    loyalty_card,
    loyalty_history,
    loyalty_program,
    res_company,
    res_config_settings,
)
