from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib.visit_slots import due_visits, place, subtract

BATCH = 1000


class CrmVisitPlan(models.Model):
    _name = "crm.visit.plan"
    _description = "Visit Plan"
    _inherit = ["mail.thread"]
    _order = "date_from desc, user_id"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    line_ids = fields.One2many("crm.visit.plan.line", "plan_id", string="Visits")
    note = fields.Text(string="What Did Not Fit", readonly=True)
    planned_count = fields.Integer(string="Visit Count", compute="_compute_counts")
    done_count = fields.Integer(string="Done", compute="_compute_counts")
    missed_count = fields.Integer(string="Missed", compute="_compute_counts")
    completion = fields.Float(string="Done (%)", compute="_compute_counts")

    @api.depends("user_id", "date_from", "date_to")
    def _compute_name(self):
        for plan in self:
            plan.name = f"{plan.user_id.name or ''} {plan.date_from or ''} - {plan.date_to or ''}"

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
        # the meetings and activities of visits not made go with the plan
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
    def _generate(self, date_from, date_to, rules, users=None):
        """Plans visits from ``date_from`` to ``date_to`` (dates, inclusive) for the
        salespeople ``users`` (default: every salesperson with customers under the rules).
        Returns (plans, messages): messages say in words what could not be planned.

        1. customers of each rule (first matching rule wins): one search per rule on
           res_partner, returning (customer, salesperson);
        2. working time of every salesperson from their resource's calendar less their
           leaves (resource_calendar_attendance, resource_calendar_leaves), one batch per
           calendar; salespeople without a calendar are left out, with a message;
        3. their meetings already in the period (calendar_event), one query, are taken out;
        4. each visit goes to the first free slot of its window (lib.visit_slots);
        5. writes, in batches: crm_visit_plan (one per salesperson), calendar_event and
           calendar_attendee or mail_activity, crm_visit_plan_line.
        """
        if date_to < date_from:
            raise UserError(self.env._("The plan ends before it starts: check the dates."))
        company = rules.company_id[:1] or self.env.company
        rules = rules.sorted(lambda rule: (rule.sequence, rule.id))
        messages = []
        customers = self._plan_customers(rules, users)
        users = users or self.env["res.users"].browse({user for _p, user, _r in customers})
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
        free, no_calendar = self._plan_free_time(users, company, date_from, date_to)
        for user in no_calendar:
            messages.append(
                self.env._(
                    "%(user)s has no working hours: link them to an employee (or resource) "
                    "with working hours, then plan again.",
                    user=user.name,
                )
            )
        users -= no_calendar
        by_user = defaultdict(list)
        for partner_id, user_id, rule in customers:
            if user_id in users.ids:
                by_user[user_id].append((partner_id, rule))
        period_start = datetime.combine(date_from, time.min)
        period_end = datetime.combine(date_to + timedelta(days=1), time.min)
        plans_vals, planned_by_user = [], {}
        for user in users:
            visits, asked = [], defaultdict(int)
            for rule in rules:
                partners = [p for p, r in by_user[user.id] if r == rule]
                due = due_visits(partners, rule.interval_weeks, period_start, period_end)
                asked[rule] = len(due)
                length = timedelta(hours=rule.duration)
                visits += [((partner, rule), start, end, length) for partner, start, end in due]
            # by window, then by rule: the first rules' customers get the first slots
            visits.sort(key=lambda visit: (visit[1], visit[0][1].sequence, visit[0][1].id))
            planned, unplanned = place(free.get(user.id, []), visits)
            user_messages = []
            for rule in rules:
                missing = sum(1 for _partner, r in unplanned if r == rule)
                if missing:
                    user_messages.append(
                        self.env._(
                            "Rule %(rule)s asks for %(asked)s visits by %(user)s from "
                            "%(start)s to %(end)s, more than their working hours allow: "
                            "%(planned)s planned, %(missing)s left out. Lengthen the interval "
                            "or shorten the visits of this rule.",
                            rule=rule.name,
                            asked=asked[rule],
                            user=user.name,
                            start=date_from,
                            end=date_to,
                            planned=asked[rule] - missing,
                            missing=missing,
                        )
                    )
            messages += user_messages
            if planned:
                planned_by_user[user.id] = planned
                plans_vals.append(
                    {
                        "user_id": user.id,
                        "company_id": company.id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "note": "\n".join(user_messages) or False,
                    }
                )
        plans = self.create(plans_vals)
        self._plan_write_visits(plans, planned_by_user)
        return plans, messages

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
    def _plan_free_time(self, users, company, date_from, date_to):
        """{user id: sorted free (start, end) pairs, naive UTC} from each salesperson's
        working hours less leaves and meetings already in their calendar, and the users
        without working hours."""
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
        no_calendar = users.filtered(lambda user: user.id not in resource_of)
        start = pytz.utc.localize(datetime.combine(date_from, time.min))
        end = pytz.utc.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        by_calendar = defaultdict(lambda: self.env["resource.resource"].sudo())
        for resource in resource_of.values():
            by_calendar[resource.calendar_id] |= resource
        work = {}
        for calendar, calendar_resources in by_calendar.items():
            intervals = calendar._work_intervals_batch(start, end, resources=calendar_resources)
            for resource in calendar_resources:
                work[resource.user_id.id] = [
                    (
                        begin.astimezone(pytz.utc).replace(tzinfo=None),
                        stop.astimezone(pytz.utc).replace(tzinfo=None),
                    )
                    for begin, stop, _records in intervals[resource.id]
                ]
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
        free = {user_id: subtract(intervals, busy[user_id]) for user_id, intervals in work.items()}
        return free, no_calendar

    @api.model
    def _plan_write_visits(self, plans, planned_by_user):
        """Creates the meetings (or activities) of the planned visits, BATCH at a time, then
        inserts the plan lines in one INSERT per batch."""
        plan_of = {plan.user_id.id: plan for plan in plans}
        users = plans.user_id
        partner_of_user = {user.id: user.partner_id.id for user in users}
        names = dict(
            self.env["res.partner"]
            .browse({p for planned in planned_by_user.values() for (p, _r), _s, _e in planned})
            .mapped(lambda partner: (partner.id, partner.display_name))
        )
        rows = [
            (user_id, partner, rule, begin, finish)
            for user_id, planned in planned_by_user.items()
            for (partner, rule), begin, finish in planned
        ]
        quiet = {
            "no_mail_to_attendees": True,
            "dont_notify": True,
            "mail_create_nolog": True,
            "mail_create_nosubscribe": True,
            "mail_notrack": True,
            "tracking_disable": True,
        }
        Event = self.env["calendar.event"].with_context(**quiet)
        Activity = self.env["mail.activity"].with_context(**quiet)
        partner_model = self.env["ir.model"]._get_id("res.partner")
        for offset in range(0, len(rows), BATCH):
            batch = rows[offset : offset + BATCH]
            events = iter(
                Event.create(
                    [
                        {
                            "name": self.env._("Visit: %(customer)s", customer=names[partner]),
                            "start": begin,
                            "stop": finish,
                            "user_id": user_id,
                            "partner_ids": [(6, 0, [partner_of_user[user_id], partner])],
                            "res_model_id": partner_model,
                            "res_id": partner,
                        }
                        for user_id, partner, rule, begin, finish in batch
                        if rule.visit_type == "event"
                    ]
                ).ids
            )
            activities = iter(
                Activity.create(
                    [
                        {
                            "res_model_id": partner_model,
                            "res_id": partner,
                            "user_id": user_id,
                            "activity_type_id": rule.activity_type_id.id,
                            "summary": self.env._("Visit: %(customer)s", customer=names[partner]),
                            "date_deadline": begin.date(),
                        }
                        for user_id, partner, rule, begin, finish in batch
                        if rule.visit_type == "activity"
                    ]
                ).ids
            )
            values = [
                (
                    plan_of[user_id].id,
                    user_id,
                    partner,
                    rule.id,
                    plan_of[user_id].company_id.id,
                    begin,
                    finish,
                    next(events) if rule.visit_type == "event" else None,
                    next(activities) if rule.visit_type == "activity" else None,
                )
                for user_id, partner, rule, begin, finish in batch
            ]
            columns = list(zip(*values, strict=False))
            self.env.cr.execute(
                SQL(
                    """INSERT INTO crm_visit_plan_line (
                            plan_id, user_id, partner_id, rule_id, company_id, date_start,
                            date_end, event_id, activity_id, state, create_uid, create_date,
                            write_uid, write_date)
                       SELECT plan_id, user_id, partner_id, rule_id, company_id, date_start,
                              date_end, event_id, activity_id, 'planned', %(uid)s,
                              now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                         FROM unnest(%(plan)s::int[], %(user)s::int[], %(partner)s::int[],
                                     %(rule)s::int[], %(company)s::int[],
                                     %(start)s::timestamp[], %(end)s::timestamp[],
                                     %(event)s::int[], %(activity)s::int[])
                           AS v(plan_id, user_id, partner_id, rule_id, company_id, date_start,
                                date_end, event_id, activity_id)""",
                    uid=self.env.uid,
                    plan=list(columns[0]),
                    user=list(columns[1]),
                    partner=list(columns[2]),
                    rule=list(columns[3]),
                    company=list(columns[4]),
                    start=list(columns[5]),
                    end=list(columns[6]),
                    event=list(columns[7]),
                    activity=list(columns[8]),
                )
            )
        self.env["crm.visit.plan.line"].invalidate_model()
        plans.invalidate_recordset(["line_ids"])
