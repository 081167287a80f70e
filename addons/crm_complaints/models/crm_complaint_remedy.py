from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

# kept by the remedy's workflow (its document, created and carried out in the back office):
# never written by a client, whatever the view shows
SYSTEM_FIELDS = frozenset(
    {
        "state",
        "name",
        "company_id",
        "cost",
        "date_done",
        "document_model",
        "document_id",
        "move_id",
        "picking_id",
        "sale_order_id",
        "loyalty_history_id",
        "approval_id",
    }
)
# remedies whose document is goodwill, capped per user (crm.loyalty.limit) and approved
# above the cap: remedy kind -> approval kind
GOODWILL_KINDS = {"points": "goodwill_points", "credit_note": "goodwill_credit"}

REMEDY_STATES = [
    ("draft", "To do"),
    ("in_progress", "In the back office"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class CrmComplaintRemedy(models.Model):
    """What the company does for the customer, carried out by the back office as a real
    document (a credit note, a return, a replacement order, loyalty points, ...) linked both
    ways: the remedy knows its document, the document knows its remedy.

    Other addons add a kind of remedy (see readme/USAGE.md, "For other addons: adding a
    remedy"):
    - `remedy_type = fields.Selection(selection_add=[("x", "X")], ondelete={"x": "cascade"})`;
    - `_create_x(self)`: create and return the back-office document (it is linked here by
      `_create_document`; give the document a Many2one `crm_complaint_remedy_id` back);
    - `_cost_x(self)`: the document's cost in the company's currency (0 when not defined);
    - the document calls `remedy._remedy_done()` when it is carried out.
    """

    _name = "crm.complaint.remedy"
    _description = "Complaint Remedy"
    _order = "complaint_id, id"
    _check_company_auto = True

    complaint_id = fields.Many2one("crm.complaint", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(related="complaint_id.commercial_partner_id")
    remedy_type = fields.Selection(
        [
            ("credit_note", "Credit note"),
            ("return", "Return"),
            ("replacement", "Replacement"),
            ("points", "Goodwill points"),
        ],
        string="Remedy",
        required=True,
        default="credit_note",
    )
    state = fields.Selection(REMEDY_STATES, default="draft", required=True, readonly=True)
    name = fields.Char(compute="_compute_name", store=True)
    note = fields.Char(string="Reason", help="Why this remedy; shown on the document.")
    # what to do, by kind
    amount = fields.Monetary(
        string="Credit Amount",
        help="Credit note: the amount to credit, taxes included; empty for the whole invoice.",
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        help="Return or replacement: the product (the complaint's product by default).",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    points = fields.Float(help="Goodwill points: how many.")
    extra_cost = fields.Monetary(
        help="What the document does not show: shipping, handling, labour."
    )
    # the back-office document
    document_model = fields.Char(readonly=True, copy=False)
    document_id = fields.Many2oneReference(
        string="Document ID", model_field="document_model", readonly=True, copy=False
    )
    document_ref = fields.Reference(
        selection="_selection_document_model",
        string="Document",
        compute="_compute_document_ref",
    )
    move_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True, copy=False, check_company=True
    )
    picking_id = fields.Many2one(
        "stock.picking", string="Return", readonly=True, copy=False, check_company=True
    )
    sale_order_id = fields.Many2one(
        "sale.order", string="Replacement Order", readonly=True, copy=False, check_company=True
    )
    loyalty_history_id = fields.Many2one(
        "loyalty.history", string="Points Granted", readonly=True, copy=False
    )
    cost = fields.Monetary(
        compute="_compute_cost",
        store=True,
        help="What the remedy costs the company, in its currency: the document's value "
        "plus the extra cost.",
    )
    date_done = fields.Datetime(readonly=True, copy=False)
    # goodwill above its author's limit waits for the approver (crm.loyalty.approval)
    approval_id = fields.Many2one("crm.loyalty.approval", readonly=True, copy=False)
    approval_state = fields.Selection(related="approval_id.state", string="Approval Status")
    approver_id = fields.Many2one(related="approval_id.approver_id", string="Approver")

    @api.model
    def _selection_document_model(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("remedy_type", "document_model", "document_id")
    def _compute_name(self):
        labels = dict(self._fields["remedy_type"]._description_selection(self.env))
        for remedy in self:
            document = remedy._document()
            parts = [labels.get(remedy.remedy_type, ""), document.display_name if document else ""]
            remedy.name = " ".join(p for p in parts if p)

    @api.depends("document_model", "document_id")
    def _compute_document_ref(self):
        for remedy in self:
            document = remedy._document()
            remedy.document_ref = f"{document._name},{document.id}" if document else False

    @api.depends(
        "state",
        "remedy_type",
        "extra_cost",
        "points",
        "move_id.amount_total_signed",
        "picking_id.move_ids.quantity",
        "sale_order_id.order_line.product_uom_qty",
    )
    def _compute_cost(self):
        for remedy in self:
            if remedy.state == "cancel":
                remedy.cost = 0.0
                continue
            remedy.cost = remedy._document_cost() + remedy.extra_cost

    @api.onchange("complaint_id", "remedy_type")
    def _onchange_complaint_defaults(self):
        if not self.product_id:
            self.product_id = self.complaint_id.product_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_system_fields(
                {k: v for k, v in vals.items() if k != "state" or v != "draft"}
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_system_fields(vals)
        return super().write(vals)

    def _check_system_fields(self, vals):
        """A remedy moves on with its document only: Create Document, the document carried
        out or cancelled (which write as the system); a client never sets its state, its
        document or its cost."""
        forged = sorted(SYSTEM_FIELDS & vals.keys())
        if forged and not self.env.su:
            raise UserError(
                self.env._(
                    "%(fields)s of a remedy follow from its back-office document: use Create"
                    " Document, then carry out or cancel the document itself.",
                    fields=", ".join(self._fields[name].string for name in forged),
                )
            )

    def _document(self):
        """The back-office document of this remedy (an empty recordset before there is one)."""
        self.ensure_one()
        if not self.document_model or not self.document_id:
            return self.env["ir.attachment"].browse()
        return self.env[self.document_model].browse(self.document_id).exists()

    def _document_cost(self):
        """The document's cost by kind of remedy: `_cost_<remedy_type>()` (0 when the kind
        defines none). Override `_cost_<type>` to change one kind's cost."""
        self.ensure_one()
        method = getattr(self, f"_cost_{self.remedy_type}", None)
        return method() if method else 0.0

    def _cost_credit_note(self):
        return abs(self.move_id.amount_total_signed) if self.move_id.state != "cancel" else 0.0

    def _cost_return(self):
        """The returned goods at cost: what the company takes back and may not resell."""
        return sum(
            move.quantity * move.product_id.standard_price
            for move in self.picking_id.move_ids
            if move.state != "cancel"
        )

    def _cost_replacement(self):
        """The goods given away at cost (the order itself is free)."""
        return sum(
            line.product_uom_qty * line.product_id.standard_price
            for line in self.sale_order_id.order_line
        )

    def _cost_points(self):
        return self.points * self.company_id.crm_complaint_point_value

    def action_create_document(self):
        """Have the back office carry out the remedies: create each one's document."""
        self.check_access("write")
        for remedy in self:
            if remedy.state != "draft":
                raise UserError(
                    self.env._(
                        "The remedy %(remedy)s already has its document.", remedy=remedy.name
                    )
                )
            if remedy.approval_state == "pending":
                raise UserError(
                    self.env._(
                        "The remedy %(remedy)s waits for %(approver)s to approve it: its "
                        "document is created on approval.",
                        remedy=remedy.name,
                        approver=remedy.approver_id.name,
                    )
                )
            if remedy._request_goodwill_approval():
                continue
            remedy._create_document()
        if len(self) == 1 and self._document():
            return self.action_open_document()
        return True

    def _goodwill_quantity(self):
        """What a goodwill remedy gives, as its author's limit counts it: points, or the
        credit note's amount (the whole invoice when no amount is set)."""
        self.ensure_one()
        if self.remedy_type == "points":
            return self.points
        return self.amount or self.complaint_id.sudo().invoice_id.amount_total

    def _request_goodwill_approval(self):
        """Above the user's limit, goodwill waits for the approver: the request (an
        activity for the approver), a note on the complaint. Returns whether it waits."""
        self.ensure_one()
        kind = GOODWILL_KINDS.get(self.remedy_type)
        if not kind:
            return False
        if kind == "goodwill_points":
            # who may grant points at all is checked before asking anyone
            self._check_points_rights()
        quantity = self._goodwill_quantity()
        limit = self.env["crm.loyalty.limit"]._crm_exceeded(kind, quantity, self.company_id)
        if not limit:
            return False
        approval = self.env["crm.loyalty.approval"]._crm_request(
            kind,
            quantity,
            limit,
            self.note or self.complaint_id.name,
            target=self,
        )
        self.sudo().approval_id = approval
        self.complaint_id.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Remedy %(remedy)s is above the limit of %(user)s: %(approver)s was asked to "
                "approve it.",
                remedy=self.name,
                user=self.env.user.name,
                approver=limit.approver_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _crm_approval_apply(self, approval):
        """The approver approved the goodwill: create the document now (the approval is
        the authority; it is kept on the ledger line, and noted on the document)."""
        self.ensure_one()
        remedy = self.sudo().with_company(self.company_id)
        document = remedy._create_document()
        if hasattr(document, "message_post"):
            document.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Goodwill approved by %(user)s on %(date)s (asked by %(requester)s).",
                    user=approval.decided_by_id.name,
                    date=fields.Datetime.to_string(approval.decided_on),
                    requester=approval.requester_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return document

    def _crm_approval_refused(self, approval):
        """The approver refused: no document; the remedy stays to do (lower it, or cancel)."""
        self.ensure_one()
        self.complaint_id.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Remedy %(remedy)s refused by %(user)s: no document was created.",
                remedy=self.name,
                user=approval.decided_by_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _create_document(self):
        """Create the document by kind (`_create_<remedy_type>()`), link it both ways, and
        note it on the complaint."""
        self.ensure_one()
        method = getattr(self, f"_create_{self.remedy_type}", None)
        if not method:
            raise UserError(
                self.env._(
                    "No back-office document is defined for the remedy kind %(kind)s.",
                    kind=self.remedy_type,
                )
            )
        document = method()
        self.sudo().write(
            {
                "document_model": document._name,
                "document_id": document.id,
                "state": "done" if self.state == "done" else "in_progress",
            }
        )
        if "crm_complaint_remedy_id" in document._fields:
            document.sudo().crm_complaint_remedy_id = self
        self.complaint_id.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Remedy under way: %(remedy)s (%(document)s).",
                remedy=self.name,
                document=document.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if self._done_on_creation():
            self._remedy_done()
        return document

    def _done_on_creation(self):
        """Whether the document is carried out as soon as it exists (points are granted at
        once); override for a kind whose document needs no further step."""
        self.ensure_one()
        return self.remedy_type == "points"

    def _remedy_done(self):
        """Called by a remedy's document when it is carried out (credit note posted, return
        or replacement delivered, points granted, visit done): marks the remedy done, posts
        on the complaint, recomputes the remedy's and the complaint's cost."""
        for remedy in self.filtered(lambda r: r.state in ("draft", "in_progress")):
            remedy.sudo().write({"state": "done", "date_done": fields.Datetime.now()})
            remedy.complaint_id.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Remedy done: %(remedy)s.", remedy=remedy.name),
                subtype_xmlid="mail.mt_note",
            )
        self.flush_recordset(["cost"])
        return True

    def _remedy_cancelled(self):
        """Called by a remedy's document when it is cancelled: the remedy no longer counts."""
        for remedy in self.filtered(lambda r: r.state != "cancel"):
            remedy.sudo().state = "cancel"
            remedy.complaint_id.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Remedy cancelled: %(remedy)s.", remedy=remedy.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        self.check_access("write")
        for remedy in self:
            if remedy.state == "done":
                raise UserError(
                    self.env._(
                        "The remedy %(remedy)s is done: cancel its document instead.",
                        remedy=remedy.name,
                    )
                )
        self._remedy_cancelled()

    def action_open_document(self):
        self.ensure_one()
        self.check_access("read")
        document = self._document()
        if not document:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "view_mode": "form",
        }

    # --- the documents of the four built-in kinds --------------------------------------

    def _create_credit_note(self):
        """A reversal of the complaint's invoice: whole, or scaled to `amount`."""
        invoice = self.complaint_id.invoice_id
        if not invoice or invoice.state != "posted" or invoice.move_type != "out_invoice":
            raise UserError(
                self.env._(
                    "A credit note reverses the complaint's invoice: set a posted customer"
                    " invoice on complaint %(ref)s first.",
                    ref=self.complaint_id.name,
                )
            )
        if self.amount < 0 or self.amount > invoice.amount_total:
            raise UserError(
                self.env._(
                    "The credit amount must be between 0 (the whole invoice) and the invoice's"
                    " total %(total)s.",
                    total=invoice.amount_total,
                )
            )
        reason = self.note or self.complaint_id.name
        credit_note = invoice._reverse_moves(
            [
                {
                    "ref": self.env._(
                        "Complaint %(ref)s: %(reason)s", ref=self.complaint_id.name, reason=reason
                    ),
                    "invoice_date": fields.Date.context_today(self),
                }
            ]
        )
        if self.amount and self.amount < invoice.amount_total:
            factor = self.amount / invoice.amount_total
            for line in credit_note.invoice_line_ids:
                line.price_unit = line.price_unit * factor
        self.sudo().move_id = credit_note
        return credit_note

    def _create_return(self):
        """A return of the complaint's delivery: `quantity` of the product (every delivered
        product in full when no product is set)."""
        delivery = self.complaint_id.picking_id
        if not delivery or delivery.state != "done":
            raise UserError(
                self.env._(
                    "A return takes goods back from a delivery: set a done delivery on"
                    " complaint %(ref)s first.",
                    ref=self.complaint_id.name,
                )
            )
        product = self.product_id or self.complaint_id.product_id
        wizard = self.env["stock.return.picking"].create({"picking_id": delivery.id})
        for line in wizard.product_return_moves:
            if not product:
                line.quantity = line.move_id.quantity
            elif line.product_id == product:
                line.quantity = min(self.quantity, line.move_id.quantity)
        if not any(wizard.product_return_moves.mapped("quantity")):
            raise UserError(
                self.env._(
                    "%(product)s was not delivered by %(delivery)s: choose a delivered product.",
                    product=product.display_name,
                    delivery=delivery.name,
                )
            )
        returned = wizard._create_return()
        self.sudo().picking_id = returned
        return returned

    def _create_replacement(self):
        """A free sales order of the product for the customer; confirming it makes the
        delivery."""
        product = self.product_id or self.complaint_id.product_id
        if not product or self.quantity <= 0:
            raise UserError(
                self.env._(
                    "A replacement needs a product and a positive quantity: set them on the"
                    " remedy."
                )
            )
        complaint = self.complaint_id
        order = self.env["sale.order"].create(
            {
                "partner_id": (complaint.partner_id or complaint.commercial_partner_id).id,
                "company_id": complaint.company_id.id,
                "origin": complaint.name,
                "client_order_ref": complaint.name,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": self.quantity,
                            "price_unit": 0.0,
                            "name": self.env._(
                                "Replacement of %(product)s (complaint %(ref)s)",
                                product=product.display_name,
                                ref=complaint.name,
                            ),
                        },
                    )
                ],
            }
        )
        order.sudo().crm_complaint_remedy_id = self
        order.action_confirm()
        self.sudo().sale_order_id = order
        return order

    def _check_points_rights(self):
        """Complaint managers grant points; complaint users too when the company allows it."""
        user = self.env.user
        allowed = user.has_group("crm_complaints.group_crm_complaints_manager") or (
            self.company_id.crm_complaint_users_grant_points
            and user.has_group("crm_complaints.group_crm_complaints_user")
        )
        if not allowed and not self.env.su:
            raise UserError(
                self.env._(
                    "Only complaint managers may grant goodwill points (Settings: Complaint"
                    " Users Grant Points lets complaint users do it too)."
                )
            )

    def _create_points(self):
        """Goodwill points through crm_loyalty's compensation method, after this addon's own
        rights check (the method itself runs as superuser)."""
        self._check_points_rights()
        complaint = self.complaint_id
        partner = complaint.commercial_partner_id
        if not partner:
            raise UserError(
                self.env._(
                    "Complaint %(ref)s has no customer yet: link the contact before granting"
                    " points.",
                    ref=complaint.name,
                )
            )
        reason = self.note or self.env._("Goodwill for complaint %(ref)s", ref=complaint.name)
        history = (
            self.env["loyalty.card"]
            .sudo()
            .with_company(complaint.company_id)
            ._crm_grant_points(
                partner,
                self.points,
                reason,
                source=complaint,
                approval=self.approval_id if self.approval_state == "approved" else None,
            )
        )
        self.sudo().loyalty_history_id = history
        return history
