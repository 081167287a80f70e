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
        """Writes the planned visits, BATCH at a time, each batch in one statement: the
        meetings (calendar_event, with the salesperson and the customer as attendees in
        calendar_event_res_partner_rel and calendar_attendee, and the meeting's activity on
        the customer, as the calendar does), the activities (mail_activity) and the plan
        lines (crm_visit_plan_line). A meeting is found back by its salesperson and start,
        which no two visits share (the planner never double-books)."""
        plan_of = {plan.user_id.id: plan for plan in plans}
        partners = self.env["res.partner"].browse(
            {partner for planned in planned_by_user.values() for (partner, _r), _s, _e in planned}
        )
        names = {partner.id: partner.display_name for partner in partners}
        meeting_type = self.env.ref("mail.mail_activity_data_meeting", raise_if_not_found=False)
        rows = [
            (plan_of[user_id], partner, rule, begin, finish)
            for user_id, planned in planned_by_user.items()
            for (partner, rule), begin, finish in planned
        ]
        self.env.flush_all()
        for offset in range(0, len(rows), BATCH):
            batch = rows[offset : offset + BATCH]
            self.env.cr.execute(
                SQL(
                    """
WITH v AS (
    SELECT v.*, u.partner_id AS user_partner_id, up.tz AS user_tz
      FROM unnest(%(plan)s::int[], %(company)s::int[], %(user)s::int[], %(partner)s::int[],
                  %(rule)s::int[], %(start)s::timestamp[], %(stop)s::timestamp[],
                  %(meeting)s::bool[], %(activity_type)s::int[], %(summary)s::varchar[],
                  %(res_name)s::varchar[])
           AS v(plan_id, company_id, user_id, partner_id, rule_id, date_start, date_end,
                meeting, activity_type_id, summary, res_name)
      JOIN res_users u ON u.id = v.user_id
      JOIN res_partner up ON up.id = u.partner_id
), event AS (
    INSERT INTO calendar_event (name, start, stop, duration, user_id, res_model,
                                res_model_id, res_id, active, allday, recurrency, show_as,
                                create_uid, create_date, write_uid, write_date)
    SELECT summary, date_start, date_end,
           EXTRACT(EPOCH FROM date_end - date_start) / 3600, user_id, 'res.partner',
           %(model)s, partner_id, TRUE, FALSE, FALSE, 'busy', %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM v WHERE meeting
    RETURNING id, user_id, start
), visit AS (
    SELECT v.*, event.id AS event_id
      FROM v LEFT JOIN event ON event.user_id = v.user_id AND event.start = v.date_start
), attendee_rel AS (
    INSERT INTO calendar_event_res_partner_rel (calendar_event_id, res_partner_id)
    SELECT DISTINCT event_id, unnest(ARRAY[user_partner_id, partner_id])
      FROM visit WHERE meeting
), attendee AS (
    INSERT INTO calendar_attendee (event_id, partner_id, state, access_token, create_uid,
                                   create_date, write_uid, write_date)
    SELECT event_id, a.partner_id, a.state, md5(random()::text || event_id || a.partner_id),
           %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM visit,
           LATERAL (VALUES (visit.user_partner_id, 'accepted'),
                           (visit.partner_id, 'needsAction')) AS a(partner_id, state)
     WHERE meeting AND (a.state = 'accepted' OR visit.partner_id != visit.user_partner_id)
), activity AS (
    INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id,
                               summary, date_deadline, user_id, user_tz, calendar_event_id,
                               automated, active, create_uid, create_date, write_uid,
                               write_date)
    SELECT %(model)s, 'res.partner', partner_id, res_name,
           CASE WHEN meeting THEN %(meeting_type)s ELSE activity_type_id END, summary,
           date_start::date, user_id, user_tz, event_id, FALSE, TRUE, %(uid)s, %(now)s,
           %(uid)s, %(now)s
      FROM visit
    RETURNING id, user_id, res_id, date_deadline, calendar_event_id
)
INSERT INTO crm_visit_plan_line (plan_id, user_id, partner_id, rule_id, company_id, date_start,
                                 date_end, event_id, activity_id, state, create_uid,
                                 create_date, write_uid, write_date)
SELECT visit.plan_id, visit.user_id, visit.partner_id, visit.rule_id, visit.company_id,
       visit.date_start, visit.date_end, visit.event_id,
       CASE WHEN visit.meeting THEN NULL ELSE activity.id END, 'planned', %(uid)s, %(now)s,
       %(uid)s, %(now)s
  FROM visit
  JOIN activity ON activity.user_id = visit.user_id AND activity.res_id = visit.partner_id
               AND activity.date_deadline = visit.date_start::date
               AND activity.calendar_event_id IS NOT DISTINCT FROM visit.event_id
""",
                    plan=[plan.id for plan, *_rest in batch],
                    company=[plan.company_id.id for plan, *_rest in batch],
                    user=[plan.user_id.id for plan, *_rest in batch],
                    partner=[partner for _plan, partner, *_rest in batch],
                    rule=[rule.id for _plan, _partner, rule, *_rest in batch],
                    start=[begin for *_first, begin, _finish in batch],
                    stop=[finish for *_first, finish in batch],
                    meeting=[rule.visit_type == "event" for _plan, _partner, rule, *_r in batch],
                    activity_type=[
                        rule.activity_type_id.id or meeting_type.id
                        for _plan, _partner, rule, *_r in batch
                    ],
                    summary=[
                        self.env._("Visit: %(customer)s", customer=names[partner])
                        for _plan, partner, *_rest in batch
                    ],
                    res_name=[names[partner] for _plan, partner, *_rest in batch],
                    model=self.env["ir.model"]._get_id("res.partner"),
                    meeting_type=meeting_type.id,
                    uid=self.env.uid,
                    now=fields.Datetime.now(),
                )
            )
        self.env.invalidate_all()
