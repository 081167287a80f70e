import ast

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

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
        order = (
            self.env["sale.order"]
            .with_company(other)
            .create(
                {
                    "partner_id": foreign.id,
                    "company_id": other.id,
                    "order_line": [
                        (0, 0, {"product_id": self.products["A"].id, "price_unit": 10})
                    ],
                }
            )
        )
        order.action_confirm()
        self.refresh(company=other, as_of=fields.Date.today())
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
