from . import test_complaint, test_i18n
