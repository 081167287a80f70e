from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .server_flags import LEDGER_WRITING, raised

# cards whose manual tier ended, returned to their points' tier per cron run
MANUAL_END_BATCH = 5_000


class CrmLoyaltyTier(models.Model):
    """A level of a loyalty programme (Bronze, Silver, Gold, ...). A member reaches it as
    soon as their qualifying value (points earned, amount spent or orders, over the
    programme's window) is at least `qualify_from`, and leaves it only at a periodic review
    after the grace period."""

    _name = "crm.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "program_id, qualify_from, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one(
        "loyalty.program",
        string="Programme",
        required=True,
        ondelete="cascade",
        index=True,
        domain="[('crm_enabled', '=', True)]",
        check_company=True,
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    qualify_from = fields.Float(
        string="Qualifies From",
        help="A member reaches this tier once their qualifying value (points earned, "
        "amount spent or number of orders, as the programme says) is at least this.",
    )
    multiplier = fields.Float(
        string="Earning Multiplier",
        default=1.0,
        help="Members of this tier earn the programme's points times this (1.5: half as "
        "many again).",
    )
    benefits = fields.Text(
        translate=True, help="What members of this tier get, as they read it on the portal."
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    member_count = fields.Integer(string="Members", compute="_compute_member_count")

    _sql_constraints = [
        (
            "qualify_from_unique",
            "unique(program_id, qualify_from)",
            "Two tiers of one programme cannot start at the same qualifying value.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["loyalty.card"]._read_group(
                [("crm_tier_id", "in", self.ids)], ["crm_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    @api.constrains("qualify_from", "multiplier")
    def _check_numbers(self):
        for tier in self:
            if tier.qualify_from < 0:
                raise ValidationError(
                    self.env._(
                        "The value to reach a tier cannot be negative; enter 0 for the entry "
                        "tier."
                    )
                )
            if tier.multiplier <= 0:
                raise ValidationError(
                    self.env._(
                        "The earning multiplier of %(tier)s must be more than 0 (1: the "
                        "programme's points as they are).",
                        tier=tier.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        # the first tiers of a programme start its periodic reviews
        for program in tiers.program_id.filtered(lambda p: not p.crm_next_review):
            program.crm_next_review = program._crm_next_review_date(
                fields.Date.context_today(self)
            )
        return tiers

    def action_open_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_loyalty.loyalty_card_action_crm"
        )
        action["domain"] = [("crm_tier_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------ manual tiers

    @api.model
    def _crm_set_manual(self, card, tier, reason, note, until, today):
        """Give `card` the tier `tier` by hand until `until`, for `reason` (see
        loyalty_card.MANUAL_TIER_REASONS): recorded in its tier history and chatter. The
        periodic review leaves it there; the day after `until` it returns to the tier its
        points give (_crm_end_manual)."""
        card = card.sudo()
        old = card.crm_tier_id
        with raised(self.env, LEDGER_WRITING):
            card.write(
                {
                    "crm_tier_id": tier.id,
                    "crm_tier_since": today,
                    "crm_tier_manual_until": until,
                    "crm_tier_manual_reason": reason,
                    "crm_tier_manual_note": note or False,
                }
            )
        if old != tier:
            self.env["crm.loyalty.tier.history"]._crm_record(
                [(card.id, old.id, tier.id, card.crm_qualifying, card.crm_tier_qualified_on)],
                today,
            )
        labels = dict(card._fields["crm_tier_manual_reason"]._description_selection(self.env))
        body = self.env._(
            "Tier %(tier)s given by %(user)s until %(until)s: %(reason)s.",
            tier=tier.name,
            user=self.env.user.name,
            until=fields.Date.to_string(until),
            reason=" - ".join(part for part in (labels[reason], note) if part),
        )
        card.message_post(
            body=Markup("<p>%s</p>") % body,
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _crm_end_manual(self, cards, today):
        """Return `cards` from their manual tier to the tier their qualifying value gives
        now (as of `today`, without grace: the manual tier was the grace). Returns the
        tier changes."""
        cards = cards.sudo()
        changes = []
        for program, program_cards in cards.grouped("program_id").items():
            values = program._crm_qualifying_values(today, program_cards)
            for card in program_cards:
                value = values.get(card.id, 0.0)
                tier = card._crm_reached_tier(value)
                vals = {
                    "crm_qualifying": value,
                    "crm_tier_manual_until": False,
                    "crm_tier_manual_reason": False,
                    "crm_tier_manual_note": False,
                }
                if tier != card.crm_tier_id:
                    changes.append(
                        (card.id, card.crm_tier_id.id, tier.id, value, card.crm_tier_qualified_on)
                    )
                    vals.update(crm_tier_id=tier.id, crm_tier_since=today)
                if tier:
                    vals["crm_tier_qualified_on"] = today
                with raised(self.env, LEDGER_WRITING):
                    card.write(vals)
        self.env["crm.loyalty.tier.history"]._crm_record(changes, today)
        return changes

    @api.model
    def _cron_end_manual_tiers(self, limit=MANUAL_END_BATCH):
        """Return the members whose manual tier ended (before today) to their points'
        tier, `limit` per run, reporting progress."""
        today = fields.Date.context_today(self)
        Card = self.env["loyalty.card"].sudo().with_context(active_test=False)
        domain = [("crm_tier_manual_until", "<", today)]
        cards = Card.search(domain, limit=limit)
        self._crm_end_manual(cards, today)
        self.env["ir.cron"]._notify_progress(done=len(cards), remaining=Card.search_count(domain))
