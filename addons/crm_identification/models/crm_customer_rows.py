from datetime import datetime, timezone

from odoo import models
from odoo.tools import SQL

from .crm_customer_figures import WRITTEN_COLUMNS
from .refresh_tools import FIGURES_DAY_KEY, INCREMENTAL_MAX_CUSTOMERS, local_settings


class CrmCustomerRows(models.AbstractModel):
    """Step 4 of the customer-insight refresh: the insight rows (crm_customer_score) from
    the figures of step 1 (the view crm_new) and the lifetime values of step 2 (crm_clv).
    Each customer joins the first segment whose rule matches; the rows that may have
    changed are staged in the temporary table crm_seg (which the labels step reads); the
    changes of segment go to crm_customer_segment_history; the rows that differ are
    updated, new customers inserted, customers gone deleted."""

    _name = "crm.customer.rows"
    _description = "Customer Insight Rows (refresh step)"

    def _write(self, company, as_of, figures):
        """Every customer joins the first segment whose rule matches; changes of
        segment go to the history; rows that changed are updated and new customers inserted;
        customers gone since (archived, merged, no sale left) leave, with a history row.
        `figures` is what step 1 returned: "customers" their number, "anyone_left" False
        when no customer left (None: not known), "extra" the extra figures' columns.
        Returns the number of customers who changed segment, the number of rows written,
        and whether any customer left."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        extra = ["churn_signal", *(name for name in figures["extra"] if name != "churn_signal")]
        changed = self._stage_rows(company, as_of, extra)
        moved = self._record_segment_moves(company, now)
        written = self._write_staged_rows(changed, now, extra)
        anyone_left = figures["anyone_left"]
        if written > figures["customers"] // 10:
            # the labels step and the next refresh read this table: the planner must know
            # it holds a million rows, not the few it had before the first refresh (as
            # autovacuum would, later, past a tenth of the rows changed)
            self.env.cr.execute("ANALYZE crm_customer_score")
        if anyone_left is None:
            # every customer of crm_fig has its row now: more rows than customers means
            # some are gone (counting is cheaper than the anti-join, on nights nobody left)
            self.env.cr.execute(
                SQL(
                    "SELECT (SELECT count(*) FROM crm_customer_score WHERE company_id = %s)"
                    "     > (SELECT count(*) FROM crm_fig)",
                    company.id,
                )
            )
            anyone_left = self.env.cr.fetchone()[0]
        if not anyone_left:
            return moved, written, False
        return moved, written + self._remove_departed(company, now), True

    def _stage_rows(self, company, as_of, extra):
        """The rows that may have changed, with their new segment, into the temporary
        table crm_seg (crm_customer_score's columns plus new_segment, kept: every column
        but the labels and the segment is as stored, labels_kept: so are the labels):
        customers whose figures are fresh or were predicted again, and those whose scores,
        tier, churn or segment moved; on most nights a few thousand of a million. Returns
        their number."""
        # OFFSET 0: each figure is computed once per row, then read by the segment rules
        # (inlined, the scores were computed again in each rule that reads them)
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMP TABLE crm_seg ON COMMIT DROP AS
            SELECT * FROM (
                SELECT crm_customer_score.*, %(case)s AS new_segment
                  FROM (SELECT n.old_id AS id, n.partner_id, %(company)s AS company_id,
                               n.user_id, n.first_order_date, n.last_order_date, n.order_count,
                               n.purchase_days, n.total_value, n.first_value, n.frequency,
                               n.monetary,
                               n.recency_score, n.frequency_score, n.monetary_score,
                               n.rfm_code, n.old_segment_id AS segment_id,
                               n.old_segment_since AS segment_since, n.value_tier,
                               n.churn_status, n.usual_interval_days, n.lost_date,
                               COALESCE(c.p_alive, n.old_p_alive) AS p_alive,
                               COALESCE(c.expected_orders, n.old_expected_orders)
                                   AS expected_orders,
                               COALESCE(c.clv, n.old_clv) AS clv,
                               COALESCE(c.clv_method, n.old_clv_method) AS clv_method,
                               CASE WHEN c.partner_id IS NULL THEN n.old_clv_date
                                    ELSE %(as_of)s END AS clv_date,
                               n.old_computed_at AS computed_at, %(extra)s,
                               -- every column but the labels and the segment is as stored
                               n.old_id IS NOT NULL AND NOT n.fresh AND c.partner_id IS NULL
                               AND n.old_lost_date IS NOT DISTINCT FROM n.lost_date
                               AND (%(old_extra)s) IS NOT DISTINCT FROM (%(extra)s) AS kept,
                               -- the labels of the contacts but the segment are as stored
                               n.old_id IS NOT NULL
                               AND (n.old_value_tier, n.old_churn_status, n.old_recency_score,
                                    n.old_frequency_score, n.old_monetary_score)
                                   IS NOT DISTINCT FROM (n.value_tier, n.churn_status,
                                    n.recency_score, n.frequency_score, n.monetary_score)
                                   AS labels_kept
                          FROM crm_new n
                          LEFT JOIN crm_clv c ON c.partner_id = n.partner_id
                        OFFSET 0
                       ) AS crm_customer_score
            ) AS rows
             WHERE NOT (kept AND labels_kept AND segment_id IS NOT DISTINCT FROM new_segment)
            """,
                case=self.env["crm.customer.segment"]
                .with_company(company)
                .with_context(**{FIGURES_DAY_KEY: {company.id: as_of}})
                ._rules_case_sql(),
                company=company.id,
                as_of=as_of,
                extra=SQL(", ").join(SQL.identifier("n", name) for name in extra),
                old_extra=SQL(", ").join(SQL.identifier("n", f"old_{name}") for name in extra),
            )
        )
        changed = self.env.cr.rowcount
        self.env.cr.execute("ANALYZE crm_seg")
        return changed

    def _record_segment_moves(self, company, now):
        """A history row for each staged customer whose segment changed; returns their
        number."""
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_customer_segment_history (
                partner_id, user_id, company_id, previous_segment_id, segment_id, date)
            SELECT partner_id, user_id, %(company)s, segment_id, new_segment, %(now)s
              FROM crm_seg
             WHERE segment_id IS DISTINCT FROM new_segment
             ORDER BY partner_id
            """,
                company=company.id,
                now=now,
            )
        )
        return self.env.cr.rowcount

    def _write_staged_rows(self, changed, now, extra):
        """Update the stored rows of crm_seg that differ, insert the new customers' rows;
        returns the number of rows written."""
        # rows are inserted in partner order here and in the history: the foreign-key checks then
        # read (and lock) res_partner page after page, not at random (full size, first
        # refresh: those checks 20.1 s -> 9.0 s)
        columns = [*WRITTEN_COLUMNS, *extra]
        names = SQL(", ").join(SQL.identifier(c) for c in columns)
        fresh = SQL(", ").join(SQL.identifier("n", c) for c in columns)
        current = SQL(", ").join(SQL.identifier("s", c) for c in columns)
        # rows that changed are updated (an upsert would lock every conflicting row, changed
        # or not); new customers are inserted (DO NOTHING: a concurrent refresh of the same
        # company got there first). A few thousand rows are reached through the primary
        # key (nested loops), a million by one hash join.
        nestloop = "on" if changed <= INCREMENTAL_MAX_CUSTOMERS else "off"
        with local_settings(self.env.cr, {"enable_nestloop": nestloop}):
            self.env.cr.execute(
                SQL(
                    """
                UPDATE crm_customer_score s
                   SET (%(names)s, segment_id, segment_since, computed_at)
                     = (%(fresh)s, n.new_segment,
                        CASE WHEN n.segment_id IS DISTINCT FROM n.new_segment THEN %(now)s
                             ELSE s.segment_since END,
                        %(now)s)
                  FROM crm_seg n
                 WHERE s.id = n.id
                   AND (%(current)s, s.segment_id) IS DISTINCT FROM (%(fresh)s, n.new_segment)
                """,
                    names=names,
                    fresh=fresh,
                    current=current,
                    now=now,
                )
            )
            written = self.env.cr.rowcount
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO crm_customer_score (
                partner_id, company_id, %(names)s, segment_id, segment_since, computed_at)
            SELECT partner_id, company_id, %(names)s, new_segment, %(now)s, %(now)s
              FROM crm_seg
             WHERE id IS NULL
             ORDER BY partner_id
            ON CONFLICT (partner_id, company_id) DO NOTHING
            """,
                names=names,
                now=now,
            )
        )
        return written + self.env.cr.rowcount

    def _remove_departed(self, company, now):
        """Delete the rows of the customers gone (not in crm_fig), with a history row for
        those who had a segment; returns the number of rows deleted."""
        self.env.cr.execute(
            SQL(
                """
            WITH gone AS (
                DELETE FROM crm_customer_score s
                 WHERE s.company_id = %(company)s
                   AND NOT EXISTS (SELECT 1 FROM crm_fig n WHERE n.partner_id = s.partner_id)
             RETURNING s.partner_id, s.user_id, s.segment_id
            )
            INSERT INTO crm_customer_segment_history (
                partner_id, user_id, company_id, previous_segment_id, segment_id, date)
            SELECT gone.partner_id, gone.user_id, %(company)s, gone.segment_id, NULL, %(now)s
              FROM gone
             WHERE gone.segment_id IS NOT NULL
            """,
                company=company.id,
                now=now,
            )
        )
        return self.env.cr.rowcount
