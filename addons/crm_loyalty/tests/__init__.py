from . import (
    test_compensation_api,
    test_expiry,
    test_i18n,
    test_ledger,
    test_sale_flow,
    test_targeting,
    test_tier,
    test_tiers,
)
