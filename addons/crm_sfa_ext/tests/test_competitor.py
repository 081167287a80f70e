from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SfaCase


@tagged("post_install", "-at_install")
class TestCompetitor(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.user = new_test_user(cls.env, "sfa_user", groups="crm_sfa_ext.group_crm_sfa_ext_user")
        cls.manager = new_test_user(
            cls.env, "sfa_manager", groups="crm_sfa_ext.group_crm_sfa_ext_manager"
        )

    def test_manager_records_user_reads(self):
        rival = self.env["crm.competitor"].with_user(self.manager).create({"name": "Rival Ltd"})
        self.assertEqual(rival.with_user(self.user).name, "Rival Ltd")
        with self.assertRaises(AccessError):
            rival.with_user(self.user).write({"strengths": "Cheaper"})

    def test_one_competitor_per_name_and_company(self):
        self.env["crm.competitor"].create({"name": "Rival Ltd"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["crm.competitor"].create({"name": "Rival Ltd"})


@tagged("post_install", "-at_install")
class TestWinLoss(SfaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Competitor = cls.env["crm.competitor"]
        cls.rival = Competitor.create({"name": "Win/Loss Rival", "price_position": "lower"})
        cls.other = Competitor.create({"name": "Win/Loss Other"})
        cls.segment = cls.env["crm.customer.segment"].create({"name": "Win/Loss Segment"})
        cls.customer = cls.env["res.partner"].create({"name": "Win/Loss Customer"})
        cls.customer.sudo().write({"crm_segment_id": cls.segment.id, "crm_value_tier": "a"})
        cls.reason = cls.env["crm.lost.reason"].create({"name": "Too expensive (test)"})
        won = cls.opportunity(1000, 50, partner_id=cls.customer.id)
        won.competitor_ids = cls.rival | cls.other
        won.action_set_won()
        lost = cls.opportunity(2000, 50, partner_id=cls.customer.id)
        lost.write({"competitor_ids": [(4, cls.other.id)], "lost_to_competitor_id": cls.rival.id})
        lost.action_set_lost(lost_reason_id=cls.reason.id)
        cls.lost = lost
        cls.open = cls.opportunity(3000, 50)
        cls.open.competitor_ids = cls.rival

    def test_winner_is_among_competitors(self):
        self.assertEqual(self.lost.competitor_ids, self.rival | self.other)

    def test_counts_on_the_competitor(self):
        self.assertEqual(
            (self.rival.opportunity_count, self.rival.won_count, self.rival.lost_count),
            (3, 1, 1),
        )
        self.assertEqual(self.rival.win_rate, 50.0)
        self.assertEqual(self.other.opportunity_count, 2)

    def test_analysis_by_competitor_reason_segment(self):
        Report = self.env["crm.competitor.report"]
        rows = Report._read_group(
            [("competitor_id", "=", self.rival.id), ("outcome", "in", ("won", "lost"))],
            ["outcome", "lost_reason_id", "segment_id", "value_tier"],
            ["expected_revenue:sum", "win_rate:avg"],
        )
        self.assertEqual(
            sorted((o, r.name or "", s.name, t, rev) for o, r, s, t, rev, _rate in rows),
            [
                ("lost", "Too expensive (test)", "Win/Loss Segment", "a", 2000),
                ("won", "", "Win/Loss Segment", "a", 1000),
            ],
        )
        [(lost_to_count,)] = Report._read_group(
            [("lost_to", "=", True), ("competitor_id", "=", self.rival.id)], [], ["__count"]
        )
        self.assertEqual(lost_to_count, 1)
        [(rate,)] = Report._read_group(
            [("competitor_id", "=", self.rival.id)], [], ["win_rate:avg"]
        )
        self.assertEqual(rate, 50.0, "open deals are left out of the win rate")

    def test_analysis_by_main_product(self):
        desk = self.env["product.product"].create({"name": "Win/Loss Desk"})
        chair = self.env["product.product"].create({"name": "Win/Loss Chair"})
        self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.open.id,
                "order_line": [
                    (0, 0, {"product_id": chair.id, "price_unit": 10, "product_uom_qty": 1}),
                    (0, 0, {"product_id": desk.id, "price_unit": 900, "product_uom_qty": 1}),
                ],
            }
        )
        rows = self.env["crm.competitor.report"]._read_group(
            [("lead_id", "=", self.open.id)], ["product_id"], ["__count"]
        )
        self.assertEqual(rows, [(desk, 1)])

    def test_buying_committee(self):
        boss = self.env["res.partner"].create({"name": "Buyer Boss", "function": "CEO"})
        self.open.buying_role_ids = [
            (0, 0, {"partner_id": boss.id, "role": "decision_maker", "stance": "opponent"})
        ]
        self.assertEqual(self.open.buying_role_ids.function, "CEO")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.open.buying_role_ids = [(0, 0, {"partner_id": boss.id, "role": "user"})]
            self.open.flush_recordset()

    def test_buying_committee_follows_the_opportunity(self):
        boss = self.env["res.partner"].create({"name": "Committee Boss"})
        self.open.buying_role_ids = [(0, 0, {"partner_id": boss.id})]
        role = self.open.buying_role_ids
        self.assertEqual(role.with_user(self.seller).partner_id, boss)
        with self.assertRaises(AccessError):
            role.with_user(self.other_seller).read(["role"])

    def test_reader_sees_only_the_opportunities_they_may_open(self):
        theirs = self.opportunity(5000, 50, user=self.other_seller, partner_id=self.customer.id)
        theirs.write({"lost_to_competitor_id": self.rival.id})
        theirs.action_set_lost(lost_reason_id=self.reason.id)
        Report = self.env["crm.competitor.report"]
        self.assertIn(theirs, Report.search([("competitor_id", "=", self.rival.id)]).lead_id)
        mine = Report.with_user(self.seller).search([("competitor_id", "=", self.rival.id)])
        self.assertNotIn(theirs, mine.lead_id)
        self.assertEqual(mine.lead_id.user_id, self.seller)
        [(revenue,)] = Report.with_user(self.seller)._read_group(
            [("competitor_id", "=", self.rival.id), ("outcome", "=", "lost")],
            [],
            ["expected_revenue:sum"],
        )
        self.assertEqual(revenue, 2000, "the other salesperson's lost deal is not counted")
        rival = self.rival.with_user(self.seller)
        self.assertEqual((rival.opportunity_count, rival.lost_count), (3, 1))
        self.assertEqual(
            Report.with_user(self.other_seller)
            .search([("competitor_id", "=", self.rival.id)])
            .lead_id,
            theirs,
        )
