"""The dispatcher's board: moving a visit by hand (a drag on the timeline, a drop of an
unplanned visit on a technician's lane) with the checks a dispatcher needs, re-planning the
rest around the pinned visits, and the labels of the map of the day."""

from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.addons.resource.models.utils import Intervals
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime, format_time

DISPATCHER = "crm_sfa_ext.group_fs_dispatcher"
# states a dispatcher may still move; the others happened or are under way
MOVABLE = ("new", "planned", "dispatched")
# what a move reads of the technicians (their lane, hours, leaves, appointments and home
# base for the checks; their flag and hourly cost for the write), fetched at once
BOARD_EMPLOYEE_FIELDS = [
    "name",
    "active",
    "fs_hourly_cost",
    "fs_is_technician",
    "company_id",
    "resource_id",
    "resource_calendar_id",
    "user_id",
    "work_contact_id",
    "fs_home_latitude",
    "fs_home_longitude",
]


class CrmServiceOrder(models.Model):
    # explicit _name: crm_service_order.py extends nothing, this file adds the board's half
    _name = "crm.service.order"
    _inherit = "crm.service.order"

    # internal: computed from the route and the technicians, which a portal customer
    # may not read (a plain read of their own visit must not trip on them)
    board_label = fields.Char(
        compute="_compute_board_label",
        groups="base.group_user",
        help="Stop number, arrival time and customer: the marker's title on the map.",
    )
    board_address = fields.Char(compute="_compute_board_label", groups="base.group_user")

    @api.depends_context("tz")
    @api.depends("route_sequence", "planned_arrival", "planned_start", "site_id", "technician_ids")
    def _compute_board_label(self):
        for order in self:
            parts = []
            if order.route_sequence:
                parts.append(f"{order.route_sequence}.")
            arrival = order.planned_arrival or order.planned_start
            if arrival:
                parts.append(format_time(self.env, arrival, time_format="short"))
            parts.append(order.site_id.display_name or order.partner_id.display_name or "")
            # names only; hr refuses a non-HR user the employees' other fields
            technicians = order.sudo().technician_ids
            if technicians:
                parts.append(f"({', '.join(technicians.mapped('name'))})")
            order.board_label = " ".join(p for p in parts if p)
            order.board_address = order.site_id._display_address(without_company=True).replace(
                "\n", ", "
            )

    def action_board_move(self, arrival=None, technician_ids=None, confirm=False):
        """Moves the visit to `arrival` (UTC) with `technician_ids`, as a drag on the board.

        A bar on the board runs from the technicians' arrival to the visit's end, its travel
        before it: dropped at a time, they arrive then and the service starts on arrival
        (the planner's wait for a window that opens later is the planner's; a dispatcher
        who drops a visit before its window is warned instead). The end follows from the
        visit's duration; the travel before it is measured from the previous stop.

        Refuses (UserError with the reason) what cannot be: a visit done, started or
        cancelled, no technician, someone who is no field technician, on leave or at an
        appointment then, or at another visit then. Returns {"warning": text} without moving
        for what a dispatcher may accept (missing skills, outside working hours or the
        visit's window, too little time to travel there, too small a crew): called again with
        confirm=True it moves. A moved visit is planned and pinned (the planner keeps it).
        Returns {"moved": True, "warning": text or False}."""
        self.ensure_one()
        if not self.env.user.has_group(DISPATCHER):
            raise AccessError(
                self.env._("Only dispatchers move visits on the board: ask a dispatcher.")
            )
        self.check_access("write")
        start = fields.Datetime.to_datetime(arrival)
        if not start:
            raise UserError(self.env._("Give the visit an arrival time to move it."))
        start = start.replace(second=0, microsecond=0)
        technicians = self._board_technicians(technician_ids)
        end = start + timedelta(hours=self.duration)
        hard, soft, travel = self._board_check(start, end, technicians)
        if hard:
            raise UserError("\n".join(hard))
        warning = "\n".join(soft) or False
        if warning and not confirm:
            return {"warning": warning}
        vals = {
            "planned_start": start,
            "planned_end": end,
            "technician_ids": [Command.set(technicians.ids)],
            "planned_arrival": start,
            "pinned": True,
            "unplanned_reason": False,
            "travel_minutes": travel,
        }
        if self.state == "new":
            vals["state"] = "planned"
        self.write(vals)
        if warning:
            self.message_post(
                body=self.env._("Moved on the board despite: %(warning)s", warning=warning)
            )
        return {"moved": True, "warning": warning}

    @api.model
    def action_board_replan(self, date_from=None, date_to=None):
        """Re-plans the period around the pinned visits: a planning run over it, queued as
        the Plan button does; opens it to follow its progress."""
        if not self.env.user.has_group(DISPATCHER):
            raise AccessError(self.env._("Only dispatchers plan visits."))
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if not date_from or not date_to:
            raise UserError(self.env._("Give the first and last day to plan again."))
        plan = self.env["crm.service.plan"].create({"date_from": date_from, "date_to": date_to})
        plan.action_plan()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.service.plan",
            "res_id": plan.id,
            "views": [[False, "form"]],
            "target": "current",
        }

    @api.model
    def board_lanes(self, limit=500):
        """The board's lanes: every field technician of the user's companies, with their
        crew's name."""
        if not self.env.user.has_group(DISPATCHER):
            raise AccessError(self.env._("Only dispatchers see the board."))
        # names and crews only, as the system: fs_is_technician is no public employee field
        technicians = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [("fs_is_technician", "=", True), ("company_id", "in", self.env.companies.ids)],
                order="name",
                limit=int(limit) if isinstance(limit, int) else 500,
            )
        )
        crews = (
            self.env["crm.service.crew"]
            .sudo()
            .search(
                [
                    ("member_ids", "in", technicians.ids),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )
        )
        crew_of = {m.id: crew.name for crew in crews for m in crew.member_ids}
        return [
            {"id": t.id, "name": t.name, "crew": crew_of.get(t.id, False)} for t in technicians
        ]

    @api.model
    def board_unplanned(self, limit=80):
        """The visits to plan, for the list beside the timeline: most urgent first."""
        if not self.env.user.has_group(DISPATCHER):
            raise AccessError(self.env._("Only dispatchers see the board."))
        return self.search_read(
            [("state", "=", "new")],
            ["display_name", "summary", "partner_id", "duration", "priority", "unplanned_reason"],
            order="priority desc, latest_end, id",
            limit=limit if isinstance(limit, int) else 80,
        )

    def _board_technicians(self, technician_ids):
        """The employees of `technician_ids` that exist, in the order given (the first one
        leads: the travel is measured from their previous stop). What the move reads of
        them and of the visit's technicians now (the lanes it leaves) comes in one query,
        as the system: hr.employee is wide, a dispatcher without HR rights may read only
        its public fields, and every read of the visit's technicians checks their
        `active` flag."""
        if isinstance(technician_ids, int):
            technician_ids = [technician_ids]
        ids = [i for i in technician_ids or [] if type(i) is int]
        current = self.sudo().with_context(active_test=False).technician_ids
        found = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([("id", "in", ids + current.ids)], BOARD_EMPLOYEE_FIELDS)
        )
        return self.env["hr.employee"].browse([i for i in dict.fromkeys(ids) if i in found._ids])

    def _board_check(self, start, end, technicians):
        """(hard reasons, soft reasons, travel minutes) of putting the visit at start-end
        with these technicians. Reads the technicians' hours, leaves and appointments as the
        planner does (crm.service.planner), as the system: they are the planner's data."""
        self.ensure_one()
        hard, soft = [], []
        stages = dict(self._fields["state"]._description_selection(self.env))
        if self.state not in MOVABLE:
            hard.append(
                self.env._(
                    "%(order)s is %(stage)s: only a visit to plan, planned or dispatched can "
                    "be moved.",
                    order=self.display_name,
                    stage=stages[self.state],
                )
            )
            return hard, soft, 0
        if not technicians:
            hard.append(
                self.env._(
                    "%(order)s has no technician: drop it on a technician's lane.",
                    order=self.display_name,
                )
            )
            return hard, soft, 0
        staff = technicians.sudo()
        strangers = staff.filtered(
            lambda e: not e.fs_is_technician or e.company_id != self.company_id
        )
        if strangers:
            hard.append(
                self.env._(
                    "%(names)s: not a field technician of %(company)s. Choose a technician's "
                    "lane.",
                    names=", ".join(strangers.mapped("name")),
                    company=self.company_id.name,
                )
            )
            return hard, soft, 0
        hard += self._board_overlaps(start, end, technicians)
        hard += self._board_absences(start, end, staff)
        soft += self._board_hours(start, end, staff)
        planner = self.env["crm.service.planner"]
        skills = planner._fs_skills(staff)
        have = set().union(*(skills.get(e.id, ()) for e in staff))
        missing = self.skill_ids.filtered(lambda s: s.id not in have)
        if missing:
            soft.append(
                self.env._(
                    "%(names)s lack the skills %(skills)s this visit needs.",
                    names=", ".join(staff.mapped("name")),
                    skills=", ".join(missing.mapped("name")),
                )
            )
        if len(technicians) < self.crew_size:
            soft.append(
                self.env._(
                    "The visit needs %(size)s technicians; it would have %(count)s.",
                    size=self.crew_size,
                    count=len(technicians),
                )
            )
        if (self.earliest_start and start < self.earliest_start) or (
            self.latest_end and end > self.latest_end
        ):
            soft.append(
                self.env._(
                    "Outside the visit's time window (%(lo)s - %(hi)s).",
                    lo=format_datetime(self.env, self.earliest_start, dt_format="short")
                    if self.earliest_start
                    else "...",
                    hi=format_datetime(self.env, self.latest_end, dt_format="short")
                    if self.latest_end
                    else "...",
                )
            )
        elif self.preferred_start and (start < self.preferred_start or end > self.preferred_end):
            soft.append(
                self.env._(
                    "Outside the window the customer prefers (%(lo)s - %(hi)s).",
                    lo=format_datetime(self.env, self.preferred_start, dt_format="short"),
                    hi=format_datetime(self.env, self.preferred_end, dt_format="short"),
                )
            )
        travel, short = self._board_travel(start, staff)
        if short:
            soft.append(short)
        return hard, soft, travel

    def _board_overlaps(self, start, end, technicians):
        others = self.search_fetch(
            [
                ("id", "!=", self.id),
                ("technician_ids", "in", technicians.ids),
                ("state", "!=", "cancelled"),
                ("planned_start", "<", end),
                ("planned_end", ">", start),
            ],
            ["name", "summary", "planned_start", "planned_end"],
            limit=3,
        )
        return [
            self.env._(
                "%(names)s already have %(other)s (%(summary)s) from %(start)s to %(end)s: "
                "choose another time or technician.",
                names=", ".join((other.sudo().technician_ids & technicians).mapped("name")),
                other=other.display_name,
                summary=other.summary,
                start=format_datetime(self.env, other.planned_start, dt_format="short"),
                end=format_time(self.env, other.planned_end, time_format="short"),
            )
            for other in others
        ]

    def _board_day(self, start, end, employee):
        """Naive UTC span of the employee's local days from start to end."""
        tz = pytz.timezone(employee.tz or "UTC")
        first = tz.localize(datetime.combine(pytz.utc.localize(start).astimezone(tz), time()))
        last = tz.localize(
            datetime.combine(pytz.utc.localize(end).astimezone(tz) + timedelta(days=1), time())
        )
        return first.astimezone(pytz.utc), last.astimezone(pytz.utc)

    def _board_calendars(self, staff):
        """{calendar: technicians} of the working hours they follow (their own, else their
        company's), to read each calendar once for all of them."""
        calendars = {}
        for employee in staff:
            calendar = employee.resource_calendar_id or employee.company_id.resource_calendar_id
            if calendar:
                calendars[calendar] = calendars.get(calendar, staff.browse()) | employee
        return calendars

    def _board_absences(self, start, end, staff):
        """Leaves (time off, public holidays: the calendars' leaves) and busy calendar
        events of the technicians during the visit: one read of the leaves per calendar,
        one of the events."""
        reasons = []
        utc_start, utc_end = pytz.utc.localize(start), pytz.utc.localize(end)
        span = Intervals([(utc_start, utc_end, self.env["resource.resource"])])
        on_leave = set()
        for calendar, employees in self._board_calendars(staff).items():
            leaves = calendar._leave_intervals_batch(
                utc_start, utc_end, resources=employees.resource_id
            )
            on_leave.update(e.id for e in employees if span & leaves[e.resource_id.id])
        for employee in staff.filtered(lambda e: e.id in on_leave):
            reasons.append(
                self.env._(
                    "%(name)s is on leave then: choose another technician or day.",
                    name=employee.name,
                )
            )
        busy = self.env["crm.service.planner"]._fs_appointments(staff, start, end)
        for employee in staff:
            if any(s < end and e > start for s, e in busy.get(employee.id, ())):
                reasons.append(
                    self.env._(
                        "%(name)s has an appointment in their calendar then: choose another "
                        "time or technician.",
                        name=employee.name,
                    )
                )
        return reasons

    def _board_hours(self, start, end, staff):
        """The technicians who would work outside their hours, with their hours of those
        days (in their time zone): one read of the hours per calendar."""
        span = Intervals(
            [(pytz.utc.localize(start), pytz.utc.localize(end), self.env["resource.resource"])]
        )
        outside = {}
        for calendar, employees in self._board_calendars(staff).items():
            days = {e.id: self._board_day(start, end, e) for e in employees}
            hours = calendar._attendance_intervals_batch(
                min(first for first, _last in days.values()),
                max(last for _first, last in days.values()),
                resources=employees.resource_id,
            )
            for employee in employees:
                # the employee's own days of the span read for all of them
                own = hours[employee.resource_id.id] & Intervals(
                    [(*days[employee.id], self.env["resource.resource"])]
                )
                if span - own:
                    tz = pytz.timezone(employee.tz or calendar.tz or "UTC")
                    outside[employee.id] = ", ".join(
                        f"{s.astimezone(tz):%H:%M}-{e.astimezone(tz):%H:%M}" for s, e, _m in own
                    ) or self.env._("none")
        return [
            self.env._(
                "Outside the working hours of %(name)s (that day: %(hours)s).",
                name=employee.name,
                hours=outside[employee.id],
            )
            for employee in staff
            if employee.id in outside
        ]

    def _board_travel(self, start, staff):
        """(minutes of travel from the previous stop or the home base of the lead
        technician, reason when there is too little time for it)."""
        if not self._fs_located():
            return 0, False
        lead = staff[:1]
        first, _last = self._board_day(start, start, lead)
        previous = self.search_fetch(
            [
                ("id", "!=", self.id),
                ("technician_ids", "in", lead.ids),
                ("state", "!=", "cancelled"),
                ("planned_end", "<=", start),
                ("planned_end", ">=", first.replace(tzinfo=None)),
            ],
            ["name", "latitude", "longitude", "planned_end"],
            order="planned_end desc",
            limit=1,
        )
        if previous and previous._fs_located():
            origin = (previous.latitude, previous.longitude)
            free_from = previous.planned_end
        elif lead.fs_home_latitude or lead.fs_home_longitude:
            origin = (lead.fs_home_latitude, lead.fs_home_longitude)
            free_from = None
        else:
            return 0, False
        travel = self.env["crm.service.planner"]._fs_travel(self.company_id)
        seconds = int(travel([origin, (self.latitude, self.longitude)])[0][1])
        minutes = round(seconds / 60)
        if free_from and free_from + timedelta(seconds=seconds) > start:
            return minutes, self.env._(
                "Only %(gap)s minutes after %(other)s to travel %(minutes)s minutes.",
                gap=int((start - free_from).total_seconds() // 60),
                other=previous.display_name,
                minutes=minutes,
            )
        return minutes, False
