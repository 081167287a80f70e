import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models

# products bought together: (names, weight). A basket is one of these, sometimes with a
# product from another, so that the pairs inside a bundle have a lift well above 1
BUNDLES = (
    (("Standing Desk", "Ergonomic Chair"), 5),
    (("Monitor Arm", "Cable Tray"), 4),
    (("Whiteboard", "Marker Set"), 3),
    (("Coffee Beans 1 kg", "Espresso Cups (6)"), 4),
    (("Printer Paper (box)",), 6),
    (("Desk Lamp",), 2),
)
PRICES = {
    "Standing Desk": (420.0, 260.0),
    "Ergonomic Chair": (260.0, 150.0),
    "Monitor Arm": (85.0, 40.0),
    "Cable Tray": (24.0, 9.0),
    "Whiteboard": (140.0, 70.0),
    "Marker Set": (12.0, 4.0),
    "Coffee Beans 1 kg": (32.0, 18.0),
    "Espresso Cups (6)": (28.0, 11.0),
    "Printer Paper (box)": (45.0, 30.0),
    "Desk Lamp": (55.0, 25.0),
}
FIRST = (
    "Azure",
    "Cedar",
    "Saffron",
    "Amber",
    "Cypress",
    "Lotus",
    "Falcon",
    "Orchard",
    "Pars",
    "Zagros",
    "Alborz",
    "Caspian",
    "Persepolis",
    "Kavir",
    "Simorgh",
    "Golestan",
    "Nasim",
    "Sepehr",
    "Arya",
    "Bahar",
)
SECOND = (
    "Trading",
    "Studio",
    "Logistics",
    "Bakery",
    "Architects",
    "Clinic",
    "Print House",
    "Engineering",
    "Consulting",
    "Hotel",
    "Pharmacy",
    "School",
    "Textiles",
    "Café",
    "Lab",
)
CITIES = ("Tehran", "Isfahan", "Shiraz", "Tabriz", "Mashhad", "Yazd", "Rasht", "Kerman")
HISTORY_DAYS = 730
# orders created and confirmed together
ORDER_BATCH = 200


