import logging
import time as systime
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmServicePlan(models.Model):
    """One run of the scheduler over a period. The dispatcher asks for it (Plan), a cron
    does it in the background (`_cron_run_plans`), the plan shows its progress and then its
    figures, and the visits it could not plan with their reasons."""

    _name = "crm.service.plan"
    _description = "Field Service Planning Run"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) + timedelta(days=6)
    )
    technician_ids = fields.Many2many(
        "hr.employee",
        string="Only These Technicians",
        check_company=True,
        domain="[('fs_is_technician', '=', True)]",
        help="Empty: every technician of the company.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        tracking=True,
        readonly=True,
    )
    progress = fields.Integer(compute="_compute_progress", help="Percent of the solve done.")
    order_count = fields.Integer(string="Visits to Plan", readonly=True)
    planned_count = fields.Integer(string="Planned", readonly=True)
    unplanned_count = fields.Integer(string="Not Planned", readonly=True)
    shift_count = fields.Integer(string="Technician-Days", readonly=True)
    travel_hours = fields.Float(readonly=True)
    lateness_hours = fields.Float(
        readonly=True, help="Hours visits end after their customer's preferred window, summed."
    )
    late_count = fields.Integer(
        string="Late Visits",
        readonly=True,
        help="Visits planned to end after their customer's preferred window.",
    )
    travel_source = fields.Selection(
        [("road", "Road network"), ("straight", "Straight lines")],
        string="Travel Times",
        readonly=True,
        help="Where the travel times came from: the company's road router, or straight lines "
        "(no router set, or the router could not be reached).",
    )
    solve_seconds = fields.Float(readonly=True)
    run_seconds = fields.Float(string="Total Seconds", readonly=True)
    message = fields.Text(readonly=True)
    order_ids = fields.One2many("crm.service.order", "plan_id", string="Visits", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    @api.depends("date_from", "date_to")
    def _compute_name(self):
        for plan in self:
            plan.name = self.env._(
                "Plan %(start)s - %(end)s", start=plan.date_from, end=plan.date_to
            )

    def _compute_progress(self):
        """Done plans are at 100 %; running ones at what their solve last reported (see
        `_fs_progress`), read from the database as it is now."""
        running = self.filtered(lambda p: p.state == "queued" and p.id)
        percent = {}
        if running:
            self.env.cr.execute(
                SQL(
                    "SELECT plan_id, percent FROM crm_service_plan_progress WHERE plan_id IN %s",
                    tuple(running.ids),
                )
            )
            percent = dict(self.env.cr.fetchall())
        for plan in self:
            plan.progress = 100 if plan.state == "done" else percent.get(plan.id, 0)

    def action_plan(self):
        """Queues the plan; a cron solves it in the background (never in this request)."""
        for plan in self:
            if plan.date_to < plan.date_from:
                raise UserError(self.env._("The period ends before it starts: fix its dates."))
            if (plan.date_to - plan.date_from).days > 31:
                raise UserError(self.env._("Plan at most a month at a time: shorten the period."))
        self.write({"state": "queued", "message": False})
        self.env.ref("crm_sfa_ext.ir_cron_field_service_plan")._trigger()
        return True

    def action_view_unplanned(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_service_order_action_unplanned"
        )
        action["domain"] = [("plan_id", "=", self.id), ("unplanned_reason", "!=", False)]
        action["context"] = {}
        return action

    def action_view_planned(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_service_order_action"
        )
        action["domain"] = [("plan_id", "=", self.id), ("unplanned_reason", "=", False)]
        action["context"] = {"search_default_groupby_technician": 1}
        return action

    @api.model
    def _cron_run_plans(self):
        """Runs the oldest queued plan; the cron is called again at once while others wait."""
        plans = self.search([("state", "=", "queued")], order="id")
        if plans:
            plans[0]._fs_run()
        self.env["ir.cron"]._notify_progress(done=len(plans[:1]), remaining=len(plans[1:]))

    def _fs_run(self):
        """Solves the plan. Steps and tables:
        1. `_fs_problem` (crm.service.planner) reads the open and fixed visits of the period
           (crm_service_order), the technicians, their skills, working hours, leaves and
           calendar events (hr_employee, hr_employee_skill, resource_*, calendar_event), the
           crews (crm_service_crew), and geolocates sites without coordinates (res_partner);
        2. `_fs_solve` plans them with VROOM (lib/routing), region by region or in one
           piece, reporting progress here;
        3. `_fs_write_plan` writes the visits' technicians, times, stops and reasons set-based
           (crm_service_order and its technicians' relation table), in batches."""
        self.ensure_one()
        started = systime.monotonic()
        self._fs_progress(0, 1)
        planner = self.env["crm.service.planner"].with_company(self.company_id)
        try:
            with self.env.cr.savepoint():
                problem = planner._fs_problem(self)
                self._fs_progress(5, 100)
                travel = planner._fs_travel(self.company_id)
                plan = planner._fs_solve(
                    self,
                    problem,
                    travel,
                    on_progress=lambda done, total: self._fs_progress(
                        5 + 90 * done // max(total, 1), 100
                    ),
                )
                planner._fs_homeless_reasons(problem, plan)
                self._fs_progress(95, 100)
                planner._fs_write_plan(self, problem, plan)
                problem.orders.filtered(lambda o: o.id not in problem.pinned).sudo().filtered(
                    "notified_window_start"
                )._fs_tell_customers_moved()
        except Exception as error:
            _logger.exception("Field-service plan %s failed", self.id)
            self._fs_progress(0, None)
            self.write({"state": "failed", "message": str(error)})
            return
        self._fs_progress(0, None)
        notes = self._fs_notes(problem, travel)
        self.write(
            {
                "state": "done",
                "order_count": len(problem.visits),
                "planned_count": len(plan.planned),
                "unplanned_count": len(plan.unplanned),
                "shift_count": len(problem.shifts),
                "travel_hours": plan.travel / 3600,
                "lateness_hours": plan.lateness / 3600,
                "late_count": plan.late_visits,
                "travel_source": "straight" if travel.fallback else "road",
                "solve_seconds": plan.seconds,
                "run_seconds": systime.monotonic() - started,
                "message": "\n".join(notes) or False,
            }
        )
        summary = self.env._(
            "%(planned)s of %(total)s visits planned on %(shifts)s technician-days; "
            "%(travel).1f hours of travel; %(late)s visits late against their customer's "
            "preferred window (%(lateness).1f hours); solved in %(seconds).1f s.",
            planned=len(plan.planned),
            total=len(problem.visits),
            shifts=len(problem.shifts),
            travel=plan.travel / 3600,
            late=plan.late_visits,
            lateness=plan.lateness / 3600,
            seconds=plan.seconds,
        )
        self.message_post(body=Markup("<br/>").join([summary, *notes]))
        self._fs_notify_done(summary)

    def _fs_notify_done(self, summary):
        """Tells the dispatcher who asked for the plan that it is done, on whatever screen
        they are (Odoo's bus), with the plan's figures."""
        if self.create_uid and not self.create_uid.share:
            self.create_uid._bus_send(
                "simple_notification",
                {
                    "type": "success",
                    "title": self.env._("%(plan)s is done", plan=self.name),
                    "message": summary,
                    "sticky": False,
                },
            )

    def _fs_notes(self, problem, travel):
        """What the dispatcher should know about how the plan was made."""
        notes = []
        if travel.fallback and travel.fallback != "unset":
            notes.append(
                self.env._(
                    "Travel times are straight lines: the road router %(url)s could not be "
                    "used (%(error)s). Check the router's address in the settings.",
                    url=self.company_id.fs_router_url,
                    error=travel.fallback,
                )
            )
        if problem.homeless:
            notes.append(
                self.env._(
                    "No home base, not planned: %(names)s. Set their home base on the "
                    "employee, or the company's coordinates.",
                    names=", ".join(problem.homeless.mapped("name")),
                )
            )
        return notes

    def _fs_progress(self, done, total):
        """Shows the dispatcher how far the solve is, at once: written and committed through
        a cursor of its own into crm_service_plan_progress, a table the plan's transaction
        never writes (it still holds the plan's row, which it writes when the plan is done;
        with REPEATABLE READ, writing that row from here too would make it fail).

        Only for a plan that other transactions see (queued by a dispatcher, committed): a
        plan created in the transaction that runs it (a test, a script) has nobody to show
        its progress to, and a row committed for it would outlive a rollback. ``total``
        None: the plan is over, its row goes (a done plan shows 100 % from its state)."""
        with self.env.registry.cursor() as cr:
            cr.execute(SQL("DELETE FROM crm_service_plan_progress WHERE plan_id = %s", self.id))
            if total is not None:
                cr.execute(
                    SQL(
                        """INSERT INTO crm_service_plan_progress (plan_id, percent)
                           SELECT id, %s FROM crm_service_plan WHERE id = %s""",
                        int(100 * done / max(total, 1)),
                        self.id,
                    )
                )

    def _fs_period(self):
        """(start, end) of the period as naive UTC datetimes: midnight to midnight in the
        company's time zone (the dispatcher's, when the company has none)."""
        self.ensure_one()
        tz = pytz.timezone(self.company_id.partner_id.tz or self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(self.date_from, time()))
        end = tz.localize(datetime.combine(self.date_to + timedelta(days=1), time()))
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            end.astimezone(pytz.utc).replace(tzinfo=None),
        )
