import logging
import time as systime
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import route_insertion, routing, routing_regions
from .crm_service_planner import SOLVER_THREADS

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

    name = fields.Char(
        help="A name of your own. Left empty, the plan is named after its dates, in the "
        "language of whoever reads it.",
    )
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
    step_state = fields.Json(
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="Where a plan solved in steps (a region per cron call) stands between them.",
    )
    order_ids = fields.One2many("crm.service.order", "plan_id", string="Visits", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    @api.depends("name", "date_from", "date_to")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = plan.name or self.env._(
                "Plan %(start)s - %(end)s",
                start=plan.company_id._crm_format_date(plan.date_from),
                end=plan.company_id._crm_format_date(plan.date_to),
            )

    def _compute_progress(self):
        """Done plans are at 100 %; running ones at what their solve last reported (see
        `_fs_progress`), read from the database as it is now, else at the share of their
        steps done."""
        running = self.filtered(lambda p: p.state in ("queued", "running") and p.id)
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
            steps = plan.sudo().step_state or {}
            done = 5 + 90 * steps.get("part", 0) // (steps.get("parts") or 1) if steps else 0
            plan.progress = 100 if plan.state == "done" else percent.get(plan.id, done)

    def action_plan(self):
        """Queues the plan; a cron solves it in the background (never in this request)."""
        for plan in self:
            if plan.date_to < plan.date_from:
                raise UserError(self.env._("The period ends before it starts: fix its dates."))
            if (plan.date_to - plan.date_from).days > 31:
                raise UserError(self.env._("Plan at most a month at a time: shorten the period."))
            if plan.state == "running":
                raise UserError(
                    self.env._(
                        "%(plan)s is being solved: wait until it is done, then plan it again.",
                        plan=plan.display_name,
                    )
                )
        self.sudo().step_state = False
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
        """Runs one step of a plan: a plan being solved in steps goes on first, else the
        oldest queued plan starts. While steps or plans are left, the cron is triggered
        again rather than reporting them as remaining: Odoo would then run the next step in
        the same call of the cron worker, under the same CPU and time limits
        (`limit_time_cpu`, `limit_time_real_cron`), which each step must stay within."""
        plans = self.search([("state", "in", ("queued", "running"))], order="id")
        plan = plans.filtered(lambda p: p.state == "running")[:1] or plans[:1]
        if plan:
            plan._fs_run_step()
        if plan and (plan.state == "running" or len(plans) > 1):
            self.env.ref("crm_sfa_ext.ir_cron_field_service_plan")._trigger()
        self.env["ir.cron"]._notify_progress(done=len(plan), remaining=0)

    def _fs_run_step(self):
        """Solves the plan, or its next step. Steps and tables:
        1. `_fs_problem` (crm.service.planner) reads the open and fixed visits of the period
           (crm_service_order), the technicians, their skills, working hours, leaves and
           calendar events (hr_employee, hr_employee_skill, resource_*, calendar_event), the
           crews (crm_service_crew), and geolocates sites without coordinates (res_partner);
        2. a plan of up to `fs_region_visits` visits is solved in one piece with VROOM
           (lib/routing, `_fs_solve`); a larger one is cut into regions
           (`routing_regions.split_regions`) solved in two chains side by side, and each call of
           the cron solves the next region of each chain over the whole period
           (`_fs_solve_region`), the visits a region had no room for carried to the next
           region of its chain in `step_state` (with the chains, the step's number, the
           visits already handled and the figures so far), committed between steps;
        3. `_fs_write_plan` writes the visits' technicians, times, stops and reasons
           set-based (crm_service_order and its technicians' relation table), in batches,
           after each step; the last step writes the plan's figures (crm_service_plan).
        Progress goes to crm_service_plan_progress (and the dispatchers' bus) as it runs."""
        self.ensure_one()
        started = systime.monotonic()
        sudo = self.sudo()
        state = dict(sudo.step_state or {})
        if not state:
            self._fs_progress(0, 1)
        planner = self.env["crm.service.planner"].with_company(self.company_id)
        try:
            with self.env.cr.savepoint():
                problem = planner._fs_problem(self, geolocate=not state)
                travel = planner._fs_travel(self.company_id)
                regions = state.get("regions") or planner._fs_region_count(self, problem)
                split = planner._fs_split_days(self)
                if regions > 1:
                    part, state = self._fs_solve_region(planner, problem, travel, regions, state)
                elif split:
                    part, state = self._fs_solve_days(planner, problem, travel, split, state)
                else:
                    self._fs_progress(5, 100)
                    part = planner._fs_solve(
                        self,
                        problem,
                        travel,
                        on_progress=lambda done, total: self._fs_progress(
                            5 + 90 * done // max(total, 1), 100
                        ),
                    )
                    state = {"regions": 1, "parts": 1, "part": 1}
                planner._fs_homeless_reasons(problem, part)
                planner._fs_write_plan(self, problem, part)
                step_ids = {p.visit_id for p in part.planned} | set(part.unplanned)
                problem.orders.filtered(
                    lambda o: o.id in step_ids and o.id not in problem.pinned
                ).sudo().filtered("notified_window_start")._fs_tell_customers_moved()
        except Exception as error:
            _logger.exception("Field-service plan %s failed", self.id)
            self._fs_progress(0, None)
            sudo.step_state = False
            self.write({"state": "failed", "message": str(error)})
            self._fs_notify_changed()
            return
        totals = self._fs_add_step(state, problem, part, travel, started)
        if state["part"] < state["parts"]:
            sudo.step_state = totals
            self.write({"state": "running"})
            self._fs_notify_changed()
            return
        self._fs_finish(totals, problem, travel)

    def _fs_solve_region(self, planner, problem, travel, regions, state):
        """Solves the plan's next regions: the regions are solved in chains
        (`routing_regions.region_chains`, two chains side by side on the two cores), each step
        solves the next region of each chain at once, a region's overflow carried to the
        next region of its chain. Returns (the step's part of the plan, the step state for
        after it). The first step also gives their reason to the visits no region can take;
        when a chain ends, the visits it still carries are inserted where the routes just
        solved have room (`route_insertion.insert_leftovers`), the others get "no capacity"."""
        cut = routing_regions.split_regions(problem.visits, problem.shifts, regions)
        chains = state.get("chains") or routing_regions.region_chains(
            cut, problem.shifts, planner._fs_workers()
        )
        number = state.get("part", 0)
        handled = set(state.get("handled", ()))
        by_id = {v.id: v for v in problem.visits}
        cut.visits = [[v for v in visits if v.id not in handled] for visits in cut.visits]
        carries = state.get("carries") or [[] for _chain in chains]
        steps = max(len(chain) for chain in chains)
        active = [n for n, chain in enumerate(chains) if number < len(chain)]

        def progress(done, total):
            self._fs_progress(5 + 90 * (number * total + done) // (steps * total or 1), 100)

        progress(0, 1)
        # one core for each chain's region (the second chain's in a forked process)
        options = planner._fs_options(
            self, progress, threads=1 if len(active) > 1 else SOLVER_THREADS
        )

        def task(n, report):
            carry = [by_id[i] for i in carries[n] if i in by_id and i not in handled]
            return routing_regions.solve_region(
                cut,
                chains[n][number],
                problem.shifts,
                carry,
                travel,
                **dict(options, on_progress=options["on_progress"] if report else None),
            )

        results = routing_regions.in_parallel(
            [lambda n=n, first=k == 0: task(n, first) for k, n in enumerate(active)]
        )
        part = routing.Plan()
        ended = []
        carries = [list(c) for c in carries]
        for n, (region_part, carry) in zip(active, results, strict=True):
            routing_regions.merge_plan(part, region_part)
            carries[n] = [v.id for v in carry]
            if number + 1 == len(chains[n]):
                ended += carry
                carries[n] = []
        if number == 0:
            part.unplanned.update(routing.precheck(cut.orphans, problem.shifts))
        # the routes of the steps before (kept in the step state) take leftovers too
        earlier = {
            int(shift_id): [(by_id[i], tuple(map(tuple, windows))) for i, windows in route]
            for shift_id, route in (state.get("routes") or {}).items()
            if all(i in by_id for i, _windows in route)
        }
        part.routes = {**earlier, **part.routes}
        route_insertion.insert_leftovers(part, ended, problem.shifts, travel)
        part.seconds = max((r.seconds for r, _c in results), default=0.0)
        state = dict(
            state,
            regions=cut.count,
            chains=chains,
            parts=steps,
            part=number + 1,
            carries=carries,
            handled=sorted(handled | {p.visit_id for p in part.planned} | set(part.unplanned)),
            routes={
                str(shift_id): [[v.id, [list(w) for w in windows]] for v, windows in route]
                for shift_id, route in part.routes.items()
            },
            # visits of earlier steps timed again around an inserted one (counted once)
            retimed=sum(p.visit_id in handled for p in part.planned),
        )
        return part, state

    def _fs_solve_days(self, planner, problem, travel, split, state):
        """Solves the plan's next chunk of `split` days (the visits it leaves go on to the
        next chunks, those of the last end unplanned); returns (its part of the plan, the
        step state for after it)."""
        number = state.get("part", 0)
        handled = set(state.get("handled", ()))
        progress = lambda done, total: self._fs_progress(5 + 90 * done // (total or 1), 100)  # noqa: E731
        part = routing.solve(
            [v for v in problem.visits if v.id not in handled],
            problem.shifts,
            travel,
            split_days=split,
            chunk=number,
            **planner._fs_options(self, progress),
        )
        state = dict(
            state,
            regions=1,
            parts=part.chunks,
            part=number + 1,
            handled=sorted(handled | {p.visit_id for p in part.planned} | set(part.unplanned)),
        )
        return part, state

    def _fs_add_step(self, state, problem, part, travel, started):
        """The step state with this step's figures added to those of the steps before."""
        totals = dict(state)
        for key, value in (
            ("planned", len(part.planned) - state.get("retimed", 0)),
            ("unplanned", len(part.unplanned)),
            ("travel", part.travel),
            ("lateness", part.lateness),
            ("late", part.late_visits),
            ("solve_seconds", part.seconds),
            ("run_seconds", systime.monotonic() - started),
        ):
            totals[key] = totals.get(key, 0) + value
        totals["orders"] = max(totals.get("orders", 0), len(problem.visits))
        totals["shifts"] = max(totals.get("shifts", 0), len(problem.shifts))
        totals["steps"] = totals.get("steps", 0) + 1
        totals["fallback"] = totals.get("fallback") or travel.fallback or False
        return totals

    def _fs_finish(self, totals, problem, travel):
        """Writes the plan's figures, posts them and tells the dispatchers."""
        self._fs_progress(0, None)
        self.sudo().step_state = False
        notes = self._fs_notes(problem, travel)
        if totals["steps"] > 1:
            notes.append(
                self.env._(
                    "Solved in %(steps)s steps (a region of technicians or a few days each).",
                    steps=totals["steps"],
                )
            )
        self.write(
            {
                "state": "done",
                "order_count": totals["orders"],
                "planned_count": totals["planned"],
                "unplanned_count": totals["unplanned"],
                "shift_count": totals["shifts"],
                "travel_hours": totals["travel"] / 3600,
                "lateness_hours": totals["lateness"] / 3600,
                "late_count": totals["late"],
                "travel_source": "straight" if totals["fallback"] else "road",
                "solve_seconds": totals["solve_seconds"],
                "run_seconds": totals["run_seconds"],
                "message": "\n".join(notes) or False,
            }
        )
        summary = self.env._(
            "%(planned)s of %(total)s visits planned on %(shifts)s technician-days; "
            "%(travel).1f hours of travel; %(late)s visits late against their customer's "
            "preferred window (%(lateness).1f hours); solved in %(seconds).1f s.",
            planned=totals["planned"],
            total=totals["orders"],
            shifts=totals["shifts"],
            travel=totals["travel"] / 3600,
            late=totals["late"],
            lateness=totals["lateness"] / 3600,
            seconds=totals["solve_seconds"],
        )
        self.message_post(body=Markup("<br/>").join([summary, *notes]))
        self._fs_notify_done(summary)
        self._fs_notify_changed()

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

    def _fs_notify_changed(self, percent=None, cr=None):
        """Tells the dispatchers' screens that the plan moved on (a step done, progress, the
        end): its form reloads itself (static/src/plan). Only the plan's id, state and
        progress are sent, to the dispatchers' group channel; each screen reads the plan
        again with its own rights. `cr`: send through that cursor (progress is committed
        apart from the plan's transaction)."""
        env = self.env(cr=cr) if cr else self.env
        group = env.ref("crm_sfa_ext.group_fs_dispatcher")
        env["bus.bus"]._sendone(
            group,
            "crm_sfa_ext.plan_changed",
            {"id": self.id, "state": self.state, "progress": percent},
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
                percent = int(100 * done / max(total, 1))
                cr.execute(
                    SQL(
                        """INSERT INTO crm_service_plan_progress (plan_id, percent)
                           SELECT id, %s FROM crm_service_plan WHERE id = %s""",
                        percent,
                        self.id,
                    )
                )
                if cr.rowcount:
                    self._fs_notify_changed(percent, cr=cr)

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
