from odoo import api, fields, models
from odoo.tools import SQL

# a visit fixed first time needs no other visit of the same kind at the same site within
# this many days after it was done
FIRST_TIME_FIX_DAYS = 30


class CrmScorecard(models.Model):
    """The sales force and field service columns of the scorecard: how accurate the month's
    forecasts were, and the field service of the month (the visits done in it, by their
    actual start, as the Field Service dashboard counts them)."""

    _name = "crm.scorecard"
    _inherit = "crm.scorecard"

    forecast_accuracy = fields.Float(
        string="Forecast Accuracy (%)",
        readonly=True,
        aggregator="avg",
        help="The average accuracy of the salespeople's monthly forecast snapshots of the "
        "month (what was won against the weighted forecast when the snapshot was taken).",
    )
    fs_visits_done = fields.Integer(
        string="Visits Done", readonly=True, help="Field-service visits done in the month."
    )
    fs_first_time_fix_rate = fields.Float(
        string="First-Time Fix Rate (%)",
        readonly=True,
        aggregator="avg",
        help="The share of the month's visits done (recurring contract visits aside) after "
        "which the site needed no other visit of the same service type within 30 days.",
    )
    fs_travel_per_visit = fields.Float(
        string="Travel per Visit (min)",
        readonly=True,
        aggregator="avg",
        help="Minutes of travel before each visit done in the month, on average.",
    )
    fs_utilisation = fields.Float(
        string="Technician Utilisation (%)",
        readonly=True,
        aggregator="avg",
        help="Hours the technicians spent on site in the month over the hours their working "
        "calendars give them in it (public holidays and time off aside).",
    )
    fs_late_rate = fields.Float(
        string="Late Visits (%)",
        readonly=True,
        aggregator="avg",
        help="The share of the month's visits done where the technicians arrived after the "
        "arrival window the customer was told.",
    )
    fs_late_minutes = fields.Float(
        string="Lateness (min)",
        readonly=True,
        aggregator="avg",
        help="How late the late visits of the month started, in minutes, on average.",
    )

    @api.model
    def _compute_months(self, company, months):
        """Adds the forecast accuracy and the field-service columns, one statement each for
        all the months. Reads crm_forecast_snapshot (monthly snapshots of salespeople),
        crm_service_order (visits), hr_employee, resource_resource, resource_calendar,
        resource_calendar_attendance and resource_calendar_leaves (the technicians' working
        hours); writes crm_scorecard."""
        super()._compute_months(company, months)
        if not months:
            return
        self.env["crm.forecast.snapshot"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH accuracy AS (
                SELECT m.month, AVG(f.accuracy) AS accuracy
                  FROM %(months)s
                  LEFT JOIN crm_forecast_snapshot f
                         ON f.company_id = %(company)s AND f.period_type = 'month'
                        AND f.user_id IS NOT NULL AND f.date_from = m.month
                 GROUP BY m.month
            )
            UPDATE crm_scorecard s
               SET forecast_accuracy = a.accuracy
              FROM accuracy a
             WHERE s.company_id = %(company)s AND s.month = a.month
            """,
                months=self._months_sql(company, months),
                company=company.id,
            )
        )
        self._compute_field_service(company, months)
        self.invalidate_model(
            [
                "forecast_accuracy",
                "fs_visits_done",
                "fs_first_time_fix_rate",
                "fs_travel_per_visit",
                "fs_utilisation",
                "fs_late_rate",
                "fs_late_minutes",
            ]
        )

    @api.model
    def _compute_field_service(self, company, months):
        """The field-service columns of `company`'s rows for `months`, in one statement:

        1. comebacks: the visits that may bring a technician back (not a recurring
           contract's, not cancelled), each with the start of the next one at the same site
           and of the same type (a window over the visits, not a search per visit);
           visits: the visits done whose actual start is in the months, revisited when that
           next visit came within FIRST_TIME_FIX_DAYS after it was done, and how late the
           technicians arrived against the window the customer was told (or planned);
        2. slots: the technicians' working slots of every day of the months, from their
           calendars (two-week calendars and dated lines as Odoo reads them), those that
           a public holiday or time off overlaps left out (times in the technician's zone);
        3. the update of crm_scorecard from both."""
        self.env["crm.service.order"].flush_model()
        self.env["hr.employee"].flush_model()
        self.env["resource.calendar.leaves"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            WITH comebacks AS MATERIALIZED (
                -- the visits that may bring a technician back (not cancelled, not a
                -- contract's), each with when the next one at its site and of its type is;
                -- computed once (inlined, the 24-month backfill joined it in a nested loop,
                -- the window again for every visit: > 18 min at 100,000 customers)
                SELECT o.id,
                       LEAD(COALESCE(o.actual_start, o.planned_start, o.create_date)) OVER (
                           PARTITION BY COALESCE(o.site_id, o.partner_id),
                                        COALESCE(o.type_id, 0)
                           ORDER BY COALESCE(o.actual_start, o.planned_start, o.create_date), o.id
                       ) AS next_at
                  FROM crm_service_order o
                 WHERE o.company_id = %(company)s AND o.state != 'cancelled'
                   AND o.origin != 'contract'
                   AND COALESCE(o.actual_start, o.planned_start, o.create_date) >= %(first)s
                   AND COALESCE(o.actual_start, o.planned_start, o.create_date)
                       < %(end)s + %(fix_days)s * INTERVAL '1 day'
            ),
            visits AS (
                SELECT m.month, o.time_spent, COALESCE(o.travel_minutes, 0) AS travel,
                       o.origin,
                       COALESCE(c.next_at > o.actual_end
                                AND c.next_at <= o.actual_end + %(fix_days)s * INTERVAL '1 day',
                                FALSE) AS revisited,
                       EXTRACT(EPOCH FROM o.actual_start
                               - COALESCE(o.notified_window_end, o.arrival_window_end)) / 60
                           AS late_minutes
                  FROM %(months)s
                  JOIN crm_service_order o
                    ON o.actual_start >= m.month AND o.actual_start < m.month_end
                  LEFT JOIN comebacks c ON c.id = o.id
                 WHERE o.company_id = %(company)s AND o.state = 'done'
                   AND o.actual_start >= %(first)s AND o.actual_start < %(end)s
            ),
            visit_figures AS (
                SELECT month, COUNT(*) AS done, SUM(time_spent) AS hours,
                       AVG(travel) AS travel,
                       100.0 * COUNT(*) FILTER (WHERE origin != 'contract' AND NOT revisited)
                           / NULLIF(COUNT(*) FILTER (WHERE origin != 'contract'), 0)
                           AS first_time_fix,
                       100.0 * COUNT(*) FILTER (WHERE late_minutes > 0)
                           / NULLIF(COUNT(late_minutes), 0) AS late_rate,
                       AVG(late_minutes) FILTER (WHERE late_minutes > 0) AS late_minutes
                  FROM visits
                 GROUP BY month
            ),
            technicians AS (
                SELECT e.resource_calendar_id AS calendar_id, e.resource_id,
                       COALESCE(r.tz, cal.tz, 'UTC') AS tz,
                       COALESCE(cal.two_weeks_calendar, FALSE) AS two_weeks
                  FROM hr_employee e
                  JOIN resource_resource r ON r.id = e.resource_id
                  JOIN resource_calendar cal ON cal.id = e.resource_calendar_id
                 WHERE e.company_id = %(company)s AND e.fs_is_technician AND e.active
            ),
            days AS (
                SELECT m.month, day::date AS day
                  FROM %(months)s
                 CROSS JOIN generate_series(m.month, m.month_end - 1, INTERVAL '1 day') AS day
            ),
            slots AS (
                SELECT d.month, t.resource_id, t.calendar_id, a.hour_to - a.hour_from AS hours,
                       (d.day + a.hour_from * INTERVAL '1 hour') AT TIME ZONE t.tz
                           AT TIME ZONE 'UTC' AS slot_start,
                       (d.day + a.hour_to * INTERVAL '1 hour') AT TIME ZONE t.tz
                           AT TIME ZONE 'UTC' AS slot_end
                  FROM technicians t
                  JOIN resource_calendar_attendance a
                    ON a.calendar_id = t.calendar_id AND a.resource_id IS NULL
                   AND a.display_type IS NULL AND a.day_period != 'lunch'
                  JOIN days d
                    ON a.dayofweek = (EXTRACT(ISODOW FROM d.day)::int - 1)::varchar
                   AND (a.date_from IS NULL OR a.date_from <= d.day)
                   AND (a.date_to IS NULL OR a.date_to >= d.day)
                   AND (NOT t.two_weeks
                        OR a.week_type = MOD((d.day - DATE '0001-01-01') / 7, 2)::varchar)
            ),
            capacity AS (
                SELECT s.month, SUM(s.hours) AS hours
                  FROM slots s
                 WHERE NOT EXISTS (
                       SELECT 1 FROM resource_calendar_leaves l
                        WHERE (l.resource_id = s.resource_id
                               OR (l.resource_id IS NULL
                                   AND (l.calendar_id IS NULL OR l.calendar_id = s.calendar_id)
                                   AND (l.company_id IS NULL OR l.company_id = %(company)s)))
                          AND l.date_from < s.slot_end AND l.date_to > s.slot_start)
                 GROUP BY s.month
            )
            UPDATE crm_scorecard s
               SET fs_visits_done = COALESCE(v.done, 0),
                   fs_first_time_fix_rate = v.first_time_fix,
                   fs_travel_per_visit = v.travel,
                   fs_utilisation = 100.0 * COALESCE(v.hours, 0) / NULLIF(c.hours, 0),
                   fs_late_rate = v.late_rate,
                   fs_late_minutes = v.late_minutes
              FROM %(months)s
              LEFT JOIN visit_figures v ON v.month = m.month
              LEFT JOIN capacity c ON c.month = m.month
             WHERE s.company_id = %(company)s AND s.month = m.month
            """,
                months=self._months_sql(company, months),
                company=company.id,
                first=self._company_months(company, months)[0],
                end=self._months_end(company, months),
                fix_days=FIRST_TIME_FIX_DAYS,
            )
        )
