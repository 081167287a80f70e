from odoo import models
from odoo.tools import SQL

# the states of an order paid at the till
POS_PAID = ("paid", "done", "invoiced")


class CrmLoyaltyOffer(models.Model):
    _inherit = "crm.loyalty.offer"

    def _measure_redemption_sql(self, start, end):
        """Rewards of the offer's programme claimed at the till count as redemptions."""
        return SQL(
            """%s
             UNION
            SELECT p.commercial_partner_id
              FROM pos_order_line pol
              JOIN loyalty_reward r ON r.id = pol.reward_id
              JOIN pos_order po ON po.id = pol.order_id
              JOIN res_partner p ON p.id = po.partner_id
             WHERE r.program_id = %s AND po.state = ANY(%s)
               AND po.date_order >= %s AND po.date_order < %s
               AND p.commercial_partner_id IN (SELECT customer FROM offer_customers)""",
            super()._measure_redemption_sql(start, end),
            self.program_id.id,
            list(POS_PAID),
            start,
            end,
        )

    def _measure_revenue_sql(self, start, end):
        """What the customers spent at the till counts as revenue (untaxed, refunds
        negative)."""
        return SQL(
            """%s
             UNION ALL
            SELECT p.commercial_partner_id, (po.amount_total - po.amount_tax) / COALESCE(
                       NULLIF(po.currency_rate, 0), 1)
              FROM pos_order po
              JOIN res_partner p ON p.id = po.partner_id
             WHERE po.state = ANY(%s) AND po.company_id = %s
               AND po.date_order >= %s AND po.date_order < %s
               AND p.commercial_partner_id IN (SELECT customer FROM offer_customers)""",
            super()._measure_revenue_sql(start, end),
            list(POS_PAID),
            self.company_id.id,
            start,
            end,
        )
