from odoo.tests import new_test_user, tagged

from .common import DashboardCase, DashboardTourCase

URL = "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
GROUPS = "crm_identification.group_crm_identification_manager"


@tagged("post_install", "-at_install")
class TestInsightDashboards(DashboardCase):
    DASHBOARDS = (
        "spreadsheet_dashboard_crm_identification.spreadsheet_dashboard_customer_insight",
        "spreadsheet_dashboard_crm_identification.spreadsheet_dashboard_scorecard",
    )

    def test_every_figure_shows_data_on_the_demo_database(self):
        manager = new_test_user(self.env, "dash_data_manager", groups=GROUPS)
        self.assertDashboardsShowData(manager)

    def test_dashboards_are_for_the_area_managers(self):
        self.assertDashboardsForManagersOnly(GROUPS)


@tagged("post_install", "-at_install")
class TestInsightTour(DashboardTourCase):
    MODULES = ["spreadsheet_dashboard_crm_identification"]

    def test_dashboards_open_in_english_and_persian(self):
        manager = new_test_user(self.env, "dash_manager", groups=GROUPS)
        self.start_tour(
            URL, "spreadsheet_dashboard_crm_identification_customer_insight", login="dash_manager"
        )
        self.start_tour(
            URL, "spreadsheet_dashboard_crm_identification_scorecard", login="dash_manager"
        )
        self.persian(manager)
        self.start_tour(
            URL,
            "spreadsheet_dashboard_crm_identification_customer_insight_fa",
            login="dash_manager",
        )
        self.start_tour(
            URL, "spreadsheet_dashboard_crm_identification_scorecard_fa", login="dash_manager"
        )
