from odoo.addons.base_solar_hijri.tests.test_i18n import TestTranslations as CalendarTranslations
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTranslations(CalendarTranslations):
    MODULE = "spreadsheet_solar_hijri"
    # Odoo's test loader skips test methods a class inherits unless told otherwise
    allow_inherited_tests_method = True
