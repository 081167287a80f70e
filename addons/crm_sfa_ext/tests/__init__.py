from . import test_competitor, test_i18n
