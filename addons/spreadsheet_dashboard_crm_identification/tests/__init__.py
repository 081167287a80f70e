from . import test_dashboards, test_i18n
