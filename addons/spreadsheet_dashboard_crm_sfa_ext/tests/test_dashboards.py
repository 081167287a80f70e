from odoo.addons.spreadsheet_dashboard_crm_identification.tests.common import (
    DashboardCase,
    DashboardTourCase,
)
from odoo.tests import new_test_user, tagged

URL = "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
GROUPS = (
    "crm_sfa_ext.group_crm_sfa_ext_manager,crm_sfa_ext.group_fs_manager,"
    "sales_team.group_sale_manager"
)


@tagged("post_install", "-at_install")
class TestSalesForceDashboards(DashboardCase):
    DASHBOARDS = (
        "spreadsheet_dashboard_crm_sfa_ext.spreadsheet_dashboard_sales_force",
        "spreadsheet_dashboard_crm_sfa_ext.spreadsheet_dashboard_field_service",
    )

    def test_every_figure_shows_data_on_the_demo_database(self):
        manager = new_test_user(self.env, "dash_data_manager", groups=GROUPS)
        self.assertDashboardsShowData(manager)

    def test_dashboards_are_for_the_area_managers(self):
        self.assertDashboardsForManagersOnly(GROUPS)


@tagged("post_install", "-at_install")
class TestSalesForceTour(DashboardTourCase):
    MODULES = [
        "spreadsheet_dashboard_crm_identification",
        "spreadsheet_dashboard_crm_loyalty",
        "spreadsheet_dashboard_crm_complaints",
        "spreadsheet_dashboard_crm_sfa_ext",
    ]

    def test_dashboards_open_in_english_and_persian(self):
        manager = new_test_user(self.env, "dash_manager", groups=GROUPS)
        self.start_tour(URL, "spreadsheet_dashboard_crm_sfa_ext_sales_force", login="dash_manager")
        self.start_tour(
            URL, "spreadsheet_dashboard_crm_sfa_ext_field_service", login="dash_manager"
        )
        self.persian(manager)
        self.start_tour(
            URL, "spreadsheet_dashboard_crm_sfa_ext_sales_force_fa", login="dash_manager"
        )
        self.start_tour(
            URL, "spreadsheet_dashboard_crm_sfa_ext_field_service_fa", login="dash_manager"
        )
