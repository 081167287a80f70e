from odoo import fields, models
from odoo.fields import Command


class CrmLoyaltyReconciliation(models.TransientModel):
    """The points liability reconciled on a day: per posted programme, the ledger's
    balance times that day's value of a point against the liability account's balance
    from the programme's journal entries (crm.loyalty.accounting._crm_reconcile)."""

    _name = "crm.loyalty.reconciliation"
    _description = "Loyalty Points Reconciliation"

    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "crm.loyalty.reconciliation.line", "reconciliation_id", string="Programmes"
    )

    def action_compute(self):
        """Reconcile on the chosen day (Loyalty Managers with Invoicing rights)."""
        self.ensure_one()
        Accounting = self.env["crm.loyalty.accounting"]
        Accounting._crm_check_rights()
        rows = Accounting._crm_reconcile(self.date)
        self.line_ids = [Command.clear()] + [
            Command.create(
                {
                    "program_id": row["program"].id,
                    "points": row["points"],
                    "point_value": row["value"],
                    "expected": row["expected"],
                    "booked": row["booked"],
                    "difference": row["difference"],
                    "unposted": row["unposted"],
                }
            )
            for row in rows
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
