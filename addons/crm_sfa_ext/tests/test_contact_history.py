from datetime import datetime

from odoo.tests import tagged

from .common import SfaCase


@tagged("post_install", "-at_install")
class TestContactHistory(SfaCase):
    """One customer (a company and its buyer) with one interaction of each kind known
    today, by the seller; another salesperson's customer next to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "History Co", "is_company": True, "user_id": cls.seller.id}
        )
        cls.buyer = Partner.create({"name": "History Buyer", "parent_id": cls.customer.id})
        cls.stranger = Partner.create(
            {"name": "Other Co", "is_company": True, "user_id": cls.other_seller.id}
        )
        # a call logged as done on the customer
        cls.customer.activity_schedule(
            "mail.mail_activity_data_call", user_id=cls.seller.id, summary="Price call"
        ).with_user(cls.seller).action_feedback("Asked for a quote")
        # a meeting with the buyer
        cls.env["calendar.event"].create(
            {
                "name": "Showroom visit",
                "start": datetime(2026, 3, 2, 9),
                "stop": datetime(2026, 3, 2, 10),
                "user_id": cls.seller.id,
                "partner_ids": [(6, 0, (cls.buyer | cls.seller.partner_id).ids)],
            }
        )
        # a message to the customer, and an internal note that is no interaction
        cls.customer.with_user(cls.seller).message_post(
            body="Your quote is attached", subject="Quote", message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )  # fmt: skip
        cls.customer.message_post(body="Internal only", subtype_xmlid="mail.mt_note")
        if "loyalty.program" in cls.env:
            # the database's programmes (demo ones) would give the order points to earn
            cls.env["loyalty.program"].search([]).write({"active": False})
        # an order by the buyer, an invoice to the company, a complaint
        product = cls.env["product.product"].create(
            {"name": "History chair", "list_price": 250, "taxes_id": [(5, 0, 0)]}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.buyer.id,
                "user_id": cls.seller.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        cls.order.action_confirm()
        cls.invoice = cls.order._create_invoices()
        cls.invoice.action_post()
        cls.complaint = cls.env["crm.complaint"].create(
            {"subject": "Chair arrived broken", "partner_id": cls.buyer.id,
             "user_id": cls.seller.id}
        )  # fmt: skip
        cls.env["crm.complaint"].create({"subject": "Not ours", "partner_id": cls.stranger.id})

    def timeline(self, user=None, **domain):
        History = self.env["crm.contact.history"]
        if user:
            History = History.with_user(user)
        return History.search(
            [("partner_id", "in", (self.customer | self.stranger).ids)]
            + [(key, "=", value) for key, value in domain.items()]
        )

    def test_every_kind_on_the_customer(self):
        rows = self.timeline(partner_id=self.customer.id)
        self.assertEqual(
            sorted(set(rows.mapped("kind"))),
            ["call", "complaint", "email", "invoice", "meeting", "order"],
        )
        by_kind = {row.kind: row for row in rows}
        self.assertIn("Asked for a quote", by_kind["call"].name)
        self.assertEqual(by_kind["call"].user_id, self.seller)
        self.assertEqual(by_kind["email"].name, "Quote")
        self.assertEqual(by_kind["email"].user_id, self.seller)
        self.assertEqual(by_kind["meeting"].contact_id, self.buyer)
        self.assertEqual(by_kind["order"].amount, 500)
        self.assertEqual(by_kind["invoice"].amount, 500)
        self.assertEqual(by_kind["complaint"].res_id, self.complaint.id)
        self.assertEqual(by_kind["order"].action_open_document()["res_id"], self.order.id)
        # on the contact form: the company's tab and the button, from the buyer too
        self.assertEqual(self.customer.sfa_history_ids, rows)
        action = self.buyer.action_open_contact_history()
        self.assertEqual(self.env["crm.contact.history"].search(action["domain"]), rows)

    def test_filter_by_kind_and_salesperson(self):
        self.assertEqual(self.timeline(kind="order").res_id, self.order.id)
        self.assertEqual(
            sorted(self.timeline(user_id=self.seller.id).mapped("kind")),
            ["call", "complaint", "email", "invoice", "meeting", "order"],
        )

    def test_salesperson_sees_own_customers(self):
        # an interaction with the other customer that its salesperson may open (their
        # complaint is not: salespeople without complaint rights do not see complaints)
        self.stranger.message_post(
            body="Welcome", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        mine = self.timeline(user=self.seller)
        self.assertEqual(mine.partner_id, self.customer)
        theirs = self.timeline(user=self.other_seller)
        self.assertEqual(theirs.partner_id, self.stranger)
        self.assertEqual(len(self.timeline(user=self.manager)), len(mine) + len(theirs))

    def test_loyalty_events(self):
        if "loyalty.history" not in self.env:
            self.skipTest("no loyalty programme module installed")
        program = self.env["loyalty.program"].create(
            {"name": "History points", "program_type": "loyalty"}
        )
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.buyer.id, "points": 0}
        )
        self.env["loyalty.history"].create(
            {"card_id": card.id, "description": "Welcome points", "issued": 50, "used": 0}
        )
        [row] = self.timeline(partner_id=self.customer.id, kind="loyalty")
        self.assertEqual(
            (row.name, row.points, row.contact_id), ("Welcome points", 50, self.buyer)
        )
        self.assertEqual((row.res_model, row.res_id), ("loyalty.card", card.id))

    def test_loyalty_ledger_points(self):
        if "crm_date" not in self.env["loyalty.history"]._fields:
            self.skipTest("crm_loyalty's ledger is not installed")
        program = self.env["loyalty.program"].create(
            {
                "name": "History ledger",
                "program_type": "loyalty",
                "applies_on": "both",
                "crm_enabled": True,
            }
        )
        line = (
            self.env["loyalty.card"]
            .sudo()
            ._crm_grant_points(
                self.buyer, 30, "Sorry for the broken chair", self.complaint, program
            )
        )
        [row] = self.timeline(partner_id=self.customer.id, kind="loyalty")
        self.assertEqual(row.points, 30)
        self.assertEqual((row.res_model, row.res_id), ("crm.complaint", self.complaint.id))
        self.assertEqual(row.date, line.crm_date)

    def test_field_visits(self):
        technician = self.env["hr.employee"].create(
            {"name": "History Tech", "user_id": self.seller.id}
        )
        Order = self.env["crm.service.order"]
        visit = Order.create(
            {
                "summary": "Repair the chair",
                "partner_id": self.buyer.id,
                "technician_ids": [(6, 0, technician.ids)],
                "planned_start": datetime(2026, 4, 1, 9),
                "planned_end": datetime(2026, 4, 1, 10),
            }
        )
        Order.create({"summary": "Called off", "partner_id": self.buyer.id}).state = "cancelled"
        [row] = self.timeline(partner_id=self.customer.id, kind="visit")
        self.assertEqual((row.res_model, row.res_id), ("crm.service.order", visit.id))
        self.assertEqual((row.user_id, row.contact_id), (self.seller, self.buyer))
        self.assertEqual(row.date, datetime(2026, 4, 1, 9))
        self.assertIn("Repair the chair", row.name)

    def test_rows_only_of_documents_the_reader_may_open(self):
        """A customer both salespeople may see (nobody's customer): the history shows each
        of them the orders, invoices, messages and meetings they may open, no complaint
        (they have no complaint rights), and not another's private meeting."""
        shared = self.env["res.partner"].create({"name": "Shared Co", "is_company": True})
        product = self.env["product.product"].create(
            {"name": "Shared desk", "list_price": 100, "taxes_id": [(5, 0, 0)]}
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": shared.id,
                    "user_id": user.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
                }
                for user in (self.seller, self.other_seller)
            ]
        )
        orders.action_confirm()
        mine, theirs = (order._create_invoices() for order in orders)
        (mine | theirs).action_post()
        lead = self.opportunity(900, 50, user=self.other_seller, partner_id=shared.id)
        lead.message_post(
            body="Our best price", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        complaint = self.env["crm.complaint"].create(
            {"subject": "Shared complaint", "partner_id": shared.id}
        )
        private = self.env["calendar.event"].create(
            {
                "name": "Secret negotiation",
                "start": datetime(2026, 3, 3, 9),
                "stop": datetime(2026, 3, 3, 10),
                "user_id": self.other_seller.id,
                "privacy": "private",
                "partner_ids": [(6, 0, (shared | self.other_seller.partner_id).ids)],
            }
        )
        everything = self.env["crm.contact.history"].search([("partner_id", "=", shared.id)])
        self.assertEqual(
            {(row.res_model, row.res_id) for row in everything}
            >= {
                ("sale.order", orders[1].id),
                ("account.move", theirs.id),
                ("crm.lead", lead.id),
                ("crm.complaint", complaint.id),
            },
            True,
            "the system sees every interaction",
        )
        History = self.env["crm.contact.history"].with_user(self.seller)
        rows = History.search([("partner_id", "=", shared.id)])
        self.assertTrue(rows)
        for row in rows:
            # every row opens: its document is one the salesperson may read
            self.env[row.res_model].with_user(self.seller).browse(row.res_id).check_access("read")
        shown = {(row.res_model, row.res_id) for row in rows}
        self.assertIn(("sale.order", orders[0].id), shown)
        self.assertNotIn(("sale.order", orders[1].id), shown)
        self.assertEqual({res_id for model, res_id in shown if model == "account.move"}, {mine.id})
        self.assertNotIn(("crm.lead", lead.id), shown)
        self.assertNotIn("complaint", rows.mapped("kind"))
        everything_shown = {(row.res_model, row.res_id) for row in everything}
        self.assertIn(("calendar.event", private.id), everything_shown)
        self.assertNotIn(("calendar.event", private.id), shown, "another's private meeting")
        counts = dict(History._read_group([("partner_id", "=", shared.id)], ["kind"], ["__count"]))
        self.assertEqual(sum(counts.values()), len(rows), "grouped figures count the same rows")
