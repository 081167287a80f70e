from datetime import date

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import LoyaltyCase


class OfferCase(LoyaltyCase):
    """Eight customers of one segment, an offer of 200 points to them with a control
    group of half of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment = cls.env["crm.customer.segment"].create(
            {"name": "Measured segment", "rule_domain": "[('id', '=', 0)]", "sequence": 990}
        )
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Measured Customer {i}"} for i in range(8)]
        )
        for customer in cls.customers:
            customer.with_company(cls.company).crm_segment_id = cls.segment

    def offer(self, **values):
        return (
            self.env["crm.loyalty.offer"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Q3 win-back, at-risk, internal test 7",
                    "label": "A gift of 200 points",
                    "program_id": self.program.id,
                    "action": "points",
                    "points": 200,
                    "segment_ids": [Command.set(self.segment.ids)],
                    "control_share": 50,
                    "control_seed": 4242,
                    **values,
                }
            )
        )

    def reached(self, offer):
        return (
            self.env["loyalty.history"]
            .search([("crm_offer_id", "=", offer.id)])
            .card_id.partner_id
        )


@tagged("post_install", "-at_install")
class TestOfferMeasure(OfferCase):
    def test_control_group_is_kept_out(self):
        offer = self.offer()
        offer._issue_now()
        control = offer.control_ids.partner_id
        self.assertEqual(len(control), 4, "half of the eight customers")
        reached = self.reached(offer)
        self.assertEqual(len(reached), 4)
        self.assertFalse(reached & control, "the control group gets nothing")
        self.assertEqual(reached | control, self.customers)
        # the same seed chooses the same customers
        again = self.offer(name="Same seed")
        again._issue_now()
        self.assertEqual(again.control_ids.partner_id, control)
        # issued again with newcomers: the control group stays out, newcomers are split
        newcomers = self.env["res.partner"].create([{"name": "Late A"}, {"name": "Late B"}])
        for customer in newcomers:
            customer.with_company(self.company).crm_segment_id = self.segment
        offer.action_issue()
        offer._issue_now()
        self.assertEqual(len(offer.control_ids), 5)
        self.assertLessEqual(control, offer.control_ids.partner_id, "kept")
        self.assertFalse(self.reached(offer) & offer.control_ids.partner_id)
        self.assertEqual(len(self.reached(offer)), 5)
        # once issued, the control group cannot be changed
        with self.assertRaisesRegex(UserError, "duplicate the offer"):
            offer.with_user(self.manager).control_share = 10

    def test_uplift_on_a_known_case(self):
        with freeze_time("2026-03-02 10:00:00"):
            offer = self.offer(measure_from=date(2026, 3, 1), measure_to=date(2026, 3, 31))
            offer._issue_now()
            offered = self.reached(offer).sorted("id")
            control = offer.control_ids.partner_id.sorted("id")
            # the offered customers spend 300 and 100, one of them redeems the reward
            self.order(offered[0], amount=300)
            self.redeem(self.order(offered[0], amount=100, confirm=False)).action_confirm()
            self.order(offered[1], amount=100)
            # one control customer spends 100
            self.order(control[0], amount=100)
        with freeze_time("2026-04-15 10:00:00"):
            # after the window: not counted
            self.order(control[1], amount=1000)
        offer.invalidate_recordset()
        self.assertEqual((offer.offered_customers, offer.control_customers), (4, 4))
        # offered: 300 + 90 (100 less the 10.00 reward) + 100 = 490 over 4 customers
        self.assertAlmostEqual(offer.offered_revenue, 122.5)
        self.assertAlmostEqual(offer.control_revenue, 25.0)
        self.assertAlmostEqual(offer.revenue_uplift, 97.5)
        self.assertAlmostEqual(offer.revenue_uplift_percent, 390.0)
        self.assertAlmostEqual(offer.offered_redemption_rate, 25.0)
        self.assertAlmostEqual(offer.control_redemption_rate, 0.0)
        self.assertAlmostEqual(offer.redemption_uplift, 25.0)
        # a wider window takes the later order in
        offer.measure_to = date(2026, 4, 30)
        self.assertAlmostEqual(offer.control_revenue, 275.0)

    def test_label_on_the_ledger_line(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        offer = self.offer(control_share=0)
        offer.with_context(lang="fa_IR").label = "هدیه ۲۰۰ امتیازی"
        self.customers[0].lang = "fa_IR"
        offer._issue_now()
        lines = self.env["loyalty.history"].search([("crm_offer_id", "=", offer.id)])
        self.assertEqual(
            set(lines.mapped("description")), {"A gift of 200 points", "هدیه ۲۰۰ امتیازی"}
        )
        self.assertNotIn(offer.name, lines.mapped("description"))


@tagged("post_install", "-at_install")
class TestOfferPortal(HttpCase, OfferCase):
    def test_portal_shows_the_label(self):
        member = new_test_user(self.env, "measured_member", groups="base.group_portal")
        member.partner_id.with_company(self.company).crm_segment_id = self.segment
        offer = self.offer(control_share=0)
        offer._issue_now()
        card = self.card(member.partner_id)
        self.assertTrue(card)
        self.authenticate("measured_member", "measured_member")
        page = self.url_open(f"/my/loyalty/{card.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("A gift of 200 points", page.text)
        self.assertNotIn("Q3 win-back", page.text)
        # nor can the member read the offer, its control group or its figures over RPC
        for model, ids in (
            ("crm.loyalty.offer", offer.ids),
            ("crm.loyalty.offer.control", [1]),
        ):
            with self.assertRaisesRegex(Exception, "AccessError|not allowed"):
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/read",
                    {
                        "model": model,
                        "method": "read",
                        "args": [ids],
                        "kwargs": {"fields": ["display_name"], "context": {"active_test": False}},
                    },
                )
