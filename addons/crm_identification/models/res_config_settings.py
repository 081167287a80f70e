from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_lookback_days = fields.Integer(related="company_id.crm_lookback_days", readonly=False)
    crm_sales_source = fields.Selection(related="company_id.crm_sales_source", readonly=False)
    crm_monetary_basis = fields.Selection(related="company_id.crm_monetary_basis", readonly=False)
    crm_score_method = fields.Selection(related="company_id.crm_score_method", readonly=False)
    crm_recency_thresholds = fields.Char(
        related="company_id.crm_recency_thresholds", readonly=False
    )
    crm_frequency_thresholds = fields.Char(
        related="company_id.crm_frequency_thresholds", readonly=False
    )
    crm_monetary_thresholds = fields.Char(
        related="company_id.crm_monetary_thresholds", readonly=False
    )
    crm_churn_method = fields.Selection(related="company_id.crm_churn_method", readonly=False)
    crm_churn_factor = fields.Float(related="company_id.crm_churn_factor", readonly=False)
    crm_at_risk_factor = fields.Float(related="company_id.crm_at_risk_factor", readonly=False)
    crm_churn_days = fields.Integer(related="company_id.crm_churn_days", readonly=False)
    crm_at_risk_days = fields.Integer(related="company_id.crm_at_risk_days", readonly=False)
    crm_tier_a_share = fields.Float(related="company_id.crm_tier_a_share", readonly=False)
    crm_tier_b_share = fields.Float(related="company_id.crm_tier_b_share", readonly=False)
    crm_clv_horizon_days = fields.Integer(
        related="company_id.crm_clv_horizon_days", readonly=False
    )
    crm_clv_discount_rate = fields.Float(
        related="company_id.crm_clv_discount_rate", readonly=False
    )
    crm_basket_min_support = fields.Float(
        related="company_id.crm_basket_min_support", readonly=False
    )
    crm_basket_min_confidence = fields.Float(
        related="company_id.crm_basket_min_confidence", readonly=False
    )
    crm_basket_min_lift = fields.Float(related="company_id.crm_basket_min_lift", readonly=False)
    crm_basket_min_orders = fields.Integer(
        related="company_id.crm_basket_min_orders", readonly=False
    )
    crm_credit_floor = fields.Float(related="company_id.crm_credit_floor", readonly=False)
