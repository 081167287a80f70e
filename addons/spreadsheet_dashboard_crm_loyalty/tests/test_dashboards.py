from odoo.addons.spreadsheet_dashboard_crm_identification.tests.common import (
    DashboardCase,
    DashboardTourCase,
)
from odoo.tests import new_test_user, tagged

URL = "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
GROUPS = "crm_loyalty.group_crm_loyalty_manager"


@tagged("post_install", "-at_install")
class TestLoyaltyDashboards(DashboardCase):
    DASHBOARDS = ("spreadsheet_dashboard_crm_loyalty.spreadsheet_dashboard_loyalty",)

    def test_every_figure_shows_data_on_the_demo_database(self):
        manager = new_test_user(self.env, "dash_data_manager", groups=GROUPS)
        self.assertDashboardsShowData(manager)

    def test_dashboards_are_for_the_area_managers(self):
        self.assertDashboardsForManagersOnly(GROUPS)


@tagged("post_install", "-at_install")
class TestLoyaltyTour(DashboardTourCase):
    MODULES = ["spreadsheet_dashboard_crm_identification", "spreadsheet_dashboard_crm_loyalty"]

    def test_dashboards_open_in_english_and_persian(self):
        manager = new_test_user(self.env, "dash_manager", groups=GROUPS)
        self.start_tour(URL, "spreadsheet_dashboard_crm_loyalty_loyalty", login="dash_manager")
        self.persian(manager)
        self.start_tour(URL, "spreadsheet_dashboard_crm_loyalty_loyalty_fa", login="dash_manager")
