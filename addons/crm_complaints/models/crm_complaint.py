from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.mail import email_normalize

from .crm_complaint_sla_mixin import OPEN_STATES
from .crm_complaint_solution_mixin import ANSWER_DOCUMENT_SQL, DOCUMENT_SQL

CHANNELS = [
    ("email", "Email"),
    ("portal", "Portal"),
    ("web", "Web form"),
    ("phone", "Phone"),
    ("backend", "Back office"),
    ("in_person", "In person"),
]
SEVERITIES = [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")]
PRIORITIES = [("0", "Normal"), ("1", "Medium"), ("2", "High"), ("3", "Urgent")]
# what the service team sees and the customer does not (read over RPC, the portal showing
# what it shows in sudo): how the company values the customer, how it plans and costs the
# complaint, what it found and decided
INTERNAL = "crm_complaints.group_crm_complaints_user"
# kept by the complaint's own workflow (stage moves, the SLA clock, intake, computes):
# never written by a client, whatever the view shows
SYSTEM_FIELDS = frozenset(
    {
        "name",
        "state",
        "commercial_partner_id",
        "email_normalized",
        "pending_identification",
        "customer_value_tier",
        "customer_segment_id",
        "cost",
        "date_stage",
        "date_first_response",
        "date_resolved",
        "date_closed",
        "reopen_count",
        "reopen_rate",
        "sla_policy_id",
        "sla_start",
        "sla_first_response_deadline",
        "sla_first_response_warning",
        "sla_resolution_deadline",
        "sla_resolution_warning",
        "sla_status",
        "sla_paused_since",
        "sla_breached",
        "sla_compliance",
        "escalation_level",
        "first_response_hours",
        "resolution_hours",
        "first_response_work_hours",
        "resolution_work_hours",
        "acknowledgement_pending",
        "intake_ip",
        "web_order_ref",
        "web_confirm_token",
        "duplicate_of_id",
        "merged_into_id",
        "answer_published",
        "answer_canned_response_id",
    }
)
# the values a complaint's SLA policy is matched on (and what changes its priority)
SLA_KEYS = ("priority", "team_id", "category_id", "subcategory_id")
SLA_TRIGGERS = frozenset(SLA_KEYS + ("severity", "partner_id", "company_id"))


class CrmComplaint(models.Model):
    """A customer's complaint, followed from intake (any channel) until it is resolved and
    the customer has rated the service. SLA and escalation live in crm_complaint_sla.py,
    intake from email and the web in crm_complaint_intake.py."""

    _name = "crm.complaint"
    _description = "Customer Complaint"
    _inherit = [
        "portal.mixin",
        "crm.complaint.sla.mixin",
        "crm.complaint.intake.mixin",
        "crm.complaint.solution.mixin",
        "crm.complaint.duplicate.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "rating.mixin",
    ]
    # the views sort by priority; the model's order stays readable by the customer, who may
    # not read the priority
    _order = "id desc"
    _check_company_auto = True
    _primary_email = "email_from"
    _rec_names_search = ["name", "subject"]
    _mail_post_access = "read"

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True, default="/")
    subject = fields.Char(required=True, tracking=True)
    description = fields.Html(sanitize_attributes=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    # who complained
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        tracking=True,
        index=True,
        check_company=True,
        help="The person who complained; empty while an unknown sender waits to be identified.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    email_from = fields.Char(
        string="Email",
        compute="_compute_email_from",
        store=True,
        readonly=False,
        precompute=True,
    )
    email_normalized = fields.Char(
        compute="_compute_email_normalized",
        store=True,
        index="btree_not_null",
        help="The email alone, lower case: what the mail gateway's loop detection searches.",
    )
    partner_name = fields.Char(string="Sender Name", help="As given by an unknown sender.")
    pending_identification = fields.Boolean(
        compute="_compute_pending_identification",
        store=True,
        groups=INTERNAL,
        help="Sent by someone not yet known as a contact: link the contact to go on.",
    )
    channel = fields.Selection(CHANNELS, default="backend", required=True, tracking=True)
    # what it is about
    category_id = fields.Many2one(
        "crm.complaint.category",
        domain="[('parent_id', '=', False)]",
        tracking=True,
        index=True,
        check_company=True,
    )
    subcategory_id = fields.Many2one(
        "crm.complaint.category",
        domain="[('parent_id', '=', category_id)]",
        check_company=True,
    )
    product_id = fields.Many2one("product.product", index=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        domain="[('product_id', '=', product_id)]",
        check_company=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
        check_company=True,
        index="btree_not_null",
    )
    invoice_id = fields.Many2one(
        "account.move",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('partner_id', 'child_of', commercial_partner_id)]",
        check_company=True,
        index="btree_not_null",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done'),"
        " ('partner_id', 'child_of', commercial_partner_id)]",
        check_company=True,
        index="btree_not_null",
    )
    severity = fields.Selection(
        SEVERITIES, default="minor", required=True, tracking=True, groups=INTERNAL
    )
    priority = fields.Selection(
        PRIORITIES,
        compute="_compute_priority",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        groups=INTERNAL,
        help="Set from the severity and from the customer's value tier and segment; "
        "a Champion's or a tier-A customer's complaint is High.",
    )
    customer_value_tier = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        compute="_compute_customer_value",
        store=True,
        precompute=True,
        groups=INTERNAL,
        help="The customer's value tier when the complaint came in.",
    )
    customer_segment_id = fields.Many2one(
        "crm.customer.segment",
        compute="_compute_customer_value",
        store=True,
        precompute=True,
        groups=INTERNAL,
        help="The customer's segment when the complaint came in.",
    )
    # who works on it
    team_id = fields.Many2one(
        "crm.complaint.team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
        check_company=True,
        groups=INTERNAL,
        help="The category's default team when none is chosen, else the company's first.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    stage_id = fields.Many2one(
        "crm.complaint.stage",
        tracking=True,
        index=True,
        copy=False,
        check_company=True,
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage(),
        ondelete="restrict",
    )
    state = fields.Selection(related="stage_id.state", store=True, index=True)
    date_stage = fields.Datetime(string="Last Stage Update", readonly=True, copy=False)
    date_first_response = fields.Datetime(
        string="First Response", readonly=True, copy=False, groups=INTERNAL
    )
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    reopen_count = fields.Integer(string="Reopened", readonly=True, copy=False, groups=INTERNAL)
    reopen_rate = fields.Float(
        string="Reopen Rate (%)",
        compute="_compute_reopen_rate",
        store=True,
        aggregator="avg",
        groups=INTERNAL,
        help="100 for a complaint reopened at least once: averaged in the reports, the "
        "reopen rate.",
    )
    # why, and what was done
    root_cause_id = fields.Many2one(
        "crm.complaint.root.cause", tracking=True, index=True, check_company=True, groups=INTERNAL
    )
    capa_ids = fields.One2many(
        "crm.complaint.capa", "complaint_id", string="CAPA", groups=INTERNAL
    )
    resolution = fields.Html(
        groups=INTERNAL,
        help="What was done, in words the next agent can reuse (the customer sees it on the "
        "portal once the complaint is resolved).",
    )
    remedy_ids = fields.One2many(
        "crm.complaint.remedy", "complaint_id", string="Remedies", groups=INTERNAL
    )
    remedy_count = fields.Integer(compute="_compute_remedy_count", groups=INTERNAL)
    cost = fields.Monetary(
        compute="_compute_cost",
        store=True,
        groups=INTERNAL,
        help="The sum of the costs of the remedies under way or done, in the company's "
        "currency.",
    )

    def init(self):
        # the full-text index of proven solutions (crm.complaint.solution.mixin)
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS crm_complaint_fulltext_idx"
                " ON crm_complaint USING gin (%s)",
                SQL(DOCUMENT_SQL.format(t="crm_complaint")),
            )
        )
        # the full-text index of the published answers (the complaint forms' search)
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS crm_complaint_answer_fulltext_idx"
                " ON crm_complaint USING gin (%s) WHERE answer_published",
                SQL(ANSWER_DOCUMENT_SQL.format(t="crm_complaint")),
            )
        )
        return super().init()

    @api.depends("name", "subject")
    def _compute_display_name(self):
        for complaint in self:
            complaint.display_name = (
                f"{complaint.name} {complaint.subject}" if complaint.subject else complaint.name
            )

    @api.model
    def _default_stage(self):
        return self._stage_of_kind("new", self.env.company)

    @api.model
    def _stage_of_kind(self, state, company):
        """The first stage of this kind the company uses (its own or a shared one)."""
        return self.env["crm.complaint.stage"].search(
            [("state", "=", state), ("company_id", "in", [company.id, False])], limit=1
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([])

    @api.depends("category_id", "subcategory_id")
    def _compute_team_id(self):
        """A complaint without a team goes to its (sub)category's default team, else to the
        company's first team; a chosen team is kept."""
        first_team = {}
        for complaint in self:
            if complaint.team_id:
                complaint.team_id = complaint.team_id
                continue
            company = complaint.company_id or self.env.company
            # a shared category may name any company's team: only its own company's apply
            team = (complaint.subcategory_id.team_id | complaint.category_id.team_id).filtered(
                lambda t, company=company: t.company_id == company
            )[:1]
            if not team and not complaint.id:
                if company not in first_team:
                    first_team[company] = self.env["crm.complaint.team"].search(
                        [("company_id", "in", [company.id, False])], limit=1
                    )
                team = first_team[company]
            complaint.team_id = team

    @api.depends("partner_id")
    def _compute_email_from(self):
        for complaint in self.filtered("partner_id.email"):
            complaint.email_from = complaint.partner_id.email

    @api.depends("email_from")
    def _compute_email_normalized(self):
        for complaint in self:
            complaint.email_normalized = email_normalize(complaint.email_from or "") or False

    @api.depends("partner_id")
    def _compute_pending_identification(self):
        for complaint in self:
            complaint.pending_identification = not complaint.partner_id

    @api.depends("severity", "customer_value_tier", "customer_segment_id")
    def _compute_priority(self):
        for complaint in self:
            complaint.priority = complaint._priority_from_value()

    @api.depends("partner_id", "company_id")
    def _compute_customer_value(self):
        """The customer's segment and value tier when the complaint came in (or its contact
        was set), kept for the reports by segment."""
        for complaint in self:
            partner = complaint.partner_id.commercial_partner_id.with_company(
                complaint.company_id or self.env.company
            ).sudo()
            complaint.customer_value_tier = partner.crm_value_tier if partner else False
            complaint.customer_segment_id = partner.crm_segment_id if partner else False

    @api.depends("reopen_count")
    def _compute_reopen_rate(self):
        for complaint in self:
            complaint.reopen_rate = 100.0 if complaint.reopen_count else 0.0

    @api.depends("remedy_ids")
    def _compute_remedy_count(self):
        counts = dict(
            self.env["crm.complaint.remedy"]._read_group(
                [("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]
            )
        )
        for complaint in self:
            complaint.remedy_count = counts.get(complaint, 0)

    @api.depends("remedy_ids.cost", "remedy_ids.state")
    def _compute_cost(self):
        """The remedies under way or done (a remedy still to do is only a proposal)."""
        for complaint in self:
            complaint.cost = sum(
                complaint.remedy_ids.filtered(lambda r: r.state in ("in_progress", "done")).mapped(
                    "cost"
                )
            )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return result

    @api.onchange("category_id")
    def _onchange_category_id(self):
        if self.subcategory_id.parent_id != self.category_id:
            self.subcategory_id = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_system_fields({k: v for k, v in vals.items() if k != "name" or v != "/"})
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id"))
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company or self.env.company)
                    .next_by_code("crm.complaint")
                    or "/"
                )
            vals.setdefault("date_stage", fields.Datetime.now())
            vals.setdefault("sla_start", fields.Datetime.now())
        complaints = super().create(vals_list)
        complaints._detect_duplicates()
        for complaint in complaints.filtered("partner_id"):
            complaint.message_subscribe(partner_ids=complaint.partner_id.ids)
        # assigned on creation (the team's rotation assigns the others, by write)
        complaints.browse(
            complaint.id
            for complaint, vals in zip(complaints, vals_list, strict=True)
            if vals.get("user_id")
        )._notify_assignee()
        return complaints

    def write(self, vals):
        self._check_system_fields(vals)
        old_states = {}
        if "stage_id" in vals:
            self._check_stage_move(self.env["crm.complaint.stage"].browse(vals["stage_id"]))
            vals = dict(vals, date_stage=fields.Datetime.now())
            old_states = {complaint.id: complaint.state for complaint in self}
        # what the SLA policy is matched on, and who is assigned, before the write: a
        # priority changed by its compute (severity, customer) re-plans the SLA as well
        sla_before = (
            {c.id: tuple(c[name] for name in SLA_KEYS) for c in self}
            if SLA_TRIGGERS & vals.keys()
            else {}
        )
        users_before = {c.id: c.user_id for c in self} if "user_id" in vals else {}
        result = super().write(vals)
        if vals.get("partner_id"):
            for complaint in self:
                complaint.message_subscribe(partner_ids=complaint.partner_id.ids)
        if old_states:
            self._after_stage_change(old_states)
        if sla_before:
            self.filtered(
                lambda c: tuple(c[name] for name in SLA_KEYS) != sla_before[c.id]
            )._sla_apply()
        if users_before:
            self.filtered(
                lambda c: c.user_id and c.user_id != users_before[c.id]
            )._notify_assignee()
        return result

    def _check_system_fields(self, vals):
        """Refuse a client's value for a field the complaint's workflow keeps (SLA clock,
        dates, counters, intake): the server's own code writes them as superuser."""
        forged = sorted(SYSTEM_FIELDS & vals.keys())
        if forged and not self.env.su:
            raise UserError(
                self.env._(
                    "%(fields)s of a complaint follow from its stages, its SLA and its"
                    " intake: they cannot be set by hand. Move the complaint through its"
                    " stages instead.",
                    fields=", ".join(self._fields[name].string for name in forged),
                )
            )

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        # the assignee follows the complaint as Odoo has it, but is told once, by
        # _notify_assignee (which also tells the assignees of the team's rotation and of
        # the escalation steps)
        return [
            (partner_id, subtypes, False)
            for partner_id, subtypes, _template in super()._message_auto_subscribe_followers(
                updated_values, default_subtype_ids
            )
        ]

    def _priority_from_value(self):
        """Priority from the severity and the customer's value: a Champion's (or any segment
        the company marks as key) or a tier-A customer's complaint is at least High, tier B
        at least Medium; a critical complaint is Urgent."""
        self.ensure_one()
        priority = {"minor": 0, "major": 1, "critical": 3}[self.severity or "minor"]
        # the customer's tier and segment as the complaint keeps them (read once)
        tier, segment = self.customer_value_tier, self.customer_segment_id
        if tier == "a" or (segment and segment in self.company_id.crm_complaint_key_segment_ids):
            priority = max(priority, 2)
        elif tier == "b":
            priority = max(priority, 1)
        return str(priority)

    def _check_stage_move(self, stage):
        """Refuse the stage moves a service team must not make: closing without a
        resolution (or a root cause, where the team asks for one), closing with remedies
        still under way, reopening a closed complaint without being a manager."""
        is_manager = self.env.user.has_group("crm_complaints.group_crm_complaints_manager")
        for complaint in self:
            if complaint.stage_id == stage:
                continue
            if stage.state in ("resolved", "closed"):
                if not complaint.resolution or not complaint.resolution.striptags().strip():
                    raise UserError(
                        self.env._(
                            "Complaint %(ref)s cannot move to %(stage)s without a resolution:"
                            " write what was done in the Resolution tab first.",
                            ref=complaint.name,
                            stage=stage.name,
                        )
                    )
                if complaint.team_id.require_root_cause and not complaint.root_cause_id:
                    raise UserError(
                        self.env._(
                            "Complaint %(ref)s cannot move to %(stage)s without a root cause:"
                            " the team %(team)s asks for one.",
                            ref=complaint.name,
                            stage=stage.name,
                            team=complaint.team_id.name,
                        )
                    )
            if stage.state == "merged" and not complaint.merged_into_id:
                raise UserError(
                    self.env._(
                        "Complaint %(ref)s is not merged into another one: use Merge on its"
                        " likely duplicates to move it to %(stage)s.",
                        ref=complaint.name,
                        stage=stage.name,
                    )
                )
            if stage.state == "closed" and complaint.remedy_ids.filtered(
                lambda r: r.state in ("draft", "in_progress")
            ):
                raise UserError(
                    self.env._(
                        "Complaint %(ref)s still has remedies under way: finish or cancel"
                        " them before closing it.",
                        ref=complaint.name,
                    )
                )
            if (
                complaint.state == "closed"
                and stage.state not in ("closed", "merged")
                and not is_manager
                and not self.env.su
            ):
                raise UserError(
                    self.env._(
                        "Only a complaint manager can reopen the closed complaint %(ref)s.",
                        ref=complaint.name,
                    )
                )

    def _after_stage_change(self, old_states):
        """Dates, reopen count, SLA pause and the rating request that follow a stage move."""
        now = fields.Datetime.now()
        for complaint in self:
            old, new = old_states.get(complaint.id), complaint.state
            if old == new:
                continue
            values = {}
            if new == "resolved" and not complaint.date_resolved:
                values["date_resolved"] = now
            if new == "closed":
                values["date_closed"] = now
                values.setdefault("date_resolved", complaint.date_resolved or now)
            if old in ("resolved", "closed") and new in OPEN_STATES:
                values.update(
                    reopen_count=complaint.reopen_count + 1, date_resolved=False, date_closed=False
                )
            if values:
                super(CrmComplaint, complaint).write(values)
            complaint._sla_on_state_change(old, new)
        self._send_rating_requests(old_states)
        return True

    def _send_rating_requests(self, old_states):
        """Ask the customer for a rating when the complaint reaches a stage that has a
        rating email (Closed, as shipped)."""
        for complaint in self:
            template = complaint.stage_id.rating_template_id
            if (
                template
                and old_states.get(complaint.id) != complaint.state
                and complaint.partner_id.email
            ):
                complaint.rating_send_request(
                    template, lang=complaint.partner_id.lang, force_send=False
                )

    def _move_to_state(self, state):
        stage = self._stage_of_kind(state, self.company_id[:1] or self.env.company)
        if not stage:
            raise UserError(
                self.env._(
                    "No complaint stage of kind %(state)s: add one in Complaints >"
                    " Configuration > Stages.",
                    state=state,
                )
            )
        self.write({"stage_id": stage.id})

    def action_start(self):
        self._move_to_state("in_progress")

    def action_wait_customer(self):
        self._move_to_state("waiting")

    def action_resolve(self):
        self._move_to_state("resolved")

    def action_close(self):
        self._move_to_state("closed")

    def action_reopen(self):
        self._move_to_state("in_progress")

    def action_view_remedies(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Remedies"),
            "res_model": "crm.complaint.remedy",
            "view_mode": "list,form",
            "domain": [("complaint_id", "=", self.id)],
            "context": {"default_complaint_id": self.id},
        }

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """A low rating (at or below the company's threshold) reopens the complaint or gives
        its assignee a follow-up activity, as the company configured. Customers rate through
        the link of their email (the rating route, in sudo, once the token is checked);
        anyone else needs to be allowed to change the complaint, and a token of it."""
        if not self.env.su:
            self.check_access("write")
        if rating is None and not self._rating_token_valid(token):
            raise UserError(
                self.env._(
                    "This rating link is not one of complaint %(ref)s: use the link of the"
                    " complaint's rating email.",
                    ref=", ".join(self.sudo().mapped("name")),
                )
            )
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        complaint = self.sudo()
        if rate > complaint.company_id.crm_complaint_low_rating:
            return rating
        if (
            complaint.company_id.crm_complaint_low_rating_action == "reopen"
            and complaint.state
            in (
                "resolved",
                "closed",
            )
        ):
            complaint.action_reopen()
            complaint.message_post(
                body=self.env._("Reopened: the customer rated the service %(rate)s/5.", rate=rate),
                subtype_xmlid="mail.mt_note",
            )
        else:
            complaint.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Low rating (%(rate)s/5): call the customer back", rate=rate),
                note=feedback or "",
                user_id=(complaint.user_id or complaint.team_id.user_id or self.env.user).id,
            )
        return rating

    def _report_timeline(self):
        """(moment, what happened) of the complaint, in order, for its printed summary:
        received, first answer, each escalation, each remedy done, resolved, closed, rated."""
        self.ensure_one()
        events = [
            (
                self.create_date,
                self.env._(
                    "Received (%(channel)s)",
                    channel=self._fields["channel"].convert_to_export(self.channel, self),
                ),
            )
        ]
        if self.date_first_response:
            events.append((self.date_first_response, self.env._("First answer to the customer")))
        logs = self.env["crm.complaint.escalation.log"].search([("complaint_id", "=", self.id)])
        events += [
            (
                log.date,
                self.env._(
                    "Escalated (level %(level)s): %(step)s", level=log.level, step=log.step_id.name
                ),
            )
            for log in logs
        ]
        events += [
            (remedy.date_done, self.env._("Remedy done: %(remedy)s", remedy=remedy.name))
            for remedy in self.remedy_ids
            if remedy.date_done
        ]
        if self.date_resolved:
            events.append((self.date_resolved, self.env._("Resolved")))
        if self.date_closed:
            events.append((self.date_closed, self.env._("Closed")))
        events += [
            (
                rating.write_date,
                self.env._("Rated %(rate)s/5 by the customer", rate=int(rating.rating)),
            )
            for rating in self.rating_ids
            if rating.consumed
        ]
        return sorted((event for event in events if event[0]), key=lambda event: event[0])

    def _rating_token_valid(self, token):
        return bool(token) and bool(
            self.env["rating.rating"]
            .sudo()
            .search_count(
                [
                    ("access_token", "=", token),
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                ],
                limit=1,
            )
        )

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Complaint %(ref)s", ref=self.name)
