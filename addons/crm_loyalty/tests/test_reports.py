from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestReports(LoyaltyCase):
    """The dashboard and the reports: liability over time, earn and burn, breakage, tier
    counts, and members' retention against non-members by segment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write({"crm_point_value": 0.05, "crm_expiry_months": 1})
        cls.silver = cls.env["crm.loyalty.tier"].create(
            {"name": "Report Silver", "program_id": cls.program.id, "qualify_from": 100}
        )

    def report(self, month):
        return self.env["crm.loyalty.ledger.report"].search(
            [("program_id", "=", self.program.id), ("month", "=", month)]
        )

    def test_points_liability_and_breakage_month_by_month(self):
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=300)
            card = self.card()
            self.env["loyalty.card"]._crm_grant_points(
                self.partner, 20, "Sorry", program=self.program
            )
        with freeze_time("2025-01-20 10:00:00"):
            spend = self.redeem(self.order(amount=10, confirm=False))
            spend.action_confirm()
        with freeze_time("2025-03-01 10:00:00"):
            self.env["loyalty.history"]._crm_expire_points()
            self.assertEqual(card.points, 0)
            january = self.report("2025-01-01")
            self.assertEqual(
                (january.earned, january.granted, january.redeemed, january.expired),
                (310, 20, 100, 0),
            )
            self.assertEqual(january.outstanding, 230)
            self.assertAlmostEqual(january.liability, 11.5)
            self.assertAlmostEqual(january.redemption_rate, 100 * 100 / 330)
            february = self.report("2025-02-01")
            self.assertEqual((february.earned, february.outstanding), (0, 230), "a quiet month")
            march = self.report("2025-03-01")
            self.assertEqual((march.expired, march.outstanding, march.liability), (230, 0, 0))

    def test_months_of_a_solar_hijri_company(self):
        """A company counting in Solar Hijri months sees its ledger by those months: the
        points of 10 January 2025 fall in Dey 1403 (from 21 December), the order and
        redemption of 20 January in Bahman (from that day)."""
        if "solar_hijri_periods" not in self.env.company._fields:
            self.skipTest("the Solar Hijri calendar addon is not installed")
        self.program.company_id.solar_hijri_periods = True
        with freeze_time("2025-01-10 10:00:00"):
            self.order(amount=300)
        with freeze_time("2025-01-20 10:00:00"):
            spend = self.redeem(self.order(amount=10, confirm=False))
            spend.action_confirm()
        with freeze_time("2025-03-01 10:00:00"):
            dey, bahman = self.report("2024-12-21"), self.report("2025-01-20")
            esfand = self.report("2025-02-19")
            self.assertEqual((dey.earned, dey.redeemed, dey.outstanding), (300, 0, 300))
            self.assertEqual((bahman.earned, bahman.redeemed, bahman.outstanding), (10, 100, 210))
            self.assertEqual((esfand.earned, esfand.outstanding), (0, 210), "a quiet month")
            self.assertFalse(self.report("2025-01-01"), "no Gregorian month")
        self.program.company_id.solar_hijri_periods = False
        self.env["crm.loyalty.ledger.report"].invalidate_model()  # rows numbered anew
        with freeze_time("2025-03-01 10:00:00"):
            january = self.report("2025-01-01")
            self.assertEqual((january.earned, january.redeemed), (310, 100))

    @freeze_time("2025-06-02 10:00:00")
    def test_dashboard(self):
        self.order(amount=300)
        self.order(self.env["res.partner"].create({"name": "Small"}), amount=50)
        spend = self.redeem(self.order(amount=10, confirm=False))
        spend.action_confirm()
        program = self.program.with_user(self.user)
        self.assertEqual(program.crm_member_count, 2)
        self.assertEqual(program.crm_outstanding_points, 260)
        self.assertAlmostEqual(program.crm_liability, 13.0)
        self.assertEqual(program.crm_earned_year, 360)
        self.assertAlmostEqual(program.crm_redemption_rate, 100 * 100 / 360)
        self.assertEqual(
            program.crm_expiring_points, 260, "the month's points expire within 30 days"
        )
        self.assertEqual(
            program.crm_tier_summary, [{"name": "Report Silver", "count": 1, "color": 0}]
        )
        action = self.program.with_user(self.manager).action_crm_check_ledger()
        self.assertEqual(action["params"]["type"], "success")

    def test_members_retention_against_non_members_by_segment(self):
        segment = self.env["crm.customer.segment"].create(
            {"name": "Report Segment", "rule_domain": "[('id', '=', 0)]", "sequence": 950}
        )
        member = self.env["res.partner"].create({"name": "Member"})
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        for partner in (member, stranger):
            partner.with_company(self.company).crm_segment_id = segment
        self.program.rule_ids.write({"minimum_amount": 0})
        # the member orders last year and twice this year; the stranger (no card: another
        # company's programme would not count) only ordered last year
        for partner, days_ago in ((member, 400), (member, 30), (member, 10), (stranger, 400)):
            order = self.order(partner, amount=10)
            order.date_order = datetime.now().replace(microsecond=0) - timedelta(days=days_ago)
        self.card(stranger).active = False
        self.env.flush_all()
        rows = self.env["crm.loyalty.retention.report"].search([("segment_id", "=", segment.id)])
        by_member = {row.is_member: row for row in rows}
        self.assertEqual(
            (by_member[True].buyers, by_member[True].repeat_buyers, by_member[True].retained),
            (1, 1, 1),
        )
        self.assertEqual((by_member[True].repeat_rate, by_member[True].retention_rate), (100, 100))
        self.assertEqual(
            (
                by_member[False].buyers,
                by_member[False].previous_buyers,
                by_member[False].retention_rate,
            ),
            (0, 1, 0),
        )

    def test_reports_need_the_loyalty_groups(self):
        salesman = new_test_user(
            self.env, "report_salesman", groups="sales_team.group_sale_salesman"
        )
        for model in (
            "crm.loyalty.ledger.report",
            "crm.loyalty.retention.report",
            "crm.loyalty.tier.history",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(salesman).search([])
            self.env[model].with_user(self.user).search([])
        with self.assertRaises(AccessError):
            self.env["crm.loyalty.offer"].with_user(self.user).create(
                {
                    "name": "x",
                    "program_id": self.program.id,
                    "points": 1,
                    "segment_ids": [
                        Command.set(self.env["crm.customer.segment"].search([], limit=1).ids)
                    ],
                }
            )

    def test_points_statement_prints_as_pdf(self):
        """A member's points statement from the card's Print menu: balance, tier and the
        ledger lines of the period, in the member's language, as a real PDF."""
        with freeze_time("2024-12-31 10:00:00"):
            self.order(amount=70)
        with freeze_time("2025-02-28 10:00:00"):
            self.order(amount=150)
            card = self.card()
            Report = self.env["ir.actions.report"].with_user(self.user)
            report = self.env.ref("crm_loyalty.action_report_loyalty_statement")
            self.assertEqual(report.binding_model_id.model, "loyalty.card", "in the Print menu")
            name = "crm_loyalty.report_loyalty_statement"
            html = Report._render_qweb_html(
                name, card.ids, data={"date_from": "2025-01-01", "date_to": "2025-02-28"}
            )[0].decode()
            self.assertIn("Points Statement", html)
            self.assertIn("Report Silver", html)
            self.assertIn(self.lines(card, "earn")[-1].description, html)
            self.assertNotIn(self.lines(card, "earn")[0].description, html, "before the period")
            self.assertIn(card._format_points(70), html, "the balance at the start")
            self.assertIn(card._format_points(220), html, "the balance at the end")
            pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
                name, card.ids
            )
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF"))
            # in the member's language
            self.env["res.lang"]._activate_lang("fa_IR")
            self.env["ir.module.module"]._load_module_terms(
                ["crm_loyalty"], ["fa_IR"], overwrite=True
            )
            self.partner.lang = "fa_IR"
            html = Report._render_qweb_html(name, card.ids)[0].decode()
            self.assertIn("صورت‌حساب امتیاز", html)
        # a portal member cannot print another member's statement
        portal = new_test_user(self.env, "statement_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(portal)._render_qweb_html(name, card.ids)
