import re

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.sql_columns import select_columns

# The report's columns in order and their SQL type, the same in every source: PostgreSQL
# then reads the sources as one scan (a UNION ALL of identical types is flattened), pushes
# the domain's conditions into each and computes only the columns a read asks for; a zero
# of another type (integer for a numeric figure) makes it compute every column of every row.
COLUMN_TYPES = {
    "id": "int",
    "date": "date",
    "source": "varchar",
    "undated": "boolean",
    "user_id": "int",
    "team_id": "int",
    "company_id": "int",
    "lead_id": "int",
    "target_revenue": "numeric",
    "target_count": "int",
    "pipeline": "numeric",
    "weighted": "numeric",
    "open_weighted": "numeric",
    "undated_pipeline": "numeric",
    "still_to_win": "numeric",
    "commit": "numeric",
    "best_case": "numeric",
    "won_revenue": "numeric",
    "won_count": "int",
    "ordered": "numeric",
    "invoiced": "numeric",
}
# groups by date whose values (first days) Python sorts as PostgreSQL does
DATE_GRANULARITIES = ("day", "week", "month", "quarter", "year")


class CrmForecastReport(models.Model):
    """Targets, pipeline, won, ordered and invoiced figures, one row per document, in company
    currency, dated by the day the figure falls on:

    - targets on their first day (``crm_sales_target``); a quarterly or yearly quota phased
      into monthly targets is counted through its months, not twice;
    - open opportunities on their expected closing date: pipeline (expected revenue),
      weighted (times the probability), commit and best case by forecast category; those
      without an expected closing date have no date and are flagged ``undated`` (the
      "undated" bucket: a search for a period takes them with ``| undated``);
    - won opportunities on their closing date: won revenue and count, and counted in the
      weighted, commit and best-case forecasts at their full amount;
    - confirmed sales orders on their order date (``sale_order``);
    - posted customer invoices less refunds on their invoice date (``account_move``).

    ``still_to_win`` is the target less what is won (target rows add, won rows subtract), so
    that a sum over a period and a salesperson gives what remains to win; pipeline coverage is
    the open weighted pipeline over it (on the targets and the forecast sheet).

    A read is one query over these sources (``_table_query``), plus one search to order its
    groups by salesperson or team (``_read_group``); group by period, salesperson and team in
    the pivot, graph and the targets' dashboard.
    """

    _name = "crm.forecast.report"
    _description = "Sales Forecast Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"
    _depends = {
        "crm.sales.target": [
            "date_from", "user_id", "team_id", "company_id", "target_revenue", "target_won_count",
            "parent_id",
        ],
        "crm.lead": [
            "active", "type", "stage_id", "date_closed", "date_deadline", "user_id", "team_id",
            "company_id", "expected_revenue", "probability", "sfa_forecast_category",
        ],
        "crm.stage": ["is_won"],
        "sale.order": [
            "state", "date_order", "user_id", "team_id", "company_id", "amount_untaxed",
            "currency_rate",
        ],
        "account.move": [
            "state", "move_type", "invoice_date", "invoice_user_id", "team_id", "company_id",
            "amount_untaxed_signed",
        ],
    }  # fmt: skip

    date = fields.Date(readonly=True)
    source = fields.Selection(
        [
            ("target", "Target"),
            ("open", "Open Opportunity"),
            ("won", "Won Opportunity"),
            ("order", "Sales Order"),
            ("invoice", "Invoice"),
        ],
        readonly=True,
    )
    undated = fields.Boolean(
        readonly=True, help="An open opportunity without an expected closing date."
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    target_revenue = fields.Monetary(string="Target", readonly=True)
    target_count = fields.Integer(string="Won Deals Target", readonly=True)
    pipeline = fields.Monetary(string="Open Pipeline", readonly=True)
    weighted = fields.Monetary(string="Weighted Forecast", readonly=True)
    open_weighted = fields.Monetary(string="Open Weighted Pipeline", readonly=True)
    undated_pipeline = fields.Monetary(readonly=True)
    still_to_win = fields.Monetary(readonly=True)
    commit = fields.Monetary(readonly=True)
    best_case = fields.Monetary(readonly=True)
    won_revenue = fields.Monetary(string="Won", readonly=True)
    won_count = fields.Integer(string="Deals Won", readonly=True)
    ordered = fields.Monetary(readonly=True)
    invoiced = fields.Monetary(readonly=True)

    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        """Groups by salesperson, team or opportunity in their own order (salespeople by
        name) without joining res_users and res_partner to every row of the report before
        grouping, as Odoo's ORDER BY on a many2one does (a read by salesperson took three
        times a read of the totals on the medium benchmark): the groups ordered by id,
        then sorted by one search of their few records, in the order Odoo gives."""
        sort_terms = None if offset or limit else self._group_sort_terms(groupby, order)
        if sort_terms is None:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        rows = super()._read_group(domain, groupby, aggregates, having)
        for position, field, descending in reversed(sort_terms):
            values = [row[position] for row in rows]
            if field.type == "many2one":
                records = self.env[field.comodel_name].union(*values)
                ranked = (
                    records.sudo()
                    .with_context(active_test=False)
                    .search([("id", "in", records.ids)])
                )
                rank = {record_id: index for index, record_id in enumerate(ranked.ids)}
                values = [rank.get(value.id) for value in values]
            else:  # a date group's day, False for the rows without one
                values = [value or None for value in values]
            # PostgreSQL's order: nulls last going up, first going down (a stable sort)
            keys = [(value is None, value) for value in values]
            rows = [
                row
                for _key, row in sorted(
                    zip(keys, rows, strict=True), key=lambda pair: pair[0], reverse=descending
                )
            ]
        return rows

    def _group_sort_terms(self, groupby, order):
        """[(position in the groupby, field, descending)] when every term of ``order`` is
        a group by a many2one or by a date's day, week, month, quarter or year (values
        Python orders as PostgreSQL does), else None (Odoo's own ordering)."""
        if not order:
            return None
        terms = []
        for part in order.split(","):
            match = re.fullmatch(r"\s*([\w.:]+)(?:\s+(asc|desc))?\s*", part, re.IGNORECASE)
            if not match or match[1] not in groupby:
                return None
            fname, _sep, granularity = match[1].partition(":")
            field = self._fields[fname]
            by_record = field.type == "many2one" and not granularity
            by_date = field.type == "date" and granularity in DATE_GRANULARITIES
            if not (by_record or by_date):
                return None
            descending = (match[2] or "asc").lower() == "desc"
            terms.append((list(groupby).index(match[1]), field, descending))
        return terms

    @property
    def _table_query(self):
        return SQL(" UNION ALL ").join(
            [
                self._select_targets(),
                self._select_leads(),
                self._select_orders(),
                self._select_invoices(),
            ]
        )

    def _columns(self, **values):
        """The report's columns in order, zero where the source has no such figure, each of
        the same type in every source (``COLUMN_TYPES``)."""
        typed = {
            name: SQL("(%s)::%s", value, SQL(COLUMN_TYPES[name])) for name, value in values.items()
        }
        return select_columns(COLUMN_TYPES, typed, self._empty_column)

    @staticmethod
    def _empty_column(name):
        if name.endswith("_id"):
            return SQL("NULL::int")
        return SQL("FALSE") if name == "undated" else SQL("0::%s", SQL(COLUMN_TYPES[name]))

    def _select_targets(self):
        return SQL(
            """SELECT %s FROM crm_sales_target t
                WHERE NOT EXISTS (SELECT FROM crm_sales_target c WHERE c.parent_id = t.id)""",
            self._columns(
                id=SQL("t.id * 8"),
                date=SQL("t.date_from"),
                source=SQL("'target'"),
                user_id=SQL("t.user_id"),
                team_id=SQL("t.team_id"),
                company_id=SQL("t.company_id"),
                target_revenue=SQL("t.target_revenue"),
                target_count=SQL("t.target_won_count"),
                still_to_win=SQL("t.target_revenue"),
            ),
        )

    def _select_leads(self):
        won = SQL("s.is_won")
        revenue = SQL("COALESCE(l.expected_revenue, 0)")
        open_weighted = SQL("%s * COALESCE(l.probability, 0)::numeric / 100", revenue)
        # is_won is NULL on stages created without it
        undated = SQL("(%s IS NOT TRUE AND l.date_deadline IS NULL)", won)
        return SQL(
            """SELECT %s FROM crm_lead l
                 JOIN crm_stage s ON s.id = l.stage_id
                WHERE l.active AND l.type = 'opportunity'""",
            self._columns(
                id=SQL("l.id * 8 + 1"),
                date=SQL("CASE WHEN %s THEN l.date_closed::date ELSE l.date_deadline END", won),
                source=SQL("CASE WHEN %s THEN 'won' ELSE 'open' END", won),
                undated=undated,
                user_id=SQL("l.user_id"),
                team_id=SQL("l.team_id"),
                company_id=SQL("l.company_id"),
                lead_id=SQL("l.id"),
                pipeline=SQL("CASE WHEN %s THEN 0 ELSE %s END", won, revenue),
                weighted=SQL("CASE WHEN %s THEN %s ELSE %s END", won, revenue, open_weighted),
                open_weighted=SQL("CASE WHEN %s THEN 0 ELSE %s END", won, open_weighted),
                undated_pipeline=SQL("CASE WHEN %s THEN %s ELSE 0 END", undated, revenue),
                still_to_win=SQL("CASE WHEN %s THEN -%s ELSE 0 END", won, revenue),
                commit=SQL(
                    "CASE WHEN %s OR l.sfa_forecast_category = 'commit' THEN %s ELSE 0 END",
                    won,
                    revenue,
                ),
                best_case=SQL(
                    "CASE WHEN %s OR l.sfa_forecast_category IN ('commit', 'best_case') "
                    "THEN %s ELSE 0 END",
                    won,
                    revenue,
                ),
                won_revenue=SQL("CASE WHEN %s THEN %s ELSE 0 END", won, revenue),
                won_count=SQL("CASE WHEN %s THEN 1 ELSE 0 END", won),
            ),
        )

    def _select_orders(self):
        return SQL(
            "SELECT %s FROM sale_order o WHERE o.state = 'sale'",
            self._columns(
                id=SQL("o.id * 8 + 2"),
                date=SQL("o.date_order::date"),
                source=SQL("'order'"),
                user_id=SQL("o.user_id"),
                team_id=SQL("o.team_id"),
                company_id=SQL("o.company_id"),
                ordered=SQL("o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)"),
            ),
        )

    def _select_invoices(self):
        return SQL(
            """SELECT %s FROM account_move m
                WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')""",
            self._columns(
                id=SQL("m.id * 8 + 3"),
                date=SQL("m.invoice_date"),
                source=SQL("'invoice'"),
                user_id=SQL("m.invoice_user_id"),
                team_id=SQL("m.team_id"),
                company_id=SQL("m.company_id"),
                invoiced=SQL("m.amount_untaxed_signed"),
            ),
        )
