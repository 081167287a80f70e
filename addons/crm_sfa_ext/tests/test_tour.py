from odoo.tests import HttpCase, tagged

from .common import SfaCase


@tagged("post_install", "-at_install")
class TestTour(HttpCase, SfaCase):
    def test_forecast_dashboard(self):
        seller = self.seller
        seller.name = "Tour Seller"
        self.opportunity(100000, 50, "commit")
        self.opportunity(40000, 25, "best_case")
        self.opportunity(20000, 10)
        self.opportunity(30000, 60).action_set_won()
        self.env["crm.sales.target"].create(
            {"user_id": seller.id, "date_from": self.today, "target_revenue": 200000}
        )
        self.start_tour("/odoo", "crm_sfa_forecast_dashboard_tour", login="admin")

    def test_competitor_form(self):
        rival = self.env["crm.competitor"].create({"name": "Tour Rival"})
        won = self.opportunity(1000, 50)
        won.competitor_ids = rival
        won.action_set_won()
        lost = self.opportunity(1000, 50)
        lost.lost_to_competitor_id = rival
        lost.action_set_lost()
        self.start_tour("/odoo", "crm_sfa_competitor_tour", login="admin")
        self.assertEqual(rival.link_ids.url, "https://rival.example.com/prices")
