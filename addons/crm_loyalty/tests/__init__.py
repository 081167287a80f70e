from . import test_compensation_api, test_i18n, test_ledger, test_sale_flow, test_tier
