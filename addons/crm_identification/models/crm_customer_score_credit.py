from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from ..lib import credit
from .refresh_tools import figures_days

CREDIT_GRADES = [(letter, letter.upper()) for letter, _lowest, _months in credit.GRADES]


class CrmCustomerScore(models.Model):
    """Credit scoring: each customer's payment behaviour from posted invoices and their
    payments, added to the insight rows through `_extra_figures` (so it is written with
    them, and segment rules can use it). The score's definition: `lib/credit.py`."""

    _inherit = "crm.customer.score"

    credit_invoices = fields.Integer(
        string="Invoices Rated", readonly=True, help="Invoices of the look-back window, and "
        "older ones still open, that the credit figures come from."
    )  # fmt: skip
    credit_days_to_pay = fields.Float(
        string="Average Days to Pay", readonly=True, aggregator="avg", digits=(16, 1)
    )
    credit_late_share = fields.Float(
        string="Paid Late (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    credit_days_late = fields.Float(
        string="Average Days Late", readonly=True, aggregator="avg", digits=(16, 1)
    )
    credit_overdue = fields.Monetary(string="Overdue Now", readonly=True)
    credit_overdue_days = fields.Integer(
        string="Overdue For (days)",
        readonly=True,
        help="Days past due of the oldest open invoice.",
    )
    credit_score = fields.Integer(readonly=True, aggregator="avg")
    credit_grade = fields.Selection(CREDIT_GRADES, readonly=True)
    credit_limit_suggested = fields.Monetary(string="Suggested Credit Limit", readonly=True)

    @api.model
    def _extra_figures(self, company):
        return super()._extra_figures(company) + [
            (
                self._credit_sql(company),
                [
                    "credit_invoices",
                    "credit_days_to_pay",
                    "credit_late_share",
                    "credit_days_late",
                    "credit_overdue",
                    "credit_overdue_days",
                    "credit_score",
                    "credit_grade",
                    "credit_limit_suggested",
                ],
            )
        ]

    def _explain(self):
        lines = super()._explain()
        if self.credit_grade:
            lines += self._explain_credit()
        return lines

    def _explain_credit(self):
        _ = self.env._
        currency = self.company_id.currency_id
        lines = []
        if self.credit_days_to_pay:
            lines.append(
                _(
                    "Pays its invoices in %(days)s days on average; %(late)s%% paid after "
                    "the due date, %(days_late)s days late on average.",
                    days=round(self.credit_days_to_pay),
                    late=round(self.credit_late_share),
                    days_late=round(self.credit_days_late),
                )
            )
        if self.credit_overdue:
            lines.append(
                _(
                    "%(amount)s overdue now, the oldest for %(days)s days.",
                    amount=format_amount(self.env, self.credit_overdue, currency),
                    days=self.credit_overdue_days,
                )
            )
        lines.append(
            _(
                "Credit grade %(grade)s (score %(score)s of 100): suggested credit limit "
                "%(limit)s.",
                grade=self.credit_grade.upper(),
                score=self.credit_score,
                limit=format_amount(self.env, self.credit_limit_suggested, currency),
            )
        )
        if self.credit_limit_suggested <= self.company_id.crm_credit_floor:
            lines.append(
                _(
                    "That is the company's lowest credit limit: once applied, quotations and "
                    "invoices warn as soon as more than it is unpaid."
                )
            )
        return lines

    def action_apply_credit_limit(self):
        """Managers: put the suggested credit limit on the customer (Odoo's own partner
        credit limit, of this row's company), and turn the partner's limit on. A credit
        limit is a finance control: it takes a Customer Identification manager who may
        also set credit limits in Invoicing (Odoo's own rule for that field). The limit
        suggested is never 0 (which Odoo reads as no limit): grade E gets the company's
        lowest limit. Returns a notification, a warning when a company does not check
        credit limits (its Sales Credit Limit setting is off): the limit is then set but
        warns nobody."""
        user = self.env.user
        if not user.has_group(
            "crm_identification.group_crm_identification_manager"
        ) or not user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._(
                    "Applying a credit limit takes a Customer Identification manager who can "
                    "also bill customers in Invoicing. Ask one to apply the suggestion."
                )
            )
        unrated = self.filtered(lambda score: not score.credit_grade)
        if unrated:
            raise UserError(
                self.env._(
                    "%(customers)s has no credit grade yet: a grade needs an invoice that "
                    "fell due. Nothing was changed.",
                    customers=", ".join(unrated.partner_id.mapped("display_name")),
                )
            )
        unlimited = self.filtered(lambda score: score.credit_limit_suggested <= 0)
        if unlimited:
            raise UserError(
                self.env._(
                    "The suggested credit limit of %(customers)s is 0, which Odoo reads as no "
                    "limit at all. Refresh the customer insight (it suggests at least the "
                    "company's lowest credit limit) and apply again. Nothing was changed.",
                    customers=", ".join(unlimited.partner_id.mapped("display_name")),
                )
            )
        for score in self:
            partner = score.partner_id.with_company(score.company_id)
            partner.write(
                {"use_partner_credit_limit": True, "credit_limit": score.credit_limit_suggested}
            )
            partner.message_post(
                body=self.env._(
                    "Credit limit set to %(limit)s, as suggested by its credit grade %(grade)s.",
                    limit=format_amount(
                        self.env, score.credit_limit_suggested, score.company_id.currency_id
                    ),
                    grade=score.credit_grade.upper(),
                )
            )
        unchecked = self.company_id.filtered(lambda company: not company.account_use_credit_limit)
        if unchecked:
            return self._notify(
                "warning",
                self.env._(
                    "Credit limit set, but not checked: %(companies)s does not check credit "
                    "limits, so quotations and invoices of this customer will not warn. Turn "
                    "on Sales Credit Limit in the Invoicing settings.",
                    companies=", ".join(unchecked.mapped("name")),
                ),
            )
        return self._notify(
            "success",
            self.env._(
                "Credit limit set for %(customers)s: their quotations and invoices warn "
                "beyond it.",
                customers=", ".join(self.partner_id.mapped("display_name")),
            ),
        )

    def _notify(self, kind, message):
        """A notification of the web client, then the view reloaded."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": kind == "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _credit_sql(self, company):
        """One row per customer with an invoice of the window or still open: the credit
        figures (see `lib/credit.py`), in SQL. Paid invoices are dated by the last
        payment reconciled with them."""
        as_of = self._credit_day(company)
        start = as_of - timedelta(days=company.crm_lookback_days)
        (a_weight, b_weight, c_weight), cap = credit.WEIGHTS, credit.LATE_DAYS_CAP
        grade = SQL(" ").join(
            SQL("WHEN score >= %s THEN %s", lowest, letter)
            for letter, lowest, _months in credit.GRADES
        )
        months = SQL(" ").join(
            SQL("WHEN %s THEN %s", letter, months) for letter, _lowest, months in credit.GRADES
        )
        return SQL(
            """
            WITH inv AS (
                SELECT m.id, m.commercial_partner_id AS partner_id, m.invoice_date,
                       m.invoice_date_due AS due, m.amount_total_signed AS amount,
                       m.amount_residual_signed AS residual,
                       m.payment_state IN ('paid', 'in_payment') AS paid
                  FROM account_move m
                 WHERE m.company_id = %(company)s AND m.state = 'posted'
                   AND m.move_type = 'out_invoice' AND m.invoice_date <= %(as_of)s
                   AND (m.invoice_date >= %(start)s
                        OR m.payment_state NOT IN ('paid', 'in_payment', 'reversed'))
            ),
            paid_on AS (
                SELECT l.move_id, MAX(p.max_date) AS day
                  FROM account_move_line l
                  JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                 WHERE l.move_id IN (SELECT id FROM inv WHERE paid)
                   AND l.display_type = 'payment_term'
                 GROUP BY l.move_id
            ),
            figures AS (
                SELECT i.partner_id, COUNT(*) AS invoices,
                       AVG(d.day - i.invoice_date) AS days_to_pay,
                       COUNT(*) FILTER (WHERE d.day > i.due)::float
                           / NULLIF(COUNT(d.day), 0) AS late_share,
                       AVG(GREATEST(d.day - i.due, 0)) FILTER (WHERE d.day IS NOT NULL)
                           AS days_late,
                       COALESCE(SUM(i.residual) FILTER (WHERE i.residual > 0
                                                          AND i.due < %(as_of)s), 0) AS overdue,
                       MAX(%(as_of)s - i.due) FILTER (WHERE i.residual > 0
                                                        AND i.due < %(as_of)s) AS overdue_days,
                       COALESCE(SUM(i.amount) FILTER (WHERE i.invoice_date >= %(start)s), 0)
                           AS invoiced,
                       COUNT(d.day) + COUNT(*) FILTER (WHERE i.residual > 0
                                                        AND i.due < %(as_of)s) AS fallen_due
                  FROM inv i
                  LEFT JOIN paid_on d ON d.move_id = i.id
                 GROUP BY i.partner_id
            ),
            scored AS (
                SELECT f.*,
                       FLOOR(100 * (%(a)s * (1 - LEAST(GREATEST(COALESCE(late_share, 0), 0), 1))
                                    + %(b)s * (1 - LEAST(GREATEST(COALESCE(days_late, 0), 0),
                                                         %(cap)s) / %(cap)s)
                                    + %(c)s * CASE WHEN overdue <= 0 THEN 1
                                                   WHEN invoiced <= 0 THEN 0
                                                   ELSE 1 - LEAST(overdue / invoiced, 1) END)
                             + 0.5)::int AS score
                  FROM figures f
                 WHERE fallen_due > 0
            ),
            graded AS (
                SELECT s.*, CASE %(grade)s END AS grade FROM scored s
            )
            SELECT partner_id, invoices AS credit_invoices,
                   ROUND(days_to_pay::numeric, 1)::float8 AS credit_days_to_pay,
                   ROUND(100 * COALESCE(late_share, 0)::numeric, 1)::float8 AS credit_late_share,
                   ROUND(COALESCE(days_late, 0)::numeric, 1)::float8 AS credit_days_late,
                   overdue AS credit_overdue, overdue_days AS credit_overdue_days,
                   score AS credit_score, grade AS credit_grade,
                   %(limit)s AS credit_limit_suggested
              FROM graded
            """,
            company=company.id,
            as_of=as_of,
            start=start,
            a=a_weight,
            b=b_weight,
            c=c_weight,
            cap=float(cap),
            grade=grade,
            limit=self._credit_limit_sql(
                SQL("invoiced / %s * (CASE grade %s END)", company.crm_lookback_days
                    / credit.DAYS_PER_MONTH, months),
                company.crm_credit_floor,
            ),
        )  # fmt: skip

    def _credit_limit_sql(self, amount, floor):
        """SQL of `credit.suggested_limit` on an amount of months of sales: two significant
        digits (`credit.round_significant`), at least `floor` (never 0, Odoo's "no
        limit")."""
        return SQL(
            """GREATEST(CASE WHEN (%(v)s) > 0 THEN
                   FLOOR((%(v)s) / 10 ^ (FLOOR(LOG((%(v)s)::numeric)) - 1) + 0.5)
                   * 10 ^ (FLOOR(LOG((%(v)s)::numeric)) - 1)
               ELSE 0 END, %(floor)s)""",
            v=amount,
            floor=floor,
        )

    def _credit_day(self, company):
        """The day the credit figures are computed for: the refresh's (in the context)."""
        return figures_days(self.env.context).get(company.id) or self._today(company)
