from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crm_loyalty_limit import LIMIT_FIELDS

APPROVAL_KINDS = [
    ("adjust", "Manual adjustment"),
    ("goodwill_points", "Goodwill points"),
    ("goodwill_credit", "Goodwill credit note"),
]
APPROVAL_STATES = [
    ("pending", "To approve"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]


class CrmLoyaltyApproval(models.Model):
    """A change above its author's limit (crm.loyalty.limit), waiting for the approver: a
    manual adjustment of a card's points, or a complaint remedy's goodwill points or
    credit note. The approver gets an activity; Approve carries the change out (the
    ledger line, or the remedy's document, keeps the approval: who asked, who approved,
    when), Refuse leaves everything as it was.

    For other addons: a record asking approval is `target` of `_crm_request`; on approval
    its `_crm_approval_apply(approval)` carries the change out, on refusal its optional
    `_crm_approval_refused(approval)` is told."""

    _name = "crm.loyalty.approval"
    _description = "Loyalty and Goodwill Approval"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(APPROVAL_KINDS, required=True, readonly=True)
    state = fields.Selection(
        APPROVAL_STATES, default="pending", required=True, readonly=True, tracking=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    requester_id = fields.Many2one(
        "res.users", string="Requested By", required=True, readonly=True, index=True
    )
    approver_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, tracking=True
    )
    quantity = fields.Float(
        string="Points or Amount", readonly=True, help="Points, or an amount for a credit note."
    )
    limit = fields.Float(readonly=True, help="The requester's limit then.")
    reason = fields.Char(readonly=True)
    card_id = fields.Many2one("loyalty.card", readonly=True, index="btree_not_null")
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", readonly=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_on = fields.Datetime(readonly=True)

    @api.model
    def _crm_request(self, kind, quantity, limit, reason, card=None, target=None):
        """Ask `limit`'s approver to approve `quantity` of `kind` for the current user: the
        request, an activity for the approver, a note on `target`. Returns the request."""
        labels = dict(self._fields["kind"]._description_selection(self.env))
        approval = self.sudo().create(
            {
                "name": self.env._(
                    "%(kind)s of %(quantity)s by %(user)s",
                    kind=labels[kind],
                    quantity=quantity,
                    user=self.env.user.name,
                ),
                "kind": kind,
                "company_id": limit.company_id.id,
                "requester_id": self.env.user.id,
                "approver_id": limit.approver_id.id,
                "quantity": quantity,
                "limit": limit[LIMIT_FIELDS[kind]],
                "reason": reason,
                "card_id": card.id if card else False,
                "res_model": target._name if target else False,
                "res_id": target.id if target else False,
            }
        )
        approval.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=limit.approver_id.id,
            summary=self.env._("Approve or refuse: %(name)s", name=approval.name),
            note=reason,
        )
        return approval

    def _crm_target(self):
        self.ensure_one()
        if self.res_model and self.res_id and self.res_model in self.env:
            return self.env[self.res_model].sudo().browse(self.res_id).exists()
        return None

    def _crm_check_decider(self):
        """Only the approver decides, never on their own request, once."""
        self.ensure_one()
        if self.state != "pending":
            raise UserError(self.env._("%(name)s is already decided.", name=self.name))
        user = self.env.user
        if user == self.requester_id or user != self.approver_id:
            raise AccessError(
                self.env._(
                    "Only %(approver)s decides on %(name)s, and nobody on their own request.",
                    approver=self.approver_id.name,
                    name=self.name,
                )
            )

    def action_approve(self):
        """Approve the request and carry the change out."""
        self.ensure_one()
        self._crm_check_decider()
        approval = self.sudo()
        approval.write(
            {
                "state": "approved",
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )
        target = approval._crm_target()
        if approval.kind == "adjust":
            self.env["loyalty.history"]._crm_book(
                [
                    {
                        "card": approval.card_id,
                        "kind": "adjust",
                        "points": approval.quantity,
                        "description": self.env._("Manual adjustment"),
                        "reason": approval.reason,
                        "approval": approval,
                    }
                ]
            )
        elif target is not None:
            target._crm_approval_apply(approval)
        approval.activity_feedback(
            ["mail.mail_activity_data_todo"], feedback=self.env._("Approved")
        )
        return True

    def action_refuse(self):
        """Refuse the request: nothing changes."""
        self.ensure_one()
        self._crm_check_decider()
        approval = self.sudo()
        approval.write(
            {
                "state": "refused",
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )
        target = approval._crm_target()
        if target is not None and hasattr(target, "_crm_approval_refused"):
            target._crm_approval_refused(approval)
        approval.activity_feedback(
            ["mail.mail_activity_data_todo"], feedback=self.env._("Refused")
        )
        approval.message_post(
            body=Markup("<p>%s</p>") % self.env._("Refused by %(user)s.", user=self.env.user.name),
            partner_ids=approval.requester_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        return True
