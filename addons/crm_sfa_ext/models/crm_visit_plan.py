import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.visit_routes import plan_days
from ..lib.visit_slots import due_visits, subtract

# visits created by one create() call of each model
WRITE_BATCH = 1000
# salespeople whose plans the cron fills in one transaction
PLANS_PER_RUN = 10
PLAN_STATES = [("queued", "Being Planned"), ("done", "Planned"), ("failed", "Failed")]
_logger = logging.getLogger(__name__)


class CrmVisitPlan(models.Model):
    _name = "crm.visit.plan"
    _description = "Visit Plan"
    _inherit = ["mail.thread"]
    _order = "date_from desc, user_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    line_ids = fields.One2many("crm.visit.plan.line", "plan_id", string="Visits")
    rule_ids = fields.Many2many(
        "crm.visit.plan.rule", string="Rules", readonly=True, check_company=True
    )
    state = fields.Selection(
        PLAN_STATES,
        default="done",
        required=True,
        readonly=True,
        help="Being planned: its visits are being planned in the background.",
    )
    note = fields.Text(string="What Did Not Fit", readonly=True)
    planned_count = fields.Integer(string="Visit Count", compute="_compute_counts")
    done_count = fields.Integer(string="Done", compute="_compute_counts")
    missed_count = fields.Integer(string="Missed", compute="_compute_counts")
    completion = fields.Float(string="Done (%)", compute="_compute_counts")

    @api.depends("user_id", "date_from", "date_to", "company_id")
    def _compute_name(self):
        """The stored name (what a search finds), in the language of whoever made the plan."""
        for plan in self:
            plan.name = plan._period_name()

    @api.depends("user_id", "date_from", "date_to", "company_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The name shown, in the language of whoever reads it."""
        for plan in self:
            plan.display_name = plan._period_name()

    def _period_name(self):
        """The salesperson and the period, in the language of the plan's environment: a
        month of the company's calendar ('Farvardin 1405', 'March 2026'), dates otherwise."""
        self.ensure_one()
        company, day = self.company_id, self.date_from
        if (
            day
            and company._crm_period_start(day, "month") == day
            and company._crm_period_end(day, "month") == self.date_to
        ):
            period = company._crm_period_label(day, "month")
        else:
            period = (
                f"{company._crm_format_date(self.date_from)} - "
                f"{company._crm_format_date(self.date_to)}"
            )
        return f"{self.user_id.name or ''} {period}"

    @api.depends("line_ids.state")
    def _compute_counts(self):
        counts = defaultdict(int)
        for plan, state, count in self.env["crm.visit.plan.line"]._read_group(
            [("plan_id", "in", self.ids)], ["plan_id", "state"], ["__count"]
        ):
            counts[plan.id, state] = count
        for plan in self:
            plan.planned_count = sum(counts[plan.id, s] for s in ("planned", "done", "missed"))
            plan.done_count = counts[plan.id, "done"]
            plan.missed_count = counts[plan.id, "missed"]
            plan.completion = (
                100.0 * plan.done_count / plan.planned_count if plan.planned_count else 0.0
            )

    def unlink(self):
        # the meetings and activities of visits not made go with the plan (only when the
        # plan itself may go)
        self.check_access("unlink")
        lines = self.line_ids.filtered(lambda line: line.state != "done")
        lines.event_id.unlink()
        lines.activity_id.unlink()
        return super().unlink()

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_visit_plan_line_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        return action

    @api.model
    def _generate(self, date_from, date_to, rules, users=None, background=False):
        """Plans visits from ``date_from`` to ``date_to`` (dates, inclusive) for the
        salespeople ``users`` (default: every salesperson with customers under the rules).
        Returns (plans, messages): messages say in words what could not be planned.

        1. `_plan_queue`: one plan per salesperson who has customers under the rules, has
           working hours and no plan for these days yet, queued (crm_visit_plan);
        2. `_plan_fill` fills them, at once or, with ``background``, in the background
           (`_cron_fill_plans`, a batch of plans a transaction, the plans showing their
           state meanwhile).
        """
        plans, messages = self._plan_queue(date_from, date_to, rules, users)
        if background:
            if plans:
                self.env.ref("crm_sfa_ext.ir_cron_crm_visit_plan_fill")._trigger()
        else:
            messages += plans._plan_fill()
        return plans, messages

    @api.model
    def _plan_queue(self, date_from, date_to, rules, users=None):
        """The queued plans of ``_generate``'s step 1 and the messages about the salespeople
        left out (a plan already there, no working hours). Reads res_partner (one query per
        rule), crm_visit_plan and resource_resource; writes crm_visit_plan."""
        if date_to < date_from:
            raise UserError(self.env._("The plan ends before it starts: check the dates."))
        company = rules.company_id[:1] or self.env.company
        customers = self._plan_customers(rules, users)
        with_customers = self.env["res.users"].browse({user for _p, user, _r in customers})
        users = users & with_customers if users else with_customers
        messages = []
        existing = self.search(
            [
                ("user_id", "in", users.ids),
                ("company_id", "=", company.id),
                ("date_from", "<=", date_to),
                ("date_to", ">=", date_from),
            ]
        )
        for plan in existing:
            messages.append(
                self.env._(
                    "%(user)s already has the plan %(plan)s for these days: delete it first "
                    "to plan again.",
                    user=plan.user_id.name,
                    plan=plan.name,
                )
            )
        users -= existing.user_id
        _resources, no_calendar = self._plan_resources(users, company)
        messages += [self._plan_no_calendar_message(user) for user in no_calendar]
        users -= no_calendar
        plans = self.create(
            [
                {
                    "user_id": user.id,
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "rule_ids": [Command.set(rules.ids)],
                    "state": "queued",
                }
                for user in users.sorted("id")
            ]
        )
        return plans, messages

    def _plan_fill(self):
        """Fills the queued plans among ``self``; returns the messages of what could not be
        planned (also kept on each plan). Plans queued together (same company, days and
        rules) are filled together:

        1. customers of each rule (first matching rule wins): one search per rule on
           res_partner, returning (customer, salesperson), and their coordinates (one query);
        2. working time of every salesperson, day by day, from their resource's calendar
           less their leaves (resource_calendar_attendance, resource_calendar_leaves), one
           batch per calendar, less their meetings already in the period (calendar_event,
           one query); where each salesperson's day starts (hr_employee, res_partner);
        3. each salesperson's visits are spread evenly over the working days of their window
           and each day is put in route order with travel between the visits
           (lib.visit_routes, VROOM as for field service); customers without coordinates
           come after the routed visits of their day;
        4. `_plan_write_visits` creates the meetings, activities and plan lines through the
           ORM, in batches; the plans are done (crm_visit_plan).
        """
        messages = []
        queued = self.filtered(lambda plan: plan.state == "queued")
        groups = queued.grouped(
            lambda plan: (plan.company_id, plan.date_from, plan.date_to, plan.rule_ids)
        )
        for (company, date_from, date_to, rules), plans in groups.items():
            messages += plans._plan_fill_group(company, date_from, date_to, rules)
        return messages

    def _plan_fill_group(self, company, date_from, date_to, rules):
        """`_plan_fill` of plans that share their company, days and rules."""
        rules = rules.sorted(lambda rule: (rule.sequence, rule.id))
        users = self.user_id
        customers = self._plan_customers(rules, users)
        places = self._plan_places([partner for partner, _user, _rule in customers])
        free, no_calendar = self._plan_free_time(users, company, date_from, date_to)
        starts = self._plan_start_places(users, company)
        travel = self.env["crm.service.planner"]._fs_travel(company)
        by_user = defaultdict(list)
        for partner_id, user_id, rule in customers:
            by_user[user_id].append((partner_id, rule))
        period_start = datetime.combine(date_from, time.min)
        period_end = datetime.combine(date_to + timedelta(days=1), time.min)
        messages, planned_by_user, notes = [], {}, {}
        for plan in self:
            user = plan.user_id
            if user in no_calendar:
                notes[plan] = [self._plan_no_calendar_message(user)]
                messages += notes[plan]
                continue
            visits, asked = [], defaultdict(int)
            for rule in rules:
                partners = [p for p, r in by_user[user.id] if r == rule]
                due = due_visits(partners, rule.interval_weeks, period_start, period_end)
                asked[rule] = len(due)
                length = timedelta(hours=rule.duration)
                visits += [((partner, rule), start, end, length) for partner, start, end in due]
            # the first rules' customers first when the time is short, the shortest windows
            # first within a rule
            visits.sort(key=lambda v: (v[0][1].sequence, v[0][1].id, v[2] - v[1], v[1]))
            planned, unplanned = plan_days(
                free.get(user.id, []),
                visits,
                {key: places[key[0]] for key, *_rest in visits if key[0] in places},
                starts.get(user.id),
                travel,
                getattr(travel, "straight", None),
            )
            left_out = self._plan_left_out_notes(user, rules, asked, unplanned, date_from, date_to)
            messages += left_out
            notes[plan] = left_out + self._plan_unrouted_notes(user, planned)
            planned_by_user[user.id] = planned
        self._plan_write_visits(self, planned_by_user)
        for plan in self:
            plan.write({"state": "done", "note": "\n".join(notes[plan]) or False})
        return messages

    def _plan_left_out_notes(self, user, rules, asked, unplanned, date_from, date_to):
        """What a plan says could not be planned: the visits left out, rule by rule."""
        notes = []
        for rule in rules:
            missing = sum(1 for _partner, r in unplanned if r == rule)
            if missing:
                notes.append(
                    self.env._(
                        "Rule %(rule)s asks for %(asked)s visits by %(user)s from "
                        "%(start)s to %(end)s, more than their working hours allow with the "
                        "travel between customers: %(planned)s planned, %(missing)s left out. "
                        "Lengthen the interval or shorten the visits of this rule.",
                        rule=rule.name,
                        asked=asked[rule],
                        user=user.name,
                        start=date_from,
                        end=date_to,
                        planned=asked[rule] - missing,
                        missing=missing,
                    )
                )
        return notes

    def _plan_unrouted_notes(self, user, planned):
        """What a plan says of the customers without coordinates (not routed)."""
        unrouted = {visit.key[0] for visit in planned if not visit.routed}
        if not unrouted:
            return []
        return [
            self.env._(
                "%(count)s customers of %(user)s have no coordinates: their visits come "
                "after the routed visits of their day, with no travel time counted. "
                "Geolocate them (the customer's form, Geolocate) to route them.",
                count=len(unrouted),
                user=user.name,
            )
        ]

    def _plan_no_calendar_message(self, user):
        return self.env._(
            "%(user)s has no working hours: link them to an employee (or resource) with "
            "working hours, then plan again.",
            user=user.name,
        )

    @api.model
    def _plan_customers(self, rules, users):
        """(customer id, salesperson id, rule) of every customer under the rules, each under
        the first rule that matches it: one query per rule."""
        Partner = self.env["res.partner"].sudo().with_company(rules.company_id[:1])
        seen, customers = set(), []
        for rule in rules:
            query = Partner._search(rule._customer_domain(users), order="id")
            for partner_id, user_id in self.env.execute_query(
                query.select(SQL("res_partner.id"), SQL("res_partner.user_id"))
            ):
                if partner_id not in seen and user_id:
                    seen.add(partner_id)
                    customers.append((partner_id, user_id, rule))
        return customers

    @api.model
    def _plan_resources(self, users, company):
        """({user id: their resource with working hours}, the users without any)."""
        resources = (
            self.env["resource.resource"]
            .sudo()
            .search(
                [
                    ("user_id", "in", users.ids),
                    ("calendar_id", "!=", False),
                    ("company_id", "in", [company.id, False]),
                ]
            )
        )
        resource_of = {}
        for resource in resources:
            resource_of.setdefault(resource.user_id.id, resource)
        return resource_of, users.filtered(lambda user: user.id not in resource_of)

    @api.model
    def _plan_free_time(self, users, company, date_from, date_to):
        """{user id: [(day, sorted free (start, end) pairs, naive UTC)]} from each
        salesperson's working hours less leaves and meetings already in their calendar, a
        day being a day of their working calendar's time zone; and the users without
        working hours."""
        resource_of, no_calendar = self._plan_resources(users, company)
        start = pytz.utc.localize(datetime.combine(date_from, time.min))
        end = pytz.utc.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        by_calendar = defaultdict(lambda: self.env["resource.resource"].sudo())
        for resource in resource_of.values():
            by_calendar[resource.calendar_id] |= resource
        work = {}
        for calendar, calendar_resources in by_calendar.items():
            intervals = calendar._work_intervals_batch(start, end, resources=calendar_resources)
            for resource in calendar_resources:
                days = defaultdict(list)
                for begin, stop, _records in intervals[resource.id]:
                    days[begin.date()].append(
                        (
                            begin.astimezone(pytz.utc).replace(tzinfo=None),
                            stop.astimezone(pytz.utc).replace(tzinfo=None),
                        )
                    )
                work[resource.user_id.id] = sorted(days.items())
        busy = defaultdict(list)
        partner_user = {user.partner_id.id: user.id for user in users}
        for partner_id, begin, stop in self.env.execute_query(
            SQL(
                """SELECT r.res_partner_id, e.start, e.stop
                     FROM calendar_event e
                     JOIN calendar_event_res_partner_rel r ON r.calendar_event_id = e.id
                    WHERE e.active AND r.res_partner_id = ANY(%s)
                      AND e.start < %s AND e.stop > %s""",
                list(partner_user),
                end.replace(tzinfo=None),
                start.replace(tzinfo=None),
            )
        ):
            busy[partner_user[partner_id]].append((begin, stop))
        free = {}
        for user_id, days in work.items():
            free[user_id] = [
                (day, left)
                for day, intervals in days
                if (left := subtract(sorted(intervals), busy[user_id]))
            ]
        return free, no_calendar

    @api.model
    def _plan_places(self, partner_ids):
        """{customer id: (latitude, longitude)} of the customers that have coordinates."""
        self.env["res.partner"].flush_model(["partner_latitude", "partner_longitude"])
        return {
            partner_id: (lat, lon)
            for partner_id, lat, lon in self.env.execute_query(
                SQL(
                    """SELECT id, partner_latitude, partner_longitude FROM res_partner
                        WHERE id = ANY(%s)
                          AND (COALESCE(partner_latitude, 0) != 0
                               OR COALESCE(partner_longitude, 0) != 0)""",
                    list(partner_ids),
                )
            )
        }

    @api.model
    def _plan_start_places(self, users, company):
        """{user id: (lat, lon)} where each salesperson's day starts and ends: their home
        base (as for field service), else their work address, else the company's address,
        when located; absent: the middle of their customers."""
        office = company.partner_id
        office = (
            (office.partner_latitude, office.partner_longitude) if office._fs_located() else None
        )
        starts = dict.fromkeys(users.ids, office) if office else {}
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", users.ids), ("company_id", "=", company.id)])
        )
        for employee in employees:
            if employee.fs_home_latitude or employee.fs_home_longitude:
                starts[employee.user_id.id] = (
                    employee.fs_home_latitude,
                    employee.fs_home_longitude,
                )
            elif employee.address_id and employee.address_id._fs_located():
                address = employee.address_id
                starts[employee.user_id.id] = (address.partner_latitude, address.partner_longitude)
        return {user_id: place for user_id, place in starts.items() if place}

    @api.model
    def _plan_write_visits(self, plans, planned_by_user):
        """Creates the planned visits through the ORM, WRITE_BATCH at a time: the meetings
        (calendar.event with the salesperson, who accepts, and the customer as attendees;
        the calendar adds them as followers and puts the meeting's activity on the
        customer), the activities (mail.activity, the salesperson following the customer)
        and the plan lines. Nobody is emailed: not the customers (no invitations: the
        salesperson books the visit with them), not the salespeople (no notice per
        activity: their plan lists them); the creator follows none of the meetings."""
        plan_of = {plan.user_id.id: plan for plan in plans}
        partners = self.env["res.partner"].browse(
            {visit.key[0] for planned in planned_by_user.values() for visit in planned}
        )
        names = {partner.id: partner.display_name for partner in partners}
        user_partner = {user.id: user.partner_id.id for user in plans.user_id}
        meeting_type = self.env.ref("mail.mail_activity_data_meeting")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        quiet = {
            "no_mail_to_attendees": True,
            "mail_create_nosubscribe": True,
            "mail_create_nolog": True,
            "mail_activity_quick_update": True,
        }
        Event = self.env["calendar.event"].with_context(**quiet)
        Activity = self.env["mail.activity"].with_context(**quiet)
        rows = [
            (plan_of[user_id], visit.key[0], visit.key[1], visit.start, visit.end, visit)
            for user_id, planned in planned_by_user.items()
            for visit in planned
        ]
        for offset in range(0, len(rows), WRITE_BATCH):
            batch = rows[offset : offset + WRITE_BATCH]
            meetings = [row for row in batch if row[2].visit_type == "event"]
            tasks = [row for row in batch if row[2].visit_type != "event"]
            events = Event.create(
                [
                    {
                        "name": self.env._("Visit: %(customer)s", customer=names[partner]),
                        "start": begin,
                        "stop": finish,
                        "user_id": plan.user_id.id,
                        "partner_ids": [Command.set([user_partner[plan.user_id.id], partner])],
                        "attendee_ids": [
                            Command.create(
                                {"partner_id": user_partner[plan.user_id.id], "state": "accepted"}
                            ),
                            Command.create({"partner_id": partner, "state": "needsAction"}),
                        ],
                        "res_model_id": partner_model,
                        "res_id": partner,
                    }
                    for plan, partner, _rule, begin, finish, _visit in meetings
                ]
            )
            activities = Activity.create(
                [
                    {
                        "res_model_id": partner_model,
                        "res_id": partner,
                        "activity_type_id": (rule.activity_type_id or meeting_type).id,
                        "summary": self.env._("Visit: %(customer)s", customer=names[partner]),
                        "date_deadline": visit.day,
                        "user_id": plan.user_id.id,
                    }
                    for plan, partner, rule, _begin, _finish, visit in tasks
                ]
            )
            written = [(row, event, Activity) for row, event in zip(meetings, events, strict=True)]
            written += [(row, Event, task) for row, task in zip(tasks, activities, strict=True)]
            self.env["crm.visit.plan.line"].create(
                [
                    {
                        "plan_id": plan.id,
                        "user_id": plan.user_id.id,
                        "partner_id": partner,
                        "rule_id": rule.id,
                        "company_id": plan.company_id.id,
                        "date_start": begin,
                        "date_end": finish,
                        "visit_day": visit.day,
                        "sequence": visit.sequence,
                        "travel_time": visit.travel / 3600,
                        "routed": visit.routed,
                        "event_id": event.id,
                        "activity_id": activity.id,
                    }
                    for (plan, partner, rule, begin, finish, visit), event, activity in written
                ]
            )

    @api.model
    def _cron_fill_plans(self):
        """Fills the queued plans, PLANS_PER_RUN at a time in one transaction (a plan is
        filled whole or not at all, a filled plan never again, so running it twice plans
        nothing twice); the cron is called again at once while some are left. A batch
        that fails marks its plans failed, with the error, instead of blocking the queue."""
        queued = self.search([("state", "=", "queued")], order="id")
        batch = queued[:PLANS_PER_RUN]
        try:
            with self.env.cr.savepoint():
                batch._plan_fill()
        except Exception as error:
            _logger.exception("Visit plans %s failed", batch.ids)
            batch.write({"state": "failed", "note": str(error)})
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(queued) - len(batch))
