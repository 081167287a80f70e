from odoo import api, fields, models
from odoo.tools import SQL


class CrmCustomerScore(models.Model):
    """Service signals in the customer's insight: complaints, SLA breaches and low ratings
    of the last days (a setting) are figures of every refresh (crm_identification's
    `_extra_figures` hook), usable in segment rules, and put an otherwise active customer
    at risk when they pass the company's thresholds."""

    _inherit = "crm.customer.score"

    complaint_count = fields.Integer(
        string="Complaints",
        readonly=True,
        help="Complaints of the customer in the service-signal window.",
    )
    complaint_breach_count = fields.Integer(
        string="SLA Breaches",
        readonly=True,
        help="Complaints of the window whose SLA was breached.",
    )
    complaint_low_rating_count = fields.Integer(
        string="Low Ratings",
        readonly=True,
        help="Low satisfaction ratings given in the window.",
    )

    @api.model
    def _extra_figures(self, company):
        return super()._extra_figures(company) + [
            (
                self._complaint_signal_sql(company),
                [
                    "complaint_count",
                    "complaint_breach_count",
                    "complaint_low_rating_count",
                    "churn_signal",
                ],
            )
        ]

    @api.model
    def _complaint_signal_sql(self, company):
        """Per commercial partner of `company`: complaints created in the window, those
        breached, low ratings given on them in the window, and whether any count reaches its
        threshold (a threshold of 0 is off). One pass over the window's complaints and one
        over their ratings."""
        self.env["crm.complaint"].flush_model()
        self.env["rating.rating"].flush_model()
        return SQL(
            """
            SELECT c.commercial_partner_id AS partner_id,
                   count(*) AS complaint_count,
                   count(*) FILTER (WHERE c.sla_status = 'breached') AS complaint_breach_count,
                   COALESCE(sum(r.low), 0) AS complaint_low_rating_count,
                   (%(n_complaints)s > 0 AND count(*) >= %(n_complaints)s)
                   OR (%(n_breaches)s > 0
                       AND count(*) FILTER (WHERE c.sla_status = 'breached') >= %(n_breaches)s)
                   OR (%(n_low)s > 0 AND COALESCE(sum(r.low), 0) >= %(n_low)s) AS churn_signal
              FROM crm_complaint c
              LEFT JOIN (SELECT res_id, count(*) AS low
                           FROM rating_rating
                          WHERE res_model = 'crm.complaint' AND consumed
                            AND rating > 0 AND rating <= %(low)s
                            AND write_date >= now() - make_interval(days => %(days)s)
                          GROUP BY res_id) r ON r.res_id = c.id
             WHERE c.company_id = %(company)s AND c.active
               AND c.merged_into_id IS NULL -- a merged duplicate is the same complaint
               AND c.commercial_partner_id IS NOT NULL
               AND c.create_date >= now() - make_interval(days => %(days)s)
             GROUP BY c.commercial_partner_id
            """,
            company=company.id,
            days=company.crm_complaint_signal_days,
            low=company.crm_complaint_low_rating,
            n_complaints=company.crm_complaint_signal_complaints,
            n_breaches=company.crm_complaint_signal_breaches,
            n_low=company.crm_complaint_signal_low_ratings,
        )

    @api.depends("complaint_count", "complaint_breach_count", "complaint_low_rating_count")
    def _compute_explanation(self):
        return super()._compute_explanation()

    def _explain(self):
        lines = super()._explain()
        if self.complaint_count:
            lines.append(
                self.env._(
                    "Service in the last %(days)s days: %(complaints)s complaints,"
                    " %(breaches)s with the SLA breached, %(low)s low ratings.",
                    days=self.company_id.crm_complaint_signal_days,
                    complaints=self.complaint_count,
                    breaches=self.complaint_breach_count,
                    low=self.complaint_low_rating_count,
                )
            )
        return lines
