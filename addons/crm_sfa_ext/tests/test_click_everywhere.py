from odoo.tests import HttpCase, tagged

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    ".startClickEverywhere('%s');"
)


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase):
    """Every menu of the CRM app (where the suite's Customer Insight, Loyalty, Complaints and
    Sales Force menus live) and of the Field Service app, and every view each action offers,
    open without a client error, as Odoo's own clickbot walks them with all four addons
    installed."""

    allow_end_on_form = True

    def click_app(self, xmlid):
        self.browser_js(
            "/odoo",
            CLICKBOT % xmlid,
            "odoo.isReady === true",
            login="admin",
            timeout=900,
            success_signal="clickbot test succeeded",
        )

    def test_crm_app(self):
        self.click_app("crm.crm_menu_root")

    def test_field_service_app(self):
        self.click_app("crm_sfa_ext.menu_field_service_root")
