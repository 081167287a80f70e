from contextlib import contextmanager
from datetime import date, datetime, timedelta

from odoo.tests import TransactionCase, new_test_user


class InsightCase(TransactionCase):
    """Hand-made sales with known answers: real sale orders confirmed through the ORM,
    then dated where the test wants them."""

    # Well before the demo data's sales (dated from today backwards), which thereby stay
    # out of every refresh of these tests.
    AS_OF = date(2020, 6, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write(
            {
                "crm_lookback_days": 365,
                "crm_sales_source": "orders",
                "crm_monetary_basis": "revenue",
                "crm_score_method": "thresholds",
                "crm_recency_thresholds": "30,90,180,365",
                "crm_frequency_thresholds": "2,3,5,10",
                "crm_monetary_thresholds": "500,2000,5000,20000",
                "crm_churn_method": "relative",
                "crm_churn_factor": 3.0,
                "crm_at_risk_factor": 1.5,
                "crm_churn_days": 365,
                "crm_at_risk_days": 180,
                "crm_tier_a_share": 80.0,
                "crm_tier_b_share": 95.0,
                "crm_basket_min_orders": 1,
                "crm_basket_min_support": 0.0,
                "crm_basket_min_confidence": 0.0,
                "crm_basket_min_lift": 0.0,
            }
        )
        cls.products = {
            name: cls.env["product.product"].create(
                {"name": f"Insight {name}", "list_price": 1.0, "taxes_id": [(5, 0, 0)]}
            )
            for name in ("A", "B", "C", "D")
        }
        cls.manager = new_test_user(
            cls.env,
            "insight_manager",
            groups="crm_identification.group_crm_identification_manager",
        )
        cls.salesman = new_test_user(
            cls.env, "insight_salesman", groups="crm_identification.group_crm_identification_user"
        )

    @classmethod
    def customer(cls, name, **values):
        return cls.env["res.partner"].create(dict(values, name=name))

    @classmethod
    def order(
        cls, partner, days_ago, amount, products=("A",), currency=None, as_of=None, company=None
    ):
        """A confirmed order `days_ago` days before AS_OF worth `amount` untaxed."""
        lines = [
            (
                0,
                0,
                {
                    "product_id": cls.products[p].id,
                    "product_uom_qty": 1,
                    "price_unit": amount / len(products),
                    "tax_id": [(5, 0, 0)],
                },
            )
            for p in products
        ]
        values = {"partner_id": partner.id, "order_line": lines}
        if company:
            values["company_id"] = company.id
        if currency:
            pricelist = cls.env["product.pricelist"].create(
                {"name": f"{currency.name} prices", "currency_id": currency.id}
            )
            values["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].create(values)
        order.action_confirm()
        when = (as_of or cls.AS_OF) - timedelta(days=days_ago)
        order.date_order = datetime.combine(when, datetime.min.time()) + timedelta(hours=10)
        return order

    def refresh(self, as_of=None, company=None, recount=False):
        return self.env["crm.customer.score"]._refresh_company(
            company or self.company, as_of=as_of or self.AS_OF, recount=recount
        )

    def score(self, partner, company=None):
        return self.env["crm.customer.score"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """Odoo's assertRaises (rolls back what the failed call changed) plus the message."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))
