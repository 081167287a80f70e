from collections import defaultdict

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..lib import ledger
from .server_flags import ORDER_SYNC, raised

ORDER_KINDS = ("earn", "clawback", "redeem", "giveback")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_loyalty_tier_ids = fields.Many2many(
        "crm.loyalty.tier",
        string="Loyalty Tiers",
        compute="_compute_crm_loyalty_tier_ids",
        help="The customer's loyalty tiers.",
    )

    @api.depends("partner_id")
    def _compute_crm_loyalty_tier_ids(self):
        for order in self:
            order.crm_loyalty_tier_ids = order.partner_id.with_company(
                order.company_id
            ).crm_loyalty_tier_ids

    # sale_loyalty's flows that move points run with the ORDER_SYNC flag raised (see
    # server_flags): their own arithmetic on the points of ledger cards is left out, and the
    # order sync books what the order has earned and redeemed instead, each as its own line
    def action_confirm(self):
        with raised(self.env, ORDER_SYNC):
            res = super().action_confirm()
        self._crm_sync_loyalty(changed=False)
        return res

    def _action_cancel(self):
        with raised(self.env, ORDER_SYNC):
            res = super()._action_cancel()
        self._crm_sync_loyalty()
        return res

    def _update_programs_and_rewards(self):
        with raised(self.env, ORDER_SYNC):
            res = super()._update_programs_and_rewards()
        if self.state == "sale":
            # a confirmed order changed (more lines, a new programme): its points follow
            self._crm_sync_loyalty()
        return res

    def _add_points_for_coupon(self, coupon_points):
        with raised(self.env, ORDER_SYNC):
            res = super()._add_points_for_coupon(coupon_points)
        if self.state == "sale":
            self._crm_sync_loyalty()
        return res

    def _update_loyalty_history(self, coupon_id, points):
        if coupon_id.program_id.crm_enabled:
            return  # the order sync books the reward as a redemption line
        return super()._update_loyalty_history(coupon_id, points)

    def _get_real_points_for_coupon(self, coupon, post_confirm=False):
        points = super()._get_real_points_for_coupon(coupon, post_confirm=post_confirm)
        program = coupon.program_id
        if (
            program.crm_enabled
            and program.crm_earn_timing != "confirm"
            and program.applies_on != "future"
            and self.state not in ("sale", "done")
        ):
            # the order's own points reach the card only once it is invoiced or paid: they
            # cannot pay for a reward on the order itself
            points -= sum(
                self.coupon_point_ids.filtered(lambda p: p.coupon_id == coupon).mapped("points")
            )
            points = coupon.currency_id.round(points)
        return points

    # ------------------------------------------------------------------ tier benefits

    def _get_program_domain(self):
        """Programmes limited to segments, value tiers or loyalty tiers apply to the
        orders of those customers only."""
        domain = super()._get_program_domain()
        if not self.env["loyalty.program"]._crm_eligibility_in_use():
            return domain
        return expression.AND([domain, self._crm_eligibility_domain()])

    def _crm_eligibility_domain(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id.sudo().with_company(self.company_id)
        segment = customer.crm_segment_id.id
        value_tier = customer.crm_value_tier
        tiers = customer.crm_loyalty_tier_ids.ids
        no_value_tier = [
            ("crm_value_tier_a", "=", False),
            ("crm_value_tier_b", "=", False),
            ("crm_value_tier_c", "=", False),
        ]
        return expression.AND(
            [
                ["|", ("crm_segment_ids", "=", False), ("crm_segment_ids", "in", segment or [])],
                expression.OR(
                    [
                        no_value_tier,
                        [(f"crm_value_tier_{value_tier}", "=", True)]
                        if value_tier
                        else [expression.FALSE_LEAF],
                    ]
                ),
                ["|", ("crm_tier_filter_ids", "=", False), ("crm_tier_filter_ids", "in", tiers)],
            ]
        )

    def _program_check_compute_points(self, programs):
        """Members earn their tier's multiple of a ledger programme's points (whole
        points when the programme counts whole points only)."""
        result = super()._program_check_compute_points(programs)
        # (no points, nothing to multiply: the card is not looked up)
        ledger_programs = programs.filtered(
            lambda p: p.crm_enabled and any(result.get(p, {}).get("points", ()))
        )
        if ledger_programs:
            # the member's cards are usually on the order already (sale_loyalty loads them)
            cards = (self.coupon_point_ids.coupon_id | self.applied_coupon_ids).filtered(
                lambda c: c.partner_id == self.partner_id and c.program_id in ledger_programs
            )
            if cards.program_id != ledger_programs:
                cards = (
                    self.env["loyalty.card"]
                    .sudo()
                    .search(
                        [
                            ("partner_id", "=", self.partner_id.id),
                            ("program_id", "in", ledger_programs.ids),
                        ]
                    )
                )
            multiplier = {card.program_id: card.crm_tier_id.multiplier or 1.0 for card in cards}
            for program in ledger_programs:
                factor = multiplier.get(program, 1.0)
                result[program]["points"] = [
                    ledger.round_points(points * factor, program.crm_whole_points)
                    for points in result[program]["points"]
                ]
        return result

    def _get_claimable_rewards(self, forced_coupons=None):
        """Rewards limited to some tiers are claimable by members of those tiers only."""
        result = super()._get_claimable_rewards(forced_coupons=forced_coupons)
        for coupon in list(result):
            if coupon.program_id.crm_enabled:
                allowed = result[coupon].filtered(lambda r, c=coupon: r._crm_allows(c))
                if allowed:
                    result[coupon] = allowed
                else:
                    del result[coupon]
        return result

    def _apply_program_reward(self, reward, coupon, **kwargs):
        if self.state == "cancel":
            return {
                "error": self.env._(
                    "%(order)s is cancelled: set it back to quotation before claiming a "
                    "reward.",
                    order=self.name,
                )
            }
        if not reward._crm_allows(coupon):
            return {
                "error": self.env._(
                    "%(reward)s is for members of %(tiers)s only.",
                    reward=reward.description,
                    tiers=", ".join(reward.crm_tier_ids.mapped("name")),
                )
            }
        return super()._apply_program_reward(reward, coupon, **kwargs)

    # ------------------------------------------------------------------ order sync

    def _crm_ledger_orders(self):
        """The orders among these that plan points for a ledger card or have a reward line
        paid with one: one query (the invoices of other orders skip the order sync)."""
        if not self:
            return self
        self.env["sale.order.coupon.points"].flush_model(["order_id", "coupon_id"])
        self.env["sale.order.line"].flush_model(["order_id", "coupon_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT x.order_id
                  FROM (SELECT order_id, coupon_id FROM sale_order_coupon_points
                         WHERE order_id = ANY(%(orders)s)
                         UNION
                        SELECT order_id, coupon_id FROM sale_order_line
                         WHERE order_id = ANY(%(orders)s) AND coupon_id IS NOT NULL) x
                  JOIN loyalty_card c ON c.id = x.coupon_id
                  JOIN loyalty_program p ON p.id = c.program_id AND p.crm_enabled
                """,
                orders=self.ids,
            )
        )
        return self.browse({row[0] for row in self.env.cr.fetchall()})

    def _crm_points_plan(self):
        """What these orders plan to give ledger cards and what their reward lines cost
        in points: ({(order id, card id): points}, {(order id, card id): points}), read
        from sale_loyalty's sale_order_coupon_points and the order lines (usually in the
        cache already: sale_loyalty's flows read them)."""
        planned = defaultdict(float)
        cost = defaultdict(float)
        for entry in self.sudo().coupon_point_ids:
            if entry.coupon_id.program_id.crm_enabled:
                planned[entry.order_id.id, entry.coupon_id.id] += entry.points
        for line in self.order_line:
            if line.coupon_id and line.coupon_id.program_id.crm_enabled:
                cost[line.order_id.id, line.coupon_id.id] += line.points_cost
        return planned, cost

    def _crm_sync_loyalty(self, document=None, changed=True):
        """Book on each ledger card what these orders have earned and redeemed by now.

        Steps: read what each order plans to give each ledger card (sale_loyalty's
        sale_order_coupon_points) and what its reward lines cost (sale_order_line); read
        what the ledger booked for the order so far (loyalty_history, by order and card);
        read the order's posted invoices, credit notes and payments (account_move_line,
        through sale_order_line_invoice_rel); the target is the share of the points the
        order has earned at the programme's earning moment (confirmation, posted invoice
        or payment, less credit notes; nothing once cancelled) and the share of its
        redemption that its credit notes leave; book the differences: earned, clawed back
        (the order's own lots first), redeemed or given back. Safe to run twice: a second
        run finds nothing left to book. `document` (a credit note, an invoice) is named as
        the document behind the lines it causes.

        Orders of a company without any ledger programme cost nothing. `changed` is False
        when the caller cannot have changed what the orders plan or redeem (a confirmation,
        an invoice posted, paid or reset): an order that plans no points and redeems none
        then has nothing booked either (every change of its plan ran this sync with
        `changed`, which left its lines at their target) and is skipped without a query."""
        Program = self.env["loyalty.program"]
        orders = self.filtered(lambda o: o.id and Program._crm_ledger_in_use(o.company_id.id))
        if not orders:
            return
        planned, cost = orders._crm_points_plan()
        if not changed:
            with_plan = {order_id for order_id, _card_id in set(planned) | set(cost)}
            orders = orders.filtered(lambda o: o.id in with_plan)
            if not orders:
                return
        # what the ledger booked for the orders, and their invoices: one query
        self.env["loyalty.history"].flush_model(
            ["order_model", "order_id", "card_id", "crm_kind", "issued", "used"]
        )
        # the invoices only scale what an order plans to give or its rewards cost: an order
        # with neither (most orders, on every invoice posted) needs no invoice figures
        with_points = {order_id for order_id, _card_id in set(planned) | set(cost)}
        confirmed = orders.filtered(lambda o: o.state == "sale" and o.id in with_points)
        invoices = SQL()
        if confirmed:
            invoices = SQL("UNION ALL %s", confirmed._crm_invoice_figures_sql())
        self.env.cr.execute(
            SQL(
                """
                SELECT 'booked', order_id, card_id,
                       COALESCE(SUM(issued) FILTER (WHERE crm_kind IN ('earn', 'clawback')), 0),
                       COALESCE(SUM(used) FILTER (WHERE crm_kind IN ('redeem', 'giveback')), 0),
                       0
                  FROM loyalty_history
                 WHERE order_model = %s AND order_id = ANY(%s) AND crm_kind = ANY(%s)
                 GROUP BY order_id, card_id
                %s
                """,
                self._name,
                orders.ids,
                list(ORDER_KINDS),
                invoices,
            )
        )
        earned = defaultdict(float)
        redeemed = defaultdict(float)
        figures = {}
        for part, order_id, card_id, first, second, third in self.env.cr.fetchall():
            if part == "booked":
                earned[order_id, card_id] = first
                redeemed[order_id, card_id] = second
            else:
                figures[order_id] = (first, second, third)
        keys = set(planned) | set(cost) | set(earned) | set(redeemed)
        if not keys:
            return
        Card = self.env["loyalty.card"].sudo()
        moves = []
        for order_id, card_id in sorted(keys):
            order = orders.browse(order_id)
            card = Card.browse(card_id)
            program = card.program_id
            target_earn = target_redeem = 0.0
            if order.state == "sale":
                invoiced, refunded, paid = figures.get(order_id, (0.0, 0.0, 0.0))
                share = ledger.earned_share(
                    program.crm_earn_timing, order.amount_total, invoiced, refunded, paid
                )
                target_earn = ledger.round_points(
                    planned[order_id, card_id] * share, program.crm_whole_points
                )
                kept = ledger.kept_share(order.amount_total, refunded)
                target_redeem = ledger.round_points(cost[order_id, card_id] * kept)
            moves += order._crm_order_moves(
                card,
                target_earn - earned[order_id, card_id],
                target_redeem - redeemed[order_id, card_id],
                document,
            )
        self.env["loyalty.history"]._crm_book(moves)
        # tiers that follow the amount spent or the orders move with the order itself
        by_sales = Card.browse({card_id for __, card_id in keys}).filtered(
            lambda c: c.program_id.crm_qualify_on != "points"
        )
        by_sales._crm_refresh_tiers()

    def _crm_order_moves(self, card, earn, redeem, document):
        """The ledger moves that bring the order's booked points on `card` to its target:
        `earn` more points earned (negative: taken back) and `redeem` more points redeemed
        (negative: given back)."""
        self.ensure_one()
        moves = []
        source = document or self
        # the member reads these lines (portal, emails): in their language
        member = self.with_context(lang=card.partner_id.lang or self.env.lang).env
        if self.state == "cancel":
            reason = member._("Order cancelled")
        elif document:
            reason = document.display_name
        else:
            reason = False
        base = {"card": card, "order": self, "source": source, "reason": reason}
        if earn > ledger.EPSILON:
            moves.append(
                dict(
                    base,
                    kind="earn",
                    points=earn,
                    description=member._("Earned on %(order)s", order=self.name),
                )
            )
        elif earn < -ledger.EPSILON:
            own_lots = (
                self.env["loyalty.history"]
                .sudo()
                .search(
                    [
                        ("order_model", "=", self._name),
                        ("order_id", "=", self.id),
                        ("card_id", "=", card.id),
                        ("crm_kind", "=", "earn"),
                        ("crm_remaining", ">", 0),
                    ],
                    order="id desc",
                )
            )
            moves.append(
                dict(
                    base,
                    kind="clawback",
                    points=earn,
                    lots=own_lots,
                    description=member._("Taken back from %(order)s", order=self.name),
                )
            )
        if redeem > ledger.EPSILON:
            moves.append(
                dict(
                    base,
                    kind="redeem",
                    points=-redeem,
                    description=member._("Redeemed on %(order)s", order=self.name),
                )
            )
        elif redeem < -ledger.EPSILON:
            moves.append(
                dict(
                    base,
                    kind="giveback",
                    points=-redeem,
                    description=member._("Given back from %(order)s", order=self.name),
                )
            )
        return moves

    def _crm_invoice_figures_sql(self):
        """SQL of ('invoices', order id, NULL, invoiced, credited, paid) for these orders:
        the totals of their lines on posted customer invoices and credit notes, and the paid
        part of the invoiced lines, in the documents' currency."""
        self.env["account.move"].flush_model(
            ["state", "move_type", "amount_total", "amount_residual"]
        )
        self.env["account.move.line"].flush_model(["price_total", "move_id", "sale_line_ids"])
        self.env["sale.order.line"].flush_model(["order_id"])
        return SQL(
            """
            SELECT 'invoices', sol.order_id, NULL::int,
                   COALESCE(SUM(aml.price_total) FILTER (WHERE m.move_type = 'out_invoice'), 0),
                   COALESCE(SUM(aml.price_total) FILTER (WHERE m.move_type = 'out_refund'), 0),
                   COALESCE(SUM(aml.price_total * (m.amount_total - m.amount_residual)
                                / NULLIF(m.amount_total, 0))
                            FILTER (WHERE m.move_type = 'out_invoice'), 0)
              FROM sale_order_line_invoice_rel rel
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move m ON m.id = aml.move_id
             WHERE sol.order_id = ANY(%s) AND m.state = 'posted'
             GROUP BY sol.order_id
            """,
            self.ids,
        )

    def _crm_invoice_figures(self):
        """{order id: (invoiced, credited, paid)}, see _crm_invoice_figures_sql."""
        self.env.cr.execute(self._crm_invoice_figures_sql())
        return {row[1]: row[3:] for row in self.env.cr.fetchall()}
