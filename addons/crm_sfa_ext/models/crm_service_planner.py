import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytz

from odoo import api, models
from odoo.addons.resource.models.utils import Intervals
from odoo.exceptions import UserError
from odoo.tools import SQL, config

from ..lib import road_travel, routing, routing_regions
from .crm_service_order import arrival_window

WRITE_BATCH = 1000
SOLVER_THREADS = 2  # VROOM's threads, or regions solved side by side: both cores of the
# benchmark machine
STEP_SHARE = 0.6  # of a cron worker's time limit, for the solve of one step
_logger = logging.getLogger(__name__)


@dataclass
class Problem:
    """What a plan solves, in the routing library's terms, with the way back to Odoo."""

    origin: object  # naive UTC datetime of second 0
    visits: list = field(default_factory=list)
    shifts: list = field(default_factory=list)
    members: dict = field(default_factory=dict)  # shift id -> hr.employee ids
    orders: object = None  # the crm.service.order records planned (open and pinned)
    pinned: set = field(default_factory=set)  # ids of the orders kept where they are
    homeless: object = None  # the technicians without a home base, left out


class CrmServicePlanner(models.AbstractModel):
    """Reads a period's visits and technicians into the routing library's plain data and
    writes its plan back. Override `_fs_travel` for another travel-time source."""

    _name = "crm.service.planner"
    _description = "Field Service Planner"

    @api.model
    def _fs_travel(self, company):
        """Travel seconds between points: by road from the company's router (OSRM or
        Valhalla) when it has one, else as the crow flies x the company's road factor, at its
        average speed (also when the router cannot be reached: the callable's `fallback`
        then says why). Return any callable of a list of (lat, lon) giving a matrix."""
        straight = routing.HaversineTravel(
            speed_kmh=company.fs_speed_kmh or 40.0, road_factor=company.fs_road_factor or 1.3
        )
        return road_travel.RoadTravel(company.fs_router, company.fs_router_url, straight)

    @api.model
    def _fs_split_days(self, plan):
        """Days solved at a time when the plan is not cut into regions: the whole period up
        to a week, a day at a time beyond (VROOM's time grows fast with technician-days)."""
        days = (plan.date_to - plan.date_from).days + 1
        return plan.company_id.fs_split_days or (None if days <= 7 else 1)

    @api.model
    def _fs_options(self, plan, on_progress=None, threads=SOLVER_THREADS):
        """The routing library's solver settings of the plan's company: VROOM's
        exploration level, its `threads` (both cores, or one when the regions are solved
        side by side, each chain in a process of its own), and the time a step may take."""
        return {
            "exploration_level": plan.company_id.fs_exploration_level or 1,
            "threads": threads,
            "on_progress": on_progress,
            "budget": self._fs_step_budget(threads),
        }

    @api.model
    def _fs_workers(self):
        """Regions solved side by side (each VROOM solve then on one thread)."""
        return SOLVER_THREADS

    @api.model
    def _fs_step_budget(self, threads=SOLVER_THREADS):
        """Seconds the solve of one step may take, or None. In prefork mode (`--workers`)
        the cron worker is killed after `limit_time_cpu` seconds of CPU (the `threads` of
        VROOM in the worker's own process all count; a chain of regions solved in a forked
        process does not) or `limit_time_real_cron` seconds (`limit_time_real` when 0); the
        solve gets STEP_SHARE of the smaller, the rest is for reading and writing the plan
        (0: no limit, -1: the cron's is limit_time_real's, as Odoo reads them)."""
        if not config["workers"]:
            return None
        limits = []
        if config["limit_time_cpu"] and config["limit_time_cpu"] > 0:
            limits.append(config["limit_time_cpu"] / max(1, threads))
        real = config["limit_time_real_cron"]
        if real == -1:
            real = config["limit_time_real"]
        if real and real > 0:
            limits.append(real)
        return STEP_SHARE * min(limits) if limits else None

    @api.model
    def _fs_region_count(self, plan, problem):
        """How many regions the plan is cut into (each solved over the whole period, one
        cron step each): about `fs_region_visits` visits a region; 1 when the company
        splits by days instead."""
        company = plan.company_id
        if company.fs_split_days:
            return 1
        return routing_regions.regions_for(len(problem.visits), company.fs_region_visits)

    @api.model
    def _fs_solve(self, plan, problem, travel, on_progress=None):
        """Solves the whole problem at once with the company's solver settings: cut into
        regions of about `fs_region_visits` visits (each region solved over the whole
        period), or in one piece (then a day at a time beyond a week); see the README's
        benchmark. The plan's cron solves large plans a region per step instead
        (crm.service.plan._fs_run_step)."""
        options = self._fs_options(plan, on_progress)
        regions = self._fs_region_count(plan, problem)
        if regions > 1:
            return routing_regions.solve_by_regions(
                problem.visits,
                problem.shifts,
                travel,
                regions=regions,
                workers=self._fs_workers(),
                **options,
            )
        return routing.solve(
            problem.visits,
            problem.shifts,
            travel,
            split_days=self._fs_split_days(plan),
            **options,
        )

    @api.model
    def _fs_problem(self, plan, geolocate=True):
        """The plan's problem read from the database; `geolocate` False: the sites without
        coordinates are not looked up again (the first step of a plan did it)."""
        start, end = plan._fs_period()
        problem = Problem(origin=start)
        Order = self.env["crm.service.order"]
        company = plan.company_id
        in_period = [
            ("company_id", "=", company.id),
            "|",
            ("earliest_start", "=", False),
            ("earliest_start", "<", end),
            "|",
            ("latest_end", "=", False),
            ("latest_end", ">", start),
        ]
        scope = []
        if plan.technician_ids:
            # a plan of some technicians moves only their visits and the unassigned ones
            others = self.env["hr.employee"].search(
                [("company_id", "=", company.id), ("id", "not in", plan.technician_ids.ids)]
            )
            scope = ["|", ("technician_ids", "=", False), ("technician_ids", "not in", others.ids)]
        open_orders = Order.search(
            [*in_period, ("state", "in", ("new", "planned")), ("pinned", "=", False), *scope]
        )
        fixed = Order.search(
            [
                ("company_id", "=", company.id),
                ("planned_start", "<", end),
                ("planned_end", ">", start),
                ("technician_ids", "!=", False),
                "|",
                ("state", "in", ("dispatched", "in_progress")),
                "&",
                ("state", "in", ("new", "planned")),
                ("pinned", "=", True),
            ]
        )
        if geolocate:
            self._fs_geolocate(open_orders | fixed)

        technicians = plan.technician_ids or self.env["hr.employee"].search(
            [("fs_is_technician", "=", True), ("company_id", "=", company.id)]
        )
        technicians = technicians.sudo()  # home bases and working hours: the planner's data
        bases = self._fs_home_bases(technicians, company)
        problem.homeless = technicians.filtered(lambda t: t.id not in bases)
        available = self._fs_availability(technicians, start, end)
        units = self._fs_units(technicians, company, available)

        # a fixed visit whose technicians form one unit working that day stays a pinned job
        # (its travel counts); any other is time its technicians are busy
        busy = defaultdict(list)
        pinned_on = {}
        unit_of_members = {tuple(sorted(members)): key for key, members in units.items()}
        for order in fixed:
            key = unit_of_members.get(tuple(sorted(order.technician_ids.ids)))
            day = self._fs_day(order.planned_start, order.technician_ids.sudo()[:1])
            if key and (key, day) in available["unit_days"]:
                pinned_on[order.id] = (key, day)
            else:
                for employee in order.technician_ids:
                    busy[employee.id].append((order.planned_start, order.planned_end))
        for employee_id, intervals in self._fs_appointments(technicians, start, end).items():
            busy[employee_id].extend(intervals)

        skills = self._fs_skills(technicians)
        shift_of = {}
        unit_days = sorted(available["unit_days"].items(), key=lambda item: item[0])
        for (key, day), intervals in unit_days:
            members = units[key]
            free = intervals - Intervals(
                [
                    (pytz.utc.localize(s), pytz.utc.localize(e), self._fs_no_meta())
                    for m in members
                    for s, e in busy.get(m, ())
                ]
            )
            spans = [(self._fs_seconds(s, start), self._fs_seconds(e, start)) for s, e, _m in free]
            spans = [(s, e) for s, e in spans if e > s]
            if not spans:
                continue
            if members[0] not in bases:
                continue
            shift = routing.Shift(
                len(problem.shifts) + 1,
                key,
                *bases[members[0]],
                spans[0][0],
                spans[-1][1],
                breaks=tuple((a[1], b[0]) for a, b in zip(spans, spans[1:], strict=False)),
                skills=frozenset().union(*(skills.get(m, frozenset()) for m in members)),
                crew_size=len(members),
                day=day,
            )
            problem.shifts.append(shift)
            problem.members[shift.id] = list(members)
            shift_of[(key, day)] = shift.id

        for order in open_orders:
            problem.visits.append(self._fs_visit(order, start, end))
        for order in fixed.filtered(lambda o: o.id in pinned_on):
            shift_id = shift_of.get(pinned_on[order.id])
            if shift_id:
                problem.visits.append(
                    self._fs_visit(
                        order,
                        start,
                        end,
                        pinned_shift=shift_id,
                        pinned_start=self._fs_seconds(order.planned_start, start),
                    )
                )
                problem.pinned.add(order.id)
        problem.orders = open_orders | fixed.filtered(lambda o: o.id in problem.pinned)
        return problem

    @api.model
    def _fs_home_bases(self, technicians, company):
        """{employee id: (lat, lon)} where each technician's day starts and ends: their home
        base, else the company's address when it is located; a technician with neither is
        left out (the plan names them)."""
        office = company.partner_id
        office = (
            (office.partner_latitude, office.partner_longitude) if office._fs_located() else None
        )
        bases = {}
        for employee in technicians:
            if employee.fs_home_latitude or employee.fs_home_longitude:
                bases[employee.id] = (employee.fs_home_latitude, employee.fs_home_longitude)
            elif office:
                bases[employee.id] = office
        return bases

    @api.model
    def _fs_homeless_reasons(self, problem, result):
        """Visits left out because the only technicians who could do them have no home base
        get that reason rather than "no skill"."""
        if not problem.homeless:
            return
        skills = self._fs_skills(problem.homeless)
        visits = {v.id: v for v in problem.visits}
        for visit_id, reason in result.unplanned.items():
            if reason in ("no_skill", "crew_too_large", "too_long") and any(
                visits[visit_id].skills <= skills.get(t.id, frozenset()) for t in problem.homeless
            ):
                result.unplanned[visit_id] = "no_home_base"

    @api.model
    def _fs_visit(self, order, start, end, **pin):
        lo = max(order.earliest_start or start, start)
        hi = min(order.latest_end or end, end)
        windows = ((self._fs_seconds(lo, start), self._fs_seconds(hi, start)),)
        preferred = ()
        if order.preferred_start and order.preferred_end:
            preferred = (
                (
                    self._fs_seconds(max(order.preferred_start, lo), start),
                    self._fs_seconds(min(order.preferred_end, hi), start),
                ),
            )
        located = order._fs_located()
        return routing.Visit(
            order.id,
            order.latitude if located else None,
            order.longitude if located else None,
            int(round(order.duration * 3600)),
            windows=windows,
            preferred=preferred,
            skills=frozenset(order.skill_ids.ids),
            crew_size=order.crew_size,
            priority=int(order.priority or 0),
            **pin,
        )

    @api.model
    def _fs_geolocate(self, orders):
        """Asks base_geolocalize for the sites without coordinates (it does nothing while
        tests run); what stays without coordinates is reported as unplannable."""
        missing = orders.filtered(lambda o: not o._fs_located())
        for site in missing.site_id.filtered(lambda p: not p._fs_located()):
            try:
                with self.env.cr.savepoint():
                    site.geo_localize()
            except UserError as error:  # the geocoding service failed or is unreachable
                _logger.info("No coordinates for %s: %s", site.display_name, error)
        if missing:
            missing._compute_coordinates()

    @api.model
    def _fs_seconds(self, moment, origin):
        if moment.tzinfo:
            moment = moment.astimezone(pytz.utc).replace(tzinfo=None)
        return int((moment - origin).total_seconds())

    @api.model
    def _fs_day(self, moment, employee):
        tz = pytz.timezone(employee.tz or "UTC") if employee else pytz.utc
        return pytz.utc.localize(moment).astimezone(tz).date()

    @api.model
    def _fs_availability(self, technicians, start, end):
        """{"tech_days": {(employee id, day): Intervals}} of working time less leaves, read
        one calendar at a time for all its technicians (resource's batch methods)."""
        start_utc, end_utc = pytz.utc.localize(start), pytz.utc.localize(end)
        tech_days = defaultdict(Intervals)
        no_meta = self._fs_no_meta()
        by_calendar = defaultdict(lambda: self.env["hr.employee"])
        for employee in technicians:
            calendar = employee.resource_calendar_id or employee.company_id.resource_calendar_id
            by_calendar[calendar] |= employee
        for calendar, employees in by_calendar.items():
            work = calendar._work_intervals_batch(
                start_utc, end_utc, resources=employees.resource_id
            )
            for employee in employees:
                tz = pytz.timezone(employee.tz or calendar.tz or "UTC")
                for s, e, _meta in work[employee.resource_id.id]:
                    day = s.astimezone(tz).date()
                    tech_days[(employee.id, day)] |= Intervals(
                        [(s.astimezone(pytz.utc), e.astimezone(pytz.utc), no_meta)]
                    )
        return {"tech_days": tech_days}

    @api.model
    def _fs_no_meta(self):
        """Odoo's Intervals carry a recordset with each interval; ours carry an empty one."""
        return self.env["resource.calendar.attendance"]

    @api.model
    def _fs_units(self, technicians, company, available):
        """{unit key: member ids}: crews (all of whose members are technicians planned here)
        and single technicians. A crew works as one unit on the days all its members work
        (when their hours overlap); its members work alone on the other days. Fills
        available["unit_days"] {(unit key, day): Intervals}."""
        crews = (
            self.env["crm.service.crew"]
            .sudo()
            .search([("company_id", "=", company.id), ("member_ids", "in", technicians.ids)])
        )
        units, unit_days, in_crew_day = {}, {}, set()
        tech_days = available["tech_days"]
        days = sorted({day for _e, day in tech_days})
        for crew in crews:
            members = tuple(sorted(crew.member_ids.ids))
            if not set(members) <= set(technicians.ids):
                continue
            key = f"crew-{crew.id}"
            units[key] = members
            for day in days:
                if not all((m, day) in tech_days for m in members):
                    continue
                together = tech_days[(members[0], day)]
                for m in members[1:]:
                    together = together & tech_days[(m, day)]
                if together:
                    unit_days[(key, day)] = together
                    in_crew_day.update((m, day) for m in members)
        for employee in technicians:
            key = f"tech-{employee.id}"
            units[key] = (employee.id,)
            for day in days:
                if (employee.id, day) in tech_days and (employee.id, day) not in in_crew_day:
                    unit_days[(key, day)] = tech_days[(employee.id, day)]
        available["unit_days"] = unit_days
        return units

    @api.model
    def _fs_appointments(self, technicians, start, end):
        """{employee id: [(start, end)]} of their calendar events in the period (one read).
        An all-day event takes every day it spans, midnight to midnight in the employee's
        time zone (Odoo keeps only its days)."""
        partner_of = {}
        for employee in technicians:
            for partner in employee.work_contact_id | employee.user_id.partner_id:
                partner_of.setdefault(partner.id, set()).add(employee.id)
        if not partner_of:
            return {}
        events = (
            self.env["calendar.event"]
            .sudo()
            .search_read(
                [
                    # an all-day event's start and stop are its days' 8:00 and 18:00: a day
                    # more on each side finds those of any time zone
                    ("start", "<", end + timedelta(days=1)),
                    ("stop", ">", start - timedelta(days=1)),
                    ("partner_ids", "in", list(partner_of)),
                    ("show_as", "=", "busy"),
                ],
                ["start", "stop", "start_date", "stop_date", "partner_ids", "allday"],
            )
        )
        zone = {e.id: pytz.timezone(e.tz or "UTC") for e in technicians}
        result = defaultdict(list)
        for event in events:
            for employee_id in {i for p in event["partner_ids"] for i in partner_of.get(p, ())}:
                s, e = event["start"], event["stop"]
                if event["allday"]:
                    s = self._fs_local_midnight(event["start_date"], zone[employee_id])
                    e = self._fs_local_midnight(
                        event["stop_date"] + timedelta(days=1), zone[employee_id]
                    )
                if s < end and e > start:
                    result[employee_id].append((s, e))
        return result

    @api.model
    def _fs_local_midnight(self, day, tz):
        """Naive UTC datetime of the start of `day` in time zone `tz`."""
        moment = tz.localize(datetime.combine(day, time()))
        return moment.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _fs_skills(self, technicians):
        return {
            employee.id: frozenset(skill_ids)
            for employee, skill_ids in self.env["hr.employee.skill"]
            .sudo()
            ._read_group(
                [("employee_id", "in", technicians.ids)], ["employee_id"], ["skill_id:array_agg"]
            )
        }

    @api.model
    def _fs_write_plan(self, plan, problem, result):
        """Writes the plan set-based, WRITE_BATCH visits a statement: planned visits get their
        technicians, times (arrival, the customer's arrival window by the rule of
        crm_service_order.arrival_window, service start and end), stop and travel; the
        others go back to be planned with their reason. Pinned visits keep their time and
        technicians (their stop is updated)."""
        Order = self.env["crm.service.order"]
        Order.flush_model()
        origin = problem.origin
        width = plan.company_id.fs_arrival_window_minutes
        rows = []
        for p in result.planned:
            pinned = p.visit_id in problem.pinned
            arrival = origin + timedelta(seconds=p.arrival)
            window = (None, None) if pinned else arrival_window(arrival, width)
            rows.append(
                (
                    p.visit_id,
                    None if pinned else "planned",
                    *window,
                    None if pinned else arrival,
                    None if pinned else origin + timedelta(seconds=p.start),
                    None if pinned else origin + timedelta(seconds=p.end),
                    p.sequence,
                    round(p.travel / 60),
                    None,
                )
            )
        for visit_id, reason in result.unplanned.items():
            rows.append((visit_id, "new", None, None, None, None, None, None, None, reason))
        for first in range(0, len(rows), WRITE_BATCH):
            batch = rows[first : first + WRITE_BATCH]
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE crm_service_order o
                       SET state = COALESCE(v.state, o.state),
                           arrival_window_start = CASE WHEN v.reason IS NOT NULL THEN NULL
                                                       ELSE COALESCE(v.ws, o.arrival_window_start)
                                                   END,
                           arrival_window_end = CASE WHEN v.reason IS NOT NULL THEN NULL
                                                     ELSE COALESCE(v.we, o.arrival_window_end) END,
                           planned_arrival = CASE WHEN v.reason IS NOT NULL THEN NULL
                                                  ELSE COALESCE(v.pa, o.planned_arrival) END,
                           planned_start = CASE WHEN v.reason IS NOT NULL THEN NULL
                                                ELSE COALESCE(v.ps, o.planned_start) END,
                           planned_end = CASE WHEN v.reason IS NOT NULL THEN NULL
                                              ELSE COALESCE(v.pe, o.planned_end) END,
                           route_sequence = v.seq,
                           travel_minutes = v.travel,
                           unplanned_reason = v.reason,
                           plan_id = %(plan)s,
                           write_uid = %(uid)s,
                           write_date = now() AT TIME ZONE 'UTC'
                      FROM (VALUES %(values)s)
                           AS v(id, state, ws, we, pa, ps, pe, seq, travel, reason)
                     WHERE o.id = v.id
                    """,
                    plan=plan.id,
                    uid=self.env.uid,
                    values=SQL(", ").join(
                        SQL(
                            "(%s, %s::varchar, %s::timestamp, %s::timestamp, %s::timestamp,"
                            " %s::timestamp, %s::timestamp, %s::int, %s::int, %s::varchar)",
                            *row,
                        )
                        for row in batch
                    ),
                )
            )
        technicians = Order._fields["technician_ids"]
        table = SQL.identifier(technicians.relation)
        col_order, col_employee = (
            SQL.identifier(technicians.column1),
            SQL.identifier(technicians.column2),
        )
        moved = [p for p in result.planned if p.visit_id not in problem.pinned]
        cleared = [p.visit_id for p in moved] + list(result.unplanned)
        pairs = [(p.visit_id, m) for p in moved for m in problem.members[p.shift_id]]
        for first in range(0, max(len(cleared), 1), WRITE_BATCH):
            ids = cleared[first : first + WRITE_BATCH]
            if ids:
                self.env.cr.execute(
                    SQL("DELETE FROM %s WHERE %s = ANY(%s)", table, col_order, ids)
                )
        for first in range(0, len(pairs), WRITE_BATCH):
            batch = pairs[first : first + WRITE_BATCH]
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) SELECT unnest(%s::int[]), unnest(%s::int[])",
                    table,
                    col_order,
                    col_employee,
                    [o for o, _m in batch],
                    [m for _o, m in batch],
                )
            )
        Order.invalidate_model()
        # what depends on the technicians (the cost) is computed again for the visits moved,
        # the customers' arrival windows for every visit written
        Order.browse(cleared).modified(["technician_ids"])
