from datetime import date, datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_service_common import FieldServiceCase


@tagged("post_install", "-at_install")
class TestMultiCompany(FieldServiceCase):
    """A record of one company never points at another company's customer, service type,
    sales line, opportunity, contract, visit plan or rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create({"name": "Other Field Co"})
        cls.foreign_customer = cls.env["res.partner"].create(
            {"name": "Their customer", "company_id": cls.other.id}
        )
        cls.foreign_type = cls.env["crm.service.type"].create(
            {"name": "Their repair", "company_id": cls.other.id}
        )
        cls.foreign_lead = cls.env["crm.lead"].create(
            {"name": "Their deal", "type": "opportunity", "company_id": cls.other.id}
        )
        product = cls.env["product.product"].create({"name": "Their service", "type": "service"})
        cls.foreign_order = (
            cls.env["sale.order"]
            .with_company(cls.other)
            .create(
                {
                    "partner_id": cls.foreign_customer.id,
                    "company_id": cls.other.id,
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
            )
        )
        cls.env.user.company_ids |= cls.other

    def test_service_order_of_one_company(self):
        for values in (
            {"partner_id": self.foreign_customer.id},
            {"type_id": self.foreign_type.id},
            {"lead_id": self.foreign_lead.id},
            {"sale_line_id": self.foreign_order.order_line.id},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                self.order("Crossed", **values)
        visit = self.order("Ours")
        with self.assertRaises(UserError):
            visit.type_id = self.foreign_type

    def test_contract_of_one_company(self):
        for values in (
            {"partner_id": self.foreign_customer.id},
            {"type_id": self.foreign_type.id},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                self.env["crm.service.contract"].create(
                    {
                        "name": "Crossed",
                        "partner_id": self.customer.id,
                        "type_id": self.service_type.id,
                        "date_start": date(2031, 1, 6),
                        **values,
                    }
                )

    def test_service_type_sells_a_product_of_its_company(self):
        theirs = self.env["product.product"].create(
            {"name": "Their callout", "type": "service", "company_id": self.other.id}
        )
        with self.assertRaises(UserError):
            self.service_type.write({"company_id": self.company.id, "product_id": theirs.id})

    def test_visit_plan_line_and_buying_role_of_one_company(self):
        seller = self.env.user
        rule = self.env["crm.visit.plan.rule"].create({"name": "Ours"})
        plan = self.env["crm.visit.plan"].create(
            {
                "user_id": seller.id,
                "date_from": date(2031, 1, 6),
                "date_to": date(2031, 1, 10),
            }
        )
        line = {
            "plan_id": plan.id,
            "user_id": seller.id,
            "partner_id": self.customer.id,
            "rule_id": rule.id,
            "company_id": self.company.id,
            "date_start": datetime(2031, 1, 6, 9),
            "date_end": datetime(2031, 1, 6, 10),
        }
        self.env["crm.visit.plan.line"].create(line)
        foreign_rule = self.env["crm.visit.plan.rule"].create(
            {"name": "Theirs", "company_id": self.other.id}
        )
        for values in ({"partner_id": self.foreign_customer.id}, {"rule_id": foreign_rule.id}):
            with self.subTest(values=values), self.assertRaises(UserError):
                self.env["crm.visit.plan.line"].create({**line, **values})
        lead = self.env["crm.lead"].create({"name": "Our deal", "type": "opportunity"})
        with self.assertRaises(UserError):
            self.env["crm.lead.buying.role"].create(
                {"lead_id": lead.id, "partner_id": self.foreign_customer.id}
            )
