from . import (
    crm_loyalty_offer,
    loyalty_card,
    loyalty_history,
    loyalty_program,
    loyalty_reward,
    pos_order,
    res_partner,
)
