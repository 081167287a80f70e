from collections import defaultdict

from odoo import api, fields, models

DIRECTIONS = [("up", "Upgrade"), ("down", "Downgrade")]


class CrmLoyaltyTierHistory(models.Model):
    """One change of a member's tier: from which tier to which, when, why, and the
    qualifying value that decided it. Written by the tier refresh (set-based at the
    periodic review); read by the card's history, the chatter and the migration report."""

    _name = "crm.loyalty.tier.history"
    _description = "Loyalty Tier Change"
    _order = "date desc, id desc"
    _check_company_auto = True

    # (the company is the card's: only the tiers are checked against it)
    card_id = fields.Many2one("loyalty.card", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Member", related="card_id.partner_id", store=True, index=True
    )
    program_id = fields.Many2one(
        "loyalty.program", related="card_id.program_id", store=True, string="Programme"
    )
    company_id = fields.Many2one(related="card_id.company_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    old_tier_id = fields.Many2one(
        "crm.loyalty.tier", string="From Tier", ondelete="set null", check_company=True
    )
    new_tier_id = fields.Many2one(
        "crm.loyalty.tier", string="To Tier", ondelete="set null", check_company=True
    )
    direction = fields.Selection(DIRECTIONS, required=True)
    qualifying = fields.Float(string="Qualifying Value")
    reason = fields.Char()

    @api.model
    def _crm_record(self, changes, today, offer=None):
        """Write the tier history of `changes`, (card id, old tier id, new tier id,
        qualifying value, day last qualified), and tell the members: a note in each card's
        chatter (logged in one batch) and, when the programme has one, the tier change
        email. `offer`: the segment offer that enrolled these members."""
        if not changes:
            return
        # the customers' tiers (eligibility, contact, order) are read again
        self.env["res.partner"].invalidate_model(["crm_loyalty_tier_ids"])
        self.env["sale.order"].invalidate_model(["crm_loyalty_tier_ids"])
        Card = self.env["loyalty.card"].sudo()
        Tier = self.env["crm.loyalty.tier"].sudo()
        cards = Card.browse([change[0] for change in changes])
        cards.fetch(["partner_id", "program_id", "crm_tier_id"])
        history = []
        bodies = {}
        by_template = defaultdict(list)
        # the same change in one programme reads the same (an offer enrols thousands)
        messages = {}
        for card_id, old_id, new_id, value, last in changes:
            card, old, new = Card.browse(card_id), Tier.browse(old_id), Tier.browse(new_id)
            up = bool(new) and (not old or new.qualify_from > old.qualify_from)
            key = (card.program_id.id, old_id, new_id, value, last)
            if key not in messages:
                messages[key] = card._crm_tier_message(old, new, value, last, offer=offer)
            message = messages[key]
            bodies[card_id] = message
            history.append(
                {
                    "card_id": card_id,
                    "date": today,
                    "old_tier_id": old_id or False,
                    "new_tier_id": new_id or False,
                    "direction": "up" if up else "down",
                    "qualifying": value,
                    "reason": message,
                }
            )
            template = card.program_id.crm_tier_template_id
            if template and card.partner_id.email:
                by_template[template].append(card_id)
        self.env["crm.loyalty.tier.history"].sudo().create(history)
        cards._message_log_batch(bodies=bodies)
        for template, card_ids in by_template.items():
            template.send_mail_batch(card_ids, email_layout_xmlid="mail.mail_notification_light")
