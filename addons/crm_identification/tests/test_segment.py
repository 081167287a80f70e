from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSegment(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.user = new_test_user(
            cls.env, "ident_user", groups="crm_identification.group_crm_identification_user"
        )
        cls.manager = new_test_user(
            cls.env,
            "ident_manager",
            groups="crm_identification.group_crm_identification_manager",
        )

    def test_broken_rule_is_refused_with_a_clear_message(self):
        Segment = self.env["crm.customer.segment"].with_user(self.manager)
        for rule in ("[('no_such_field', '=', 1)]", "[('recency_score', '=',"):
            with self.assertRaises(ValidationError) as caught:
                Segment.create({"name": "Broken", "rule_domain": rule})
            self.assertIn("not a valid condition on customer scores", str(caught.exception))

    def test_user_reads_manager_configures(self):
        segment = (
            self.env["crm.customer.segment"]
            .with_user(self.manager)
            .create(
                {"name": "Big spenders", "rule_domain": "[('partner_id.customer_rank', '>', 0)]"}
            )
        )
        self.assertEqual(segment.with_user(self.user).name, "Big spenders")
        with self.assertRaises(AccessError):
            segment.with_user(self.user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["crm.customer.segment"].with_user(self.user).create({"name": "Mine"})

    def test_menu_visible_to_users_only(self):
        root = self.env.ref("crm_identification.menu_crm_identification_root")
        visible = self.env["ir.ui.menu"].with_user(self.user)._visible_menu_ids()
        self.assertIn(root.id, visible)
        salesman = new_test_user(
            self.env, "plain_salesman", groups="sales_team.group_sale_salesman"
        )
        self.assertNotIn(root.id, self.env["ir.ui.menu"].with_user(salesman)._visible_menu_ids())

    def test_a_rule_on_the_lifetime_value_says_it_sees_last_weeks_values(self):
        Segment = self.env["crm.customer.segment"].with_user(self.manager)
        valuable = Segment.create({"name": "Valuable", "rule_domain": "[('clv', '>', 1000)]"})
        self.assertTrue(valuable.reads_weekly_figures)
        recent = Segment.create({"name": "Recent", "rule_domain": "[('recency_score', '>=', 4)]"})
        self.assertFalse(recent.reads_weekly_figures)
        recent.rule_domain = "[('p_alive', '>', 0.8)]"
        self.assertTrue(recent.reads_weekly_figures)

    def test_the_demo_fills_every_segment_and_suggests_products(self):
        if not self.env.ref("crm_identification.partner_champion1_demo", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        company = self.env.ref("base.main_company")
        Score = self.env["crm.customer.score"]
        filled = dict(
            Score._read_group([("company_id", "=", company.id)], ["segment_id"], ["__count"])
        )
        segments = self.env["crm.customer.segment"].search(
            [("company_id", "in", [company.id, False])]
        )
        self.assertEqual(
            [segment.name for segment in segments if not filled.get(segment)], [], "empty segments"
        )
        self.assertEqual(company.crm_clv_method, "model", company.crm_clv_note)
        self.assertTrue(
            self.env["crm.product.association"].search_count([("company_id", "=", company.id)])
        )
        customers = Score.search([("company_id", "=", company.id)]).partner_id
        suggestions = self.env["crm.product.association"].with_company(company)._suggest(customers)
        self.assertTrue(any(suggestions.values()), "no customer gets a suggestion")
