from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.crm_loyalty.lib import ledger
from odoo.addons.crm_loyalty.models.server_flags import ORDER_SYNC, raised
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

POS_KINDS = ("earn", "clawback", "redeem", "giveback")


class PosOrder(models.Model):
    _inherit = "pos.order"

    crm_loyalty_line_ids = fields.One2many(
        "loyalty.history",
        "pos_order_id",
        string="Points Ledger",
        readonly=True,
        domain=[("crm_kind", "!=", False)],
    )
    crm_loyalty_line_count = fields.Integer(
        string="Ledger Lines", compute="_compute_crm_loyalty_line_count"
    )

    @api.depends("crm_loyalty_line_ids")
    def _compute_crm_loyalty_line_count(self):
        groups = dict(
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [("pos_order_id", "in", self.ids), ("crm_kind", "!=", False)],
                ["pos_order_id"],
                ["__count"],
            )
        )
        for order in self:
            order.crm_loyalty_line_count = groups.get(order, 0)

    # pos_loyalty's flows that move points run with the ORDER_SYNC flag raised (see
    # crm_loyalty's server_flags): its own arithmetic on the points of ledger cards and its
    # history lines of those cards are left out; the bridge books what the order earned
    # and redeemed as ledger lines carrying the order instead

    @api.model
    def _process_order(self, order, existing_order):
        self._crm_check_pos_rewards(order)
        return super()._process_order(order, existing_order)

    def _process_saved_order(self, draft):
        result = super()._process_saved_order(draft)
        if not draft and self.state in ("paid", "done", "invoiced") and self.refunded_order_id:
            # the clawback follows the refund itself, whatever the till sends afterwards
            self._crm_book_pos_refund()
        return result

    def confirm_coupon_programs(self, coupon_data):
        with raised(self.env, ORDER_SYNC):
            result = super().confirm_coupon_programs(coupon_data)
        cards = self._crm_book_pos_points(coupon_data)
        if cards:
            points = {card.id: card.points for card in cards}
            for update in result.get("coupon_updates", []):
                update["points"] = points.get(update["id"], update["points"])
        return result

    def add_loyalty_history_lines(self, coupon_data, coupon_updates):
        with raised(self.env, ORDER_SYNC):
            return super().add_loyalty_history_lines(coupon_data, coupon_updates)

    # ------------------------------------------------------------------ eligibility

    @api.model
    def _crm_eligible_programs(self, programs, partner, company):
        """Among `programs`, those the customer may use: the programmes limited to some
        segments, value tiers or loyalty tiers apply to those customers only (the rule of
        sales orders, crm_loyalty's sale.order._crm_eligibility_domain)."""
        if not programs or not self.env["loyalty.program"]._crm_eligibility_in_use():
            return programs
        order = self.env["sale.order"].new({"partner_id": partner.id, "company_id": company.id})
        return programs.sudo().filtered_domain(order._crm_eligibility_domain()).with_env(self.env)

    @api.model
    def _crm_check_pos_rewards(self, order):
        """Refuse an order from the till whose reward lines the customer may not claim: a
        reward limited to loyalty tiers the card is not in, or a programme limited to
        segments, value tiers or tiers the customer is not in."""
        lines = [
            command[2]
            for command in order.get("lines") or []
            if command[0] == 0 and command[2].get("reward_id")
        ]
        if not lines:
            return
        Reward = self.env["loyalty.reward"].sudo()
        rewards = Reward.browse({line["reward_id"] for line in lines}).exists()
        partner = self.env["res.partner"].sudo().browse(order.get("partner_id") or []).exists()
        session = self.env["pos.session"].sudo().browse(order.get("session_id") or []).exists()
        company = session.config_id.company_id or self.env.company
        limited = rewards.program_id.filtered("crm_pos_limited")
        eligible = self._crm_eligible_programs(limited, partner, company) if partner else limited
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .browse({line["coupon_id"] for line in lines if (line.get("coupon_id") or 0) > 0})
        )
        for line in lines:
            reward = Reward.browse(line["reward_id"])
            program = reward.program_id
            if program in limited and (not partner or program not in eligible):
                raise UserError(
                    self.env._(
                        "%(program)s is for some customers only and %(customer)s is not one "
                        "of them: remove its reward from the order.",
                        program=program.name,
                        customer=partner.display_name or self.env._("an anonymous customer"),
                    )
                )
            if not reward.crm_tier_ids:
                continue
            card = cards.filtered(lambda c, line=line: c.id == line.get("coupon_id"))
            if not card or not reward._crm_allows(card):
                raise UserError(
                    self.env._(
                        "%(reward)s is for members of %(tiers)s only: remove it from the "
                        "order or choose another reward.",
                        reward=reward.description,
                        tiers=", ".join(reward.crm_tier_ids.mapped("name")),
                    )
                )

    # ------------------------------------------------------------------ ledger

    def _crm_booked(self):
        """What the ledger booked for these orders so far: {(order id, card id): (earned,
        redeemed)}, one query."""
        self.env["loyalty.history"].flush_model(["order_model", "order_id", "card_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT order_id, card_id,
                       COALESCE(SUM(issued) FILTER (WHERE crm_kind IN ('earn', 'clawback')), 0),
                       COALESCE(SUM(used) FILTER (WHERE crm_kind IN ('redeem', 'giveback')), 0)
                  FROM loyalty_history
                 WHERE order_model = %s AND order_id = ANY(%s) AND crm_kind = ANY(%s)
                 GROUP BY order_id, card_id
                """,
                self._name,
                self.ids,
                list(POS_KINDS),
            )
        )
        return {(row[0], row[1]): (row[2], row[3]) for row in self.env.cr.fetchall()}

    def _crm_book_pos_points(self, coupon_data):
        """Book on the customer's ledger cards what this order earned and redeemed, once:
        the points the till counted for each ledger programme (its net change plus what
        the reward lines cost), times the member's tier multiplier, as an Earned line, and
        the cost of the reward lines paid with the card as a Redeemed line, each carrying
        the order. Booked once per order and card: a replayed call (the till's or anyone's)
        adds nothing. A programme the customer may not use earns nothing; a refund's points
        follow the refund itself (_crm_book_pos_refund). Returns the cards booked."""
        self.ensure_one()
        if self.refunded_order_id or not self.env["loyalty.program"]._crm_ledger_in_use(
            self.company_id.id
        ):
            return self.env["loyalty.card"]
        Card = self.env["loyalty.card"].sudo()
        Program = self.env["loyalty.program"].sudo()
        net = defaultdict(float)
        for entry in coupon_data.values():
            program = Program.browse(entry.get("program_id") or []).exists()
            if program.crm_enabled:
                net[program] += entry.get("points") or 0.0
        cost = defaultdict(float)
        for line in self.sudo().lines.filtered(lambda line: line.coupon_id.program_id.crm_enabled):
            cost[line.coupon_id] += line.points_cost
            net.setdefault(line.coupon_id.program_id, 0.0)
        if not net:
            return Card
        partner = self.partner_id
        eligible = self._crm_eligible_programs(
            Program.browse([p.id for p in net]), partner, self.company_id
        )
        cards = Card.browse()
        if partner:
            cards = Card.search(
                [
                    ("partner_id", "=", partner.id),
                    ("program_id", "in", [p.id for p in net]),
                    ("active", "=", True),
                ],
                order="id",
            )
        cards |= Card.browse([card.id for card in cost])
        booked = self._crm_booked()
        member = self.with_context(lang=partner.lang or self.env.lang).env
        moves = []
        for program, points in net.items():
            program_cards = cards.filtered(lambda c, p=program: c.program_id == p)
            paid_with = program_cards.filtered(lambda c: c in cost)
            card = paid_with[:1] or program_cards[:1]
            if not card:
                continue
            redeemed = sum(cost.get(c, 0.0) for c in program_cards)
            base = points + redeemed
            earn = 0.0
            if base > ledger.EPSILON and program in eligible:
                earn = ledger.round_points(
                    base * (card.crm_tier_id.multiplier or 1.0), program.crm_whole_points
                )
            # booked once: the till confirms an order once, a replayed call adds nothing
            done_earn, done_redeem = booked.get((self.id, card.id), (0.0, 0.0))
            common = {"card": card, "order": self, "source": self, "reason": False}
            if earn > ledger.EPSILON and ledger.is_zero(done_earn):
                moves.append(
                    dict(
                        common,
                        kind="earn",
                        points=earn,
                        description=member._("Earned on %(order)s", order=self.name),
                    )
                )
            if redeemed > ledger.EPSILON and ledger.is_zero(done_redeem):
                moves.append(
                    dict(
                        common,
                        kind="redeem",
                        points=-redeemed,
                        description=member._("Redeemed on %(order)s", order=self.name),
                    )
                )
        self.env["loyalty.history"]._crm_book(moves)
        return cards

    def _crm_book_pos_refund(self):
        """Take back, for this refund, the refunded share of the points its original
        orders earned (from the lots those orders opened first) and give back that share
        of the points they redeemed. The share is the refunded amount over the original
        order's total, all refunds of the order together never above the whole; booked
        once per refund (a second run finds it booked)."""
        self.ensure_one()
        if not self.env["loyalty.program"]._crm_ledger_in_use(self.company_id.id):
            return
        originals = self.sudo().lines.refunded_orderline_id.order_id or self.refunded_order_id
        if not originals:
            return
        History = self.env["loyalty.history"].sudo()
        original_lines = History.search(
            [
                ("order_model", "=", self._name),
                ("order_id", "in", originals.ids),
                ("crm_kind", "in", ["earn", "redeem"]),
            ]
        )
        if not original_lines or (self.id, original_lines.card_id[:1].id) in self._crm_booked():
            return
        # earlier refunds of the same orders: their share is taken already
        earlier = (
            self.env["pos.order.line"]
            .sudo()
            .search(
                [
                    ("refunded_orderline_id.order_id", "in", originals.ids),
                    ("order_id", "<", self.id),
                    ("order_id.state", "in", ["paid", "done", "invoiced"]),
                ]
            )
            .order_id
        )
        moves = []
        member = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        for original in originals.sudo():
            refunded_here = -sum(
                self.lines.filtered(
                    lambda line, o=original: line.refunded_orderline_id.order_id == o
                ).mapped("price_subtotal_incl")
            )
            refunded_before = -sum(
                earlier.lines.filtered(
                    lambda line, o=original: line.refunded_orderline_id.order_id == o
                ).mapped("price_subtotal_incl")
            )
            total = original.amount_total
            if total <= ledger.EPSILON:
                continue
            share = min(1.0, (refunded_before + refunded_here) / total) - min(
                1.0, refunded_before / total
            )
            if share <= 0:
                continue
            for card in original_lines.card_id:
                lines = original_lines.filtered(
                    lambda line, o=original, c=card: line.order_id == o.id and line.card_id == c
                )
                earned = sum(lines.filtered(lambda line: line.crm_kind == "earn").mapped("issued"))
                redeemed = sum(
                    lines.filtered(lambda line: line.crm_kind == "redeem").mapped("used")
                )
                common = {"card": card, "order": self, "source": self, "reason": original.name}
                clawback = ledger.round_points(earned * share, card.program_id.crm_whole_points)
                if clawback > ledger.EPSILON:
                    moves.append(
                        dict(
                            common,
                            kind="clawback",
                            points=-clawback,
                            lots=lines.filtered(
                                lambda line: line.crm_kind == "earn" and line.crm_remaining > 0
                            ),
                            description=member._("Taken back from %(order)s", order=original.name),
                        )
                    )
                giveback = ledger.round_points(redeemed * share)
                if giveback > ledger.EPSILON:
                    moves.append(
                        dict(
                            common,
                            kind="giveback",
                            points=giveback,
                            description=member._("Given back from %(order)s", order=original.name),
                        )
                    )
        self.env["loyalty.history"]._crm_book(moves)

    def action_crm_open_loyalty_lines(self):
        self.ensure_one()
        if not self.env.user.has_group("crm_loyalty.group_crm_loyalty_user"):
            raise AccessError(
                self.env._(
                    "Only a Loyalty User can open the points ledger (CRM Suite > Loyalty in "
                    "the user's access rights)."
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_loyalty.loyalty_history_action_crm"
        )
        action["domain"] = [("pos_order_id", "=", self.id), ("crm_kind", "!=", False)]
        action["context"] = {"create": False}
        return action
