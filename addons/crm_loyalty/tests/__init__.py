from . import (
    test_compensation_api,
    test_expiry,
    test_i18n,
    test_ledger,
    test_portal,
    test_reports,
    test_sale_flow,
    test_security,
    test_targeting,
    test_tier,
    test_tiers,
)
