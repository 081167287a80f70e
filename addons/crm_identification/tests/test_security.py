import ast
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import InsightCase


@tagged("post_install", "-at_install")
class TestSecurity(InsightCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, "insight_other", groups="crm_identification.group_crm_identification_user"
        )
        cls.mine = cls.customer("My Customer", user_id=cls.salesman.id)
        cls.theirs = cls.customer("Their Customer", user_id=cls.other_salesman.id)
        cls.nobody = cls.customer("Unassigned Customer")
        for partner in (cls.mine, cls.theirs, cls.nobody):
            cls.order(partner, days_ago=10, amount=1000)
        cls.env["crm.customer.score"]._refresh_company(cls.company, as_of=cls.AS_OF)

    def test_salesperson_sees_own_and_unassigned_customers_only(self):
        Score = self.env["crm.customer.score"].with_user(self.salesman)
        visible = Score.search([]).partner_id
        self.assertEqual(visible, self.mine | self.nobody)
        with self.assertRaises(AccessError):
            self.score(self.theirs).with_user(self.salesman).read(["monetary"])
        # the partner tab shows nothing of another salesperson's customer
        self.assertFalse(self.theirs.with_user(self.salesman).crm_score_id)
        self.assertTrue(self.mine.with_user(self.salesman).crm_score_id)
        self.assertEqual(self.mine.with_user(self.salesman).crm_value_tier, "a")
        # the labels on the contact (segment, tier, status, scores) are for every insight
        # user, to filter and group contacts; the money figures are not
        theirs = self.theirs.with_user(self.salesman)
        self.assertEqual(theirs.crm_value_tier, "a")
        self.assertFalse(theirs.crm_clv)
        self.assertFalse(theirs.crm_explanation)
        # users outside the insight groups do not see the labels at all
        outsider = new_test_user(self.env, "insight_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.mine.with_user(outsider).read(["crm_segment_id"])

    def test_manager_sees_everyone(self):
        visible = self.env["crm.customer.score"].with_user(self.manager).search([]).partner_id
        self.assertLessEqual(self.mine | self.theirs | self.nobody, visible)

    def test_only_managers_refresh_and_configure(self):
        Score = self.env["crm.customer.score"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            Score.action_refresh_now()
        with self.assertRaises(AccessError):
            self.env["crm.customer.segment"].with_user(self.salesman).create(
                {"name": "Mine", "rule_domain": "[]"}
            )
        with self.assertRaises(AccessError):
            self.score(self.mine).with_user(self.salesman).write({"monetary": 1})
        action = self.env["crm.customer.score"].with_user(self.manager).action_refresh_now()
        self.assertEqual(action["params"]["type"], "success")

    def test_other_company_figures_stay_there(self):
        other = self.env["res.company"].create({"name": "Other Insight Co"})
        self.manager.write({"company_ids": [(4, other.id)]})
        foreign = self.customer("Foreign Customer")
        # dated from the fixed day of the tests, not today
        self.order(foreign, days_ago=3, amount=10, company=other)
        self.refresh(company=other)
        self.assertTrue(self.score(foreign, company=other))
        as_manager = self.env["crm.customer.score"].with_user(self.manager)
        # only the selected companies' rows
        main_only = as_manager.with_context(allowed_company_ids=[self.company.id])
        self.assertNotIn(foreign, main_only.search([]).partner_id)
        both = as_manager.with_context(allowed_company_ids=[self.company.id, other.id])
        self.assertIn(foreign, both.search([]).partner_id)
        # the partner tab shows the figures of the current company
        partner = foreign.with_user(self.manager)
        self.assertFalse(partner.with_context(allowed_company_ids=[self.company.id]).crm_score_id)
        self.assertTrue(partner.with_context(allowed_company_ids=[other.id]).crm_score_id)
        # and the labels stored on the contact are the current company's
        self.assertFalse(
            partner.with_context(allowed_company_ids=[self.company.id]).crm_segment_id
        )
        self.assertTrue(partner.with_context(allowed_company_ids=[other.id]).crm_segment_id)
        outsider = self.customer("Outsider")
        self.assertFalse(
            self.env["crm.customer.score"]
            .with_user(self.salesman)
            .search([("partner_id", "in", (foreign | outsider).ids)])
        )
        self.order(foreign, days_ago=5, amount=50)  # now a customer of the main company too
        self.refresh()
        self.env.invalidate_all()
        in_main = partner.with_context(allowed_company_ids=[self.company.id])
        in_other = partner.with_context(allowed_company_ids=[other.id])
        self.assertEqual(in_main.crm_segment_id, self.score(foreign).segment_id)
        self.assertEqual(in_other.crm_segment_id, self.score(foreign, company=other).segment_id)

    def test_segment_rule_must_be_valid(self):
        Segment = self.env["crm.customer.segment"].with_user(self.manager)
        with self.assertRaisesText(ValidationError, "not a valid condition on customer scores"):
            Segment.create({"name": "Broken", "rule_domain": "[('no_such_field', '=', 1)]"})
        with self.assertRaisesText(ValidationError, "not a valid condition"):
            Segment.create({"name": "Not Python", "rule_domain": "[('recency_score', '=',"})
        segment = Segment.create(
            {"name": "Germans", "rule_domain": "[('partner_id.country_id.code', '=', 'DE')]"}
        )
        self.assertTrue(segment.id)

    def test_segment_saved_as_contact_filter(self):
        champions = self.env.ref("crm_identification.segment_champions")
        champions.with_user(self.manager).action_create_partner_filter()
        saved = self.env["ir.filters"].search(
            [("model_id", "=", "res.partner"), ("name", "=", "Segment: Champions")]
        )
        self.assertEqual(len(saved), 1)
        domain = ast.literal_eval(saved.domain)
        self.assertEqual(domain, [("crm_segment_id", "=", champions.id)])
        self.env["res.partner"].search(domain)  # the filter works on contacts
        champions.with_user(self.manager).action_create_partner_filter()
        self.assertEqual(
            self.env["ir.filters"].search_count([("name", "=", "Segment: Champions")]), 1
        )

    def test_engagement_counts_only_what_the_reader_can_open(self):
        # a prospect with an opportunity of each salesperson: "Sales / User: Own Documents"
        # users (the insight user group implies it) open only their own
        prospect = self.customer("Engaged Co", is_company=True)
        Lead = self.env["crm.lead"]
        hidden = Lead.create(
            {
                "name": "Their big deal",
                "type": "opportunity",
                "partner_id": prospect.id,
                "expected_revenue": 7000,
                "user_id": self.other_salesman.id,
            }
        )
        Lead.create(
            {
                "name": "My small deal",
                "type": "opportunity",
                "partner_id": prospect.id,
                "expected_revenue": 500,
                "user_id": self.salesman.id,
            }
        )
        hidden.message_post(body="Send me the quote", message_type="email", author_id=prospect.id)
        self.assertFalse(self.salesman.has_group("sales_team.group_sale_salesman_all_leads"))
        with self.assertRaises(AccessError):
            hidden.with_user(self.salesman).read(["expected_revenue"])
        mine = prospect.with_user(self.salesman)
        self.assertEqual(
            (mine.crm_engaged_opportunities, mine.crm_engaged_pipeline, mine.crm_engaged_emails),
            (1, 500, 0),
        )
        theirs = prospect.with_user(self.other_salesman)
        self.assertEqual(
            (theirs.crm_engaged_opportunities, theirs.crm_engaged_pipeline),
            (1, 7000),
        )
        self.assertEqual(theirs.crm_engaged_emails, 1)
        # who sees every opportunity sees every figure
        self.assertEqual(
            (prospect.crm_engaged_opportunities, prospect.crm_engaged_pipeline), (2, 7500)
        )

    @freeze_time("2027-02-28 20:00:00")
    def test_the_refresh_day_is_the_companys_not_the_clients(self):
        # 20:00 in London is already March 1st in Kiritimati: a client's time zone, or a day
        # of its own in the context, does not move the day the refresh computes for
        self.manager.tz = "Europe/London"
        self.company.partner_id.tz = False
        forged = {"tz": "Pacific/Kiritimati", "crm_figures_as_of": {self.company.id: "2001-01-01"}}
        Score = self.env["crm.customer.score"].with_user(self.manager).with_context(**forged)
        Score.action_refresh_now()
        self.assertEqual(self.company.crm_figures_as_of, date(2027, 2, 28))
        # the company's own time zone decides, when it has one
        self.company.partner_id.tz = "Pacific/Auckland"
        Score.action_refresh_now()
        self.assertEqual(self.company.crm_figures_as_of, date(2027, 3, 1))
        # a day in the context is the refresh's only when server code put a date there
        Score = self.env["crm.customer.score"]
        recent = [("company_id", "=", self.company.id), ("recency_days", "<=", 10)]
        with_string = Score.with_context(crm_figures_as_of={self.company.id: "2001-01-01"})
        self.assertEqual(with_string.search(recent), Score.search(recent))

    def test_company_bound_records_refer_to_their_company_only(self):
        other = self.env["res.company"].create({"name": "Other Segments Co"})
        foreign_segment = self.env["crm.customer.segment"].create(
            {"name": "Theirs only", "company_id": other.id}
        )
        History = self.env["crm.customer.segment.history"]
        with self.assertRaisesText(UserError, "Incompatible companies"):
            History.create(
                {
                    "partner_id": self.mine.id,
                    "company_id": self.company.id,
                    "segment_id": foreign_segment.id,
                    "date": "2020-06-30 10:00:00",
                }
            )
        with self.assertRaisesText(UserError, "Incompatible companies"):
            stranger = self.customer("Other Company's Own", company_id=other.id)
            self.env["crm.customer.touch"].create(
                {"company_id": self.company.id, "partner_id": stranger.id}
            )
        # the other company's segments are not seen from this one
        as_manager = self.env["crm.customer.segment"].with_user(self.manager)
        self.assertNotIn(foreign_segment, as_manager.search([]))
        self.manager.company_ids |= other
        both = as_manager.with_context(allowed_company_ids=[self.company.id, other.id])
        self.assertIn(foreign_segment, both.search([]))
