from odoo import fields, models


class CrmLoyaltyOfferControl(models.Model):
    """A customer of an offer's control group: targeted by the offer, chosen at random
    when it was issued, and kept out of it (never issued it, also on later runs) so that
    the offer's effect can be measured against them. Written set-based by the offer
    (crm.loyalty.offer._draw_control_group), never by hand."""

    _name = "crm.loyalty.offer.control"
    _description = "Segment Offer Control Group Member"
    _order = "offer_id, partner_id"

    offer_id = fields.Many2one(
        "crm.loyalty.offer", required=True, readonly=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="offer_id.company_id", store=True)
    drawn_on = fields.Datetime(string="Chosen On", readonly=True)

    _sql_constraints = [
        (
            "offer_partner_unique",
            "UNIQUE(offer_id, partner_id)",
            "A customer is in an offer's control group once.",
        )
    ]
