from odoo import api, fields, models
from odoo.addons.crm_loyalty.models.server_flags import LEDGER_WRITING, is_raised
from odoo.exceptions import UserError


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    pos_order_id = fields.Many2one(
        "pos.order",
        string="POS Order",
        compute="_compute_pos_order_id",
        store=True,
        index="btree_not_null",
        help="The point-of-sale order behind the line (Odoo's order reference of the line).",
    )

    @api.depends("order_model", "order_id")
    def _compute_pos_order_id(self):
        for line in self:
            line.pos_order_id = line.order_id if line.order_model == "pos.order" else False

    def write(self, vals):
        if "pos_order_id" in vals and not is_raised(self.env, LEDGER_WRITING):
            raise UserError(
                self.env._(
                    "The POS order of a loyalty history line follows the line's order: "
                    "leave it out of the change."
                )
            )
        return super().write(vals)
