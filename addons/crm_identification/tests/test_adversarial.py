from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import InsightCase
from .common_rpc import ForgedCallMixin

# every context key this addon reads, and Odoo's that change what a call sees or writes (a
# client sends any of them with any call)
FORGED_CONTEXT = {
    "crm_figures_as_of": {"1": "2001-01-01"},
    "tz": "Pacific/Kiritimati",
    "active_test": False,
    "tracking_disable": True,
    "mail_notrack": True,
    "skip_procurement": True,
}
# what a refused call answers: an error the user reads, never a crash
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
}


@tagged("post_install", "-at_install")
class TestAdversarial(ForgedCallMixin, HttpCase, InsightCase):
    """The addon tried as an attacker: a portal customer against another customer, and the
    lowest Customer Identification group (a salesperson seeing their own customers) against
    another salesperson's customers, over /web/dataset/call_kw and /jsonrpc, with every
    context key the addon reads. Every public method of the addon's models and the insight
    sheet's report route are tried: 0 leaks, 0 writes, 0 server errors."""

    forged_context = FORGED_CONTEXT
    refusals = REFUSALS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, "adv_other", groups="crm_identification.group_crm_identification_user"
        )
        cls.portal_a = new_test_user(cls.env, "adv_portal_a", groups="base.group_portal")
        cls.portal_b = new_test_user(cls.env, "adv_portal_b", groups="base.group_portal")
        cls.mine = cls.portal_a.partner_id
        cls.mine.write({"name": "Adversary Own Customer", "user_id": cls.salesman.id})
        cls.theirs = cls.portal_b.partner_id
        cls.theirs.write({"name": "Secret Customer B", "user_id": cls.other_salesman.id})
        cls.orders = {}
        for partner, amount in ((cls.mine, 120), (cls.theirs, 8642.14)):
            for days_ago in (10, 40, 70):
                cls.orders[partner] = cls.order(
                    partner, days_ago=days_ago, amount=amount, products=("A", "B")
                )
        cls.secret_deal = cls.env["crm.lead"].create(
            {
                "name": "Secret deal of B",
                "type": "opportunity",
                "partner_id": cls.theirs.id,
                "expected_revenue": 97531,
                "user_id": cls.other_salesman.id,
            }
        )
        cls.env["crm.customer.score"]._refresh_company(cls.company, as_of=cls.AS_OF)
        Score = cls.env["crm.customer.score"]
        cls.my_score = Score.search([("partner_id", "=", cls.mine.id)])
        cls.their_score = Score.search([("partner_id", "=", cls.theirs.id)])
        cls.segment = cls.their_score.segment_id
        cls.history = cls.env["crm.customer.segment.history"].search(
            [("partner_id", "=", cls.theirs.id)]
        )
        cls.association = cls.env["crm.product.association"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        assert cls.association, "a rule to try writing"
        cls.other_company = cls.env["res.company"].create({"name": "Adversary Other Co"})

    # ------------------------------------------------------------------ helpers

    def snapshot(self):
        """What the addon stores, and the rows its methods could write, as the database
        holds them."""
        self.env.flush_all()
        self.env.invalidate_all()
        tables = {
            "crm_customer_score": (
                "id", "partner_id", "segment_id", "monetary", "clv", "value_tier",
                "credit_limit_suggested",
            ),
            "crm_customer_segment": ("id", "name", "rule_domain", "active", "company_id"),
            "crm_customer_segment_history": ("id", "partner_id", "segment_id", "date"),
            "crm_product_association": ("id", "product_id", "associated_product_id", "lift"),
            "crm_customer_prospect": ("id", "partner_id"),
            "crm_basket_month": ("id", "month", "stale"),
            "res_partner": (
                "id", "name", "user_id", "crm_segment_id", "crm_value_tier",
                "crm_churn_status", "crm_prospect",
            ),
            "crm_lead": ("id", "name", "user_id", "partner_id", "expected_revenue"),
            "sale_order": ("id", "state", "partner_id", "date_order"),
            "ir_filters": ("id", "name", "domain"),
            "res_company": ("id", "crm_figures_as_of", "crm_credit_floor"),
        }  # fmt: skip
        state = {}
        for table, columns in tables.items():
            self.env.cr.execute(
                SQL(
                    "SELECT %s FROM %s ORDER BY id",
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                    SQL.identifier(table),
                )
            )
            state[table] = self.env.cr.fetchall()
        return state

    def attempts(self):
        """Every public method of the addon's models, with another customer's or another
        salesperson's ids: (model, method, args, may answer). Writes must be refused; calls
        that may answer (reads of what the user reads anyway, actions opening a list of it)
        are checked for leaks and writes like the others."""
        theirs, mine = self.their_score.id, self.my_score.id
        segment = self.segment.id
        their_order = self.orders[self.theirs]
        company = self.company.id
        return [
            ("crm.customer.score", "read", [[theirs], ["monetary", "clv", "explanation"]], 0),
            ("crm.customer.score", "search_read", [[("partner_id", "=", self.theirs.id)]], 1),
            (
                "crm.customer.score",
                "search_read",
                [[("recency_days", "<=", 400)], ["partner_id", "recency_days", "monetary"]],
                1,
            ),
            ("crm.customer.score", "read_group", [[], ["monetary:sum"], ["user_id"]], 1),
            ("crm.customer.score", "write", [[mine], {"monetary": 10**6}], 0),
            ("crm.customer.score", "create", [[{"partner_id": self.mine.id}]], 0),
            ("crm.customer.score", "unlink", [[theirs]], 0),
            ("crm.customer.score", "action_win_back", [[theirs]], 0),
            ("crm.customer.score", "action_open_partner", [[theirs]], 0),
            ("crm.customer.score", "action_refresh_now", [], 0),
            ("crm.customer.score", "action_apply_credit_limit", [[mine]], 0),
            ("crm.customer.segment", "write", [[segment], {"rule_domain": "[]"}], 0),
            ("crm.customer.segment", "create", [[{"name": "Forged", "sequence": -1}]], 0),
            ("crm.customer.segment", "unlink", [[segment]], 0),
            ("crm.customer.segment", "action_view_customers", [[segment]], 1),
            ("crm.customer.segment", "action_create_partner_filter", [[segment]], 0),
            ("crm.customer.segment.history", "read", [self.history.ids, ["segment_id"]], 0),
            ("crm.customer.segment.history", "unlink", [self.history.ids], 0),
            (
                "crm.customer.segment.history",
                "create",
                [[{"partner_id": self.mine.id, "company_id": company, "date": "2020-01-01"}]],
                0,
            ),
            ("crm.product.association", "write", [self.association.ids, {"lift": 99}], 0),
            ("crm.product.association", "unlink", [self.association.ids], 0),
            ("crm.basket.month", "search_read", [[], ["month"]], 0),
            ("crm.basket.month", "unlink", [[1]], 0),
            (
                "crm.customer.touch",
                "create",
                [[{"company_id": company, "partner_id": self.theirs.id}]],
                0,
            ),
            (
                "crm.customer.prospect",
                "create",
                [[{"company_id": company, "partner_id": self.theirs.id}]],
                0,
            ),
            ("crm.churn.report", "search_read", [[], ["lost_count", "user_id"]], 1),
            ("crm.segment.migration", "create", [[{"company_id": self.other_company.id}]], 0),
            ("res.partner", "action_crm_win_back", [[self.theirs.id]], 0),
            ("res.partner", "write", [[self.mine.id], {"crm_value_tier": "a"}], 0),
            ("res.partner", "write", [[self.theirs.id], {"crm_prospect": True}], 0),
            # labels sent with a legitimate change: the change only
            (
                "res.partner",
                "write",
                [[self.mine.id], {"name": self.mine.name, "crm_segment_id": segment}],
                1,
            ),
            (
                "res.partner",
                "read",
                [[self.theirs.id], ["crm_clv", "crm_engaged_pipeline", "crm_explanation"]],
                1,
            ),
            ("res.partner", "create", [[{"name": "Forged", "crm_segment_id": segment}]], 0),
            ("sale.order", "write", [their_order.ids, {"partner_id": self.mine.id}], 0),
            (
                "sale.order",
                "create",
                [[{"partner_id": self.theirs.id, "user_id": self.other_salesman.id}]],
                0,
            ),
            ("sale.order.line", "write", [their_order.order_line.ids, {"price_unit": 1}], 0),
            ("sale.order.line", "create", [[{"order_id": their_order.id, "name": "F"}]], 0),
            ("sale.order.line", "unlink", [their_order.order_line.ids], 0),
            ("account.move", "create", [[{"move_type": "out_refund"}]], 0),
            ("account.move", "write", [[1], {"ref": "Forged"}], 0),
        ]

    def try_everything(self):
        before = self.snapshot()
        answered = {}
        for model, method, args, may_answer in self.attempts():
            with self.subTest(model=model, method=method, args=args):
                result, error = self.call(model, method, args)
                if not may_answer:
                    self.assertTrue(error, f"{model}.{method} was not refused: {result}")
                answered.setdefault((model, method), result)
        # the wizard of the migration matrix: the user's own, in their company, answers
        # with what the user reads
        wizard, error = self.call("crm.segment.migration", "create", [[{}]])
        if wizard:
            self.call("crm.segment.migration", "action_compute", [wizard])
        # and through the external API too
        for model, method, args in (
            ("crm.customer.score", "action_refresh_now", []),
            ("res.partner", "write", [[self.mine.id], {"crm_value_tier": "a"}]),
        ):
            __, error = self.call(model, method, args, route="jsonrpc")
            self.assertTrue(error, f"/jsonrpc {model}.{method} was not refused")
        self.assertEqual(self.snapshot(), before, "nothing changed")
        return answered

    def assertReportRefused(self, score):
        for kind in ("pdf", "html"):
            url = f"/report/{kind}/crm_identification.report_customer_insight/{score.id}"
            with self.subTest(url=url), mute_logger("odoo.http"):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (303, 403, 404), url)
                for secret in self.secrets:
                    self.assertNotIn(secret, response.text)

    # ------------------------------------------------------------------ tests

    def test_every_public_method_is_tried(self):
        """The attempts cover every public method the addon defines: a new one fails here
        until it is added to them."""
        tried = {(model, method) for model, method, __, __ in self.attempts()}
        tried.add(("crm.segment.migration", "action_compute"))
        public = self.public_methods("crm_identification")
        self.assertFalse(public - tried, "public methods no adversarial test tries")

    def test_portal_customer_against_another_customer(self):
        self.as_user(self.portal_a, ["Secret Customer B", "8642.14", "Secret deal of B", "97531"])
        self.try_everything()
        self.assertReportRefused(self.their_score)
        self.assertReportRefused(self.my_score)
        for url in ("/my/home", "/my/orders"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                for secret in self.secrets:
                    self.assertNotIn(secret, response.text)

    def test_lowest_group_against_another_salespersons_customers(self):
        # the other customer's name is no secret to an employee; its figures and its
        # salesperson's opportunity are
        self.as_user(self.salesman, ["8642.14", "25926.42", "Secret deal of B", "97531"])
        answered = self.try_everything()
        found = answered["crm.customer.score", "search_read"]
        self.assertEqual(found, [], "another salesperson's customer is not found")
        self.assertReportRefused(self.their_score)
        # their own customer's sheet prints
        response = self.url_open(
            f"/report/html/crm_identification.report_customer_insight/{self.my_score.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Adversary Own Customer", response.text)

    def test_a_forged_context_does_not_move_the_refresh_day(self):
        # a manager refreshes with a context naming another day and another time zone: the
        # refresh computes for the company's today all the same
        self.as_user(self.manager, [])
        result, error = self.call("crm.customer.score", "action_refresh_now", [])
        self.assertFalse(error)
        self.assertEqual(result["params"]["type"], "success")
        self.company.invalidate_recordset()
        today = self.env["crm.customer.score"].with_user(self.manager)._today(self.company)
        self.assertEqual(self.company.crm_figures_as_of, today)
