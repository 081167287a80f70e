from . import test_i18n, test_pos_ledger, test_pos_tour
