from odoo.addons.base_solar_hijri.tests.test_tours import _hoot_job_id
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSpreadsheetFilterUnits(HttpCase):
    """The JS unit tests (static/tests/*.test.js): a spreadsheet's date filter in Solar
    Hijri years, quarters and months, its default, year to date, ODOO.FILTER.VALUE, a
    click on a pivot's month header and the filter's own list; Gregorian users unchanged."""

    def test_hoot_units(self):
        suite = _hoot_job_id("@spreadsheet_solar_hijri")
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={suite}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=lambda message: "[HOOT]" not in message,
        )
