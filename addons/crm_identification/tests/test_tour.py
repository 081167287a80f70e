from odoo.tests import HttpCase, tagged

from .common import InsightCase


@tagged("post_install", "-at_install")
class TestTour(HttpCase, InsightCase):
    def test_segment_dashboard_and_partner_tab(self):
        champion = self.customer("Tour Champion")
        for i in range(10):
            self.order(champion, days_ago=3 + 10 * i, amount=2500, products=("A", "B"))
        other = self.customer("Tour Other")
        for i in range(3):
            self.order(other, days_ago=300 + i, amount=100, products=("A", "C"))
        self.env["crm.customer.score"]._refresh_company(self.company, as_of=self.AS_OF)
        self.start_tour("/odoo", "crm_identification_tour", login="admin")
