from odoo.addons.base_solar_hijri.tests.test_tours import TestSolarHijriUnits
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestSpreadsheetFilterUnits(TestSolarHijriUnits):
    """The JS unit tests (static/tests/*.test.js): a spreadsheet's date filter in Solar
    Hijri years, quarters and months, its default, year to date, ODOO.FILTER.VALUE, a
    click on a pivot's month header and the filter's own list, the pivots' month and
    quarter keys; Gregorian users unchanged."""

    HOOT_SUITE = "@spreadsheet_solar_hijri"
    # Odoo's test loader skips test methods a class inherits unless told otherwise
    allow_inherited_tests_method = True
