from odoo import fields, models, tools


class CrmLoyaltyRetentionReport(models.Model):
    """Members against non-members, per customer segment: of the customers who ordered in
    the last twelve months, how many ordered again (repeat-purchase rate); of those who
    ordered in the twelve months before, how many ordered in the last twelve (retention
    rate). A member holds an active card of a ledger programme of the company; the segment
    is the customer's current one (crm_identification)."""

    _name = "crm.loyalty.retention.report"
    _description = "Loyalty Members' Retention"
    _auto = False
    _order = "company_id, segment_id, is_member desc"

    company_id = fields.Many2one("res.company", readonly=True)
    segment_id = fields.Many2one("crm.customer.segment", readonly=True)
    is_member = fields.Boolean(string="Members", readonly=True)
    buyers = fields.Integer(string="Customers (12 Months)", readonly=True)
    repeat_buyers = fields.Integer(string="Ordered Twice or More", readonly=True)
    previous_buyers = fields.Integer(string="Customers (Year Before)", readonly=True)
    retained = fields.Integer(string="Still Ordering", readonly=True)
    repeat_rate = fields.Float(string="Repeat-Purchase Rate (%)", readonly=True, aggregator="avg")
    retention_rate = fields.Float(string="Retention Rate (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW crm_loyalty_retention_report AS
            WITH orders AS (
                SELECT so.company_id, p.commercial_partner_id AS customer,
                       COUNT(*) FILTER (WHERE so.date_order >= CURRENT_DATE - INTERVAL '12 months')
                           AS recent,
                       COUNT(*) FILTER (WHERE so.date_order < CURRENT_DATE - INTERVAL '12 months')
                           AS previous
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.date_order >= CURRENT_DATE - INTERVAL '24 months'
                 GROUP BY 1, 2
            ), members AS (
                SELECT DISTINCT c.company_id, cp.commercial_partner_id AS customer
                  FROM loyalty_card c
                  JOIN res_partner cp ON cp.id = c.partner_id
                 WHERE c.crm_enabled AND c.active
            ), counts AS (
                SELECT o.company_id,
                       (cp.crm_segment_id ->> o.company_id::text)::int AS segment_id,
                       EXISTS (SELECT 1 FROM members m
                                WHERE m.customer = o.customer
                                  AND (m.company_id = o.company_id OR m.company_id IS NULL))
                           AS is_member,
                       o.recent, o.previous
                  FROM orders o
                  JOIN res_partner cp ON cp.id = o.customer
            )
            SELECT ROW_NUMBER() OVER (ORDER BY company_id, segment_id, is_member) AS id,
                   company_id, segment_id, is_member,
                   COUNT(*) FILTER (WHERE recent > 0) AS buyers,
                   COUNT(*) FILTER (WHERE recent > 1) AS repeat_buyers,
                   COUNT(*) FILTER (WHERE previous > 0) AS previous_buyers,
                   COUNT(*) FILTER (WHERE previous > 0 AND recent > 0) AS retained,
                   CASE WHEN COUNT(*) FILTER (WHERE recent > 0) > 0
                        THEN 100.0 * COUNT(*) FILTER (WHERE recent > 1)
                             / COUNT(*) FILTER (WHERE recent > 0) ELSE 0 END AS repeat_rate,
                   CASE WHEN COUNT(*) FILTER (WHERE previous > 0) > 0
                        THEN 100.0 * COUNT(*) FILTER (WHERE previous > 0 AND recent > 0)
                             / COUNT(*) FILTER (WHERE previous > 0) ELSE 0 END AS retention_rate
              FROM counts
             GROUP BY company_id, segment_id, is_member
            """
        )