class CrmIdentificationDemo(models.AbstractModel):
    """The demo database's customer base: a hundred and twenty customers with two years of
    purchases drawn from the story the lifetime-value model tells (each customer buys at
    a rate of their own and may drop out after any purchase), baskets of products that
    are bought together, and some invoices paid on time or late. Deterministic: the same
    seed gives the same customers, orders and amounts, dated back from the install day.
    Everything goes through the ORM, in batches: partners, products, orders (created,
    confirmed, then dated on their day), invoices and payments. The ORM costs about 30 ms
    of CPU an order where SQL cost nearly nothing: 120 customers (some 640 orders) still
    fill every segment, fit the lifetime-value model and give products bought together."""

    _name = "crm.identification.demo"
    _description = "Customer Identification Demo Data"

    @api.model
    def _generate(self, customers=120, seed=18):
        # no chatter messages or tracking for generated records: it is what makes them slow
        self = self.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
        rng = random.Random(seed)
        company = self.env.company
        products = self._demo_products()
        partners = self._demo_partners(rng, customers)
        today = fields.Date.context_today(self)
        orders = []
        for partner in partners:
            for day in self._demo_purchase_days(rng):
                orders.append((partner, today - timedelta(days=day), self._demo_basket(rng)))
        self._demo_write_orders(company, products, orders)
        self._demo_invoices(rng, partners[:9], products)
        self._demo_prospects(rng)
        return len(orders)

    def _demo_products(self):
        Product = self.env["product.product"]
        return {
            name: Product.create(
                {
                    "name": name,
                    "list_price": price,
                    "standard_price": cost,
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                }
            )
            for name, (price, cost) in PRICES.items()
        }

    def _demo_partners(self, rng, count):
        salespeople = self.env.ref("base.user_admin") | self.env.ref("base.user_demo")
        names = [f"{a} {b}" for b in SECOND for a in FIRST]
        rng.shuffle(names)
        return self.env["res.partner"].create(
            [
                {
                    "name": names[i % len(names)],
                    "is_company": True,
                    "city": rng.choice(CITIES),
                    "country_id": self.env.ref("base.ir").id,
                    "user_id": salespeople[i % len(salespeople)].id,
                    "email": f"orders{i}@example.com",
                }
                for i in range(count)
            ]
        )

    def _demo_purchase_days(self, rng):
        """Days ago of one customer's purchases: a first purchase in the two years, then
        purchases at a rate of the customer's own, each possibly the last."""
        rate = rng.gammavariate(0.9, 1 / 30)  # purchases a day: about one a month
        dropout = rng.betavariate(1.2, 6)
        day = rng.uniform(20, HISTORY_DAYS)
        days = [int(day)]
        while rng.random() > dropout:
            day -= rng.expovariate(rate)
            if day < 0:
                break
            days.append(int(day))
        return days

    def _demo_basket(self, rng):
        names, weights = zip(*BUNDLES, strict=True)
        basket = set(rng.choices(names, weights)[0])
        if rng.random() < 0.25:
            basket |= set(rng.choices(names, weights)[0])
        size = rng.choice((1, 1, 2, 3, 5, 10))
        return [(name, size * rng.randint(1, 3)) for name in sorted(basket)]

    def _demo_write_orders(self, company, products, orders):
        """The orders through the ORM, in batches of ORDER_BATCH: created with their lines,
        confirmed, then dated on their day."""
        SaleOrder = self.env["sale.order"]
        origin = self.env._("Customer insight demo")
        for start in range(0, len(orders), ORDER_BATCH):
            batch = orders[start : start + ORDER_BATCH]
            records = SaleOrder.create(
                [
                    {
                        "partner_id": partner.id,
                        "user_id": partner.user_id.id,
                        "company_id": company.id,
                        "origin": origin,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": products[name].id,
                                    "product_uom_qty": qty,
                                    "price_unit": PRICES[name][0],
                                    "tax_id": [Command.clear()],
                                }
                            )
                            for name, qty in basket
                        ],
                    }
                    for partner, _day, basket in batch
                ]
            )
            # sold and delivered long ago: no delivery left to make (sale_stock's own
            # switch, when it is installed)
            records.with_context(skip_procurement=True).action_confirm()
            # confirming dates an order today: put back the day it was sold on
            for index, (order, (_partner, day, _basket)) in enumerate(
                zip(records, batch, strict=True), start=start
            ):
                order.date_order = datetime.combine(day, time(10)) + timedelta(minutes=index % 480)
            self.env.flush_all()
            self.env.invalidate_all()

    def _demo_invoices(self, rng, partners, products):
        """Three invoices for each of these customers, due in 30 days, paid on time, late
        or not yet: the credit grades of the demo."""
        term = self.env.ref("account.account_payment_term_30days")
        today = fields.Date.context_today(self)
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=days),
                    "date": today - timedelta(days=days),
                    "invoice_payment_term_id": term.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": products["Printer Paper (box)"].id,
                                "quantity": rng.randint(5, 40),
                                "price_unit": PRICES["Printer Paper (box)"][0],
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for partner in partners
                for days in (150, 90, 40)
            ]
        )
        moves.action_post()
        # paid on time, a little late or very late, per customer; the worst payers leave
        # their last invoice open. One payment run per payment day.
        by_day = defaultdict(lambda: self.env["account.move"])
        for index, move in enumerate(moves):
            habit = index // 3 % 3
            if index % 3 == 2 and habit == 2:
                continue
            paid_after = (20, 36, 75)[habit]
            by_day[min(move.invoice_date + timedelta(days=paid_after), today)] |= move
        for day, paid in by_day.items():
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=paid.ids
            ).create({"payment_date": day, "group_payment": False})._create_payments()

    def _demo_prospects(self, rng):
        """A few companies with opportunities and no sale yet."""
        stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        for index, name in enumerate(("Nasim Solar", "Kavir Robotics", "Bahar Florists")):
            partner = self.env["res.partner"].create(
                {"name": name, "is_company": True, "city": rng.choice(CITIES)}
            )
            self.env["crm.lead"].create(
                {
                    "name": self.env._("Office fit-out for %(company)s", company=name),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "expected_revenue": 5000 * (index + 1),
                    "stage_id": stage.id,
                    "user_id": self.env.ref("base.user_admin").id,
                }
            )
