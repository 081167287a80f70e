from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_complaint_key_segment_ids = fields.Many2many(
        related="company_id.crm_complaint_key_segment_ids", readonly=False
    )
    crm_complaint_low_rating = fields.Integer(
        related="company_id.crm_complaint_low_rating", readonly=False
    )
    crm_complaint_low_rating_action = fields.Selection(
        related="company_id.crm_complaint_low_rating_action", readonly=False
    )
    crm_complaint_point_value = fields.Float(
        related="company_id.crm_complaint_point_value", readonly=False
    )
    crm_complaint_users_grant_points = fields.Boolean(
        related="company_id.crm_complaint_users_grant_points", readonly=False
    )
    crm_complaint_max_attachment_mb = fields.Integer(
        related="company_id.crm_complaint_max_attachment_mb", readonly=False
    )
    crm_complaint_forbidden_extensions = fields.Char(
        related="company_id.crm_complaint_forbidden_extensions", readonly=False
    )
    crm_complaint_web_limit = fields.Integer(
        related="company_id.crm_complaint_web_limit", readonly=False
    )
    crm_complaint_signal_days = fields.Integer(
        related="company_id.crm_complaint_signal_days", readonly=False
    )
    crm_complaint_signal_complaints = fields.Integer(
        related="company_id.crm_complaint_signal_complaints", readonly=False
    )
    crm_complaint_signal_breaches = fields.Integer(
        related="company_id.crm_complaint_signal_breaches", readonly=False
    )
    crm_complaint_signal_low_ratings = fields.Integer(
        related="company_id.crm_complaint_signal_low_ratings", readonly=False
    )
    crm_complaint_duplicate_days = fields.Integer(
        related="company_id.crm_complaint_duplicate_days", readonly=False
    )
