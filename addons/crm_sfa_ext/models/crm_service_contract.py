from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_service_order import PRIORITIES

OPEN = ("new", "planned")


class CrmServiceContract(models.Model):
    """Recurring service at a customer's site: visits every N days, weeks or months, or as
    often as the customer's value tier says (crm_identification). Visits are generated ahead
    (`horizon_days`); each visit's due date counts from the visit before it as it really
    happened (done, or moved), so a visit done late moves the next ones with it."""

    _name = "crm.service.contract"
    _description = "Recurring Field Service Contract"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, tracking=True, check_company=True
    )
    site_id = fields.Many2one(
        "res.partner",
        compute="_compute_site_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    type_id = fields.Many2one(
        "crm.service.type", string="Service Type", required=True, check_company=True
    )
    summary = fields.Char(string="Visit Summary", help="What each visit does.")
    # the visits it generates take it: the same choices as theirs
    priority = fields.Selection(PRIORITIES, default="0")
    frequency = fields.Selection(
        [("interval", "Every N days, weeks or months"), ("value_tier", "By value tier")],
        default="interval",
        required=True,
        tracking=True,
    )
    interval_number = fields.Integer(string="Every", default=1, tracking=True)
    interval_unit = fields.Selection(
        [("days", "Days"), ("weeks", "Weeks"), ("months", "Months")],
        default="months",
        required=True,
        tracking=True,
    )
    window_days = fields.Integer(
        string="Window (± days)",
        default=3,
        help="A visit may take place this many days " "before or after its due date.",
    )
    horizon_days = fields.Integer(
        string="Generate Ahead (days)", default=60, help="Visits are created this far ahead."
    )
    date_start = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(tracking=True)
    order_ids = fields.One2many("crm.service.order", "contract_id", string="Visits")
    order_count = fields.Integer(compute="_compute_order_count")
    next_due_date = fields.Date(compute="_compute_next_due_date")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)
    generated_on = fields.Date(readonly=True, copy=False)

    _sql_constraints = [
        ("interval_positive", "CHECK(interval_number >= 1)", "The interval must be positive."),
        ("window_not_negative", "CHECK(window_days >= 0)", "The window cannot be negative."),
    ]

    @api.depends("partner_id")
    def _compute_site_id(self):
        for contract in self:
            if contract.site_id.commercial_partner_id != contract.partner_id.commercial_partner_id:
                contract.site_id = contract.partner_id

    @api.depends("order_ids")
    def _compute_order_count(self):
        counts = dict(
            self.env["crm.service.order"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.order_count = counts.get(contract, 0)

    @api.depends("order_ids.due_date", "order_ids.state", "order_ids.actual_end")
    def _compute_next_due_date(self):
        for contract in self:
            contract.next_due_date = contract._fs_next_due(contract._fs_anchor())

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for contract in self:
            if contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(
                    self.env._(
                        "Contract %(name)s ends before it starts: set the end date after the "
                        "start date.",
                        name=contract.name,
                    )
                )

    def _fs_interval(self):
        self.ensure_one()
        if self.frequency == "value_tier":
            company = self.company_id
            # the tier is crm_identification's label, read as the system for the dispatcher
            customer = self.partner_id.commercial_partner_id.sudo().with_company(company)
            tier = customer.crm_value_tier
            months = {
                "a": company.fs_tier_a_months,
                "b": company.fs_tier_b_months,
            }.get(tier, company.fs_tier_c_months)
            return relativedelta(months=max(months, 1))
        return relativedelta(**{self.interval_unit: self.interval_number})

    def _fs_anchor(self):
        """The day of the last visit that happened or is fixed: the day it was done, or the
        day it is planned when dispatched, started or pinned; None before the first."""
        self.ensure_one()
        fixed = self.order_ids.filtered(lambda o: o._fs_fixed())
        days = [
            (o.actual_end or o.planned_start or datetime.combine(o.due_date, time())).date()
            for o in fixed
            if o.actual_end or o.planned_start or o.due_date
        ]
        return max(days) if days else None

    def _fs_next_due(self, anchor):
        self.ensure_one()
        return anchor + self._fs_interval() if anchor else self.date_start

    def _fs_window(self, due):
        start = datetime.combine(due - timedelta(days=self.window_days), time())
        end = datetime.combine(due + timedelta(days=self.window_days + 1), time())
        return start, end

    def _fs_follow_frequency(self):
        """Dates the open visits again from the last visit that happened (or is fixed), one
        interval apart, then generates up to the horizon. A planned visit whose window moves
        goes back to be planned."""
        today = fields.Date.context_today(self)
        for contract in self:
            anchor = contract._fs_anchor()
            open_orders = contract.order_ids.filtered(
                lambda o: o.state in OPEN and not o.pinned
            ).sorted(lambda o: (o.due_date or today, o.id))
            due = contract._fs_next_due(anchor)
            for order in open_orders:
                if order.due_date != due:
                    start, end = contract._fs_window(due)
                    vals = {"due_date": due, "earliest_start": start, "latest_end": end}
                    if order.state == "planned" and not (
                        start <= order.planned_start and order.planned_end <= end
                    ):
                        vals.update(state="new", planned_start=False, planned_end=False)
                    order.write(vals)
                due += contract._fs_interval()
            contract._fs_generate(today + timedelta(days=contract.horizon_days))
        self.generated_on = today

    def _fs_generate(self, until):
        """Creates the visits due up to `until` after the last one; running it twice creates
        nothing twice."""
        vals_list = []
        for contract in self.filtered("active"):
            dues = [d for d in contract.order_ids.mapped("due_date") if d]
            if dues:
                due = max(dues) + contract._fs_interval()
            else:
                due = contract._fs_next_due(contract._fs_anchor())
            while due <= until and (not contract.date_end or due <= contract.date_end):
                start, end = contract._fs_window(due)
                vals_list.append(
                    {
                        "summary": contract.summary or contract.name,
                        "partner_id": contract.partner_id.id,
                        "site_id": contract.site_id.id,
                        "type_id": contract.type_id.id,
                        "priority": contract.priority,
                        "origin": "contract",
                        "contract_id": contract.id,
                        "due_date": due,
                        "earliest_start": start,
                        "latest_end": end,
                        "company_id": contract.company_id.id,
                    }
                )
                due += contract._fs_interval()
        return self.env["crm.service.order"].create(vals_list)

    def action_generate(self):
        self._fs_follow_frequency()
        return True

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_service_order_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id, "default_origin": "contract"}
        return action

    @api.model
    def _cron_generate_orders(self):
        """Daily: every active contract not done today dates its open visits again and
        generates up to its horizon, 100 contracts a run; the cron is called again at once
        while some are left (progress), and a second run the same day finds none."""
        today = fields.Date.context_today(self)
        todo = self.search(
            ["|", ("generated_on", "=", False), ("generated_on", "<", today)], order="id"
        )
        todo[:100]._fs_follow_frequency()
        self.env["ir.cron"]._notify_progress(
            done=len(todo[:100]), remaining=max(len(todo) - 100, 0)
        )
