from . import (
    base_partner_merge,
    crm_loyalty_adjust,
    crm_loyalty_reconciliation,
    crm_loyalty_reconciliation_line,
    crm_loyalty_tier_override,
    crm_loyalty_transfer,
    loyalty_card_update_balance,
)
