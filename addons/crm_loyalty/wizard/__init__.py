from . import (
    base_partner_merge,
    crm_loyalty_adjust,
    crm_loyalty_transfer,
    loyalty_card_update_balance,
)
