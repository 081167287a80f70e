from odoo import fields, models


class CrmCustomerSegmentHistory(models.Model):
    """One row each time a customer changes segment (written by the refresh)."""

    _name = "crm.customer.segment.history"
    _description = "Customer Segment History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True
    _log_access = False  # written set-based by the refresh; `date` says when

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, check_company=True
    )
    # the customer's salesperson, as on crm.customer.score: the record rules read it
    user_id = fields.Many2one(
        "res.users", string="Salesperson", related="partner_id.user_id", store=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    previous_segment_id = fields.Many2one(
        "crm.customer.segment", ondelete="set null", check_company=True
    )
    segment_id = fields.Many2one("crm.customer.segment", ondelete="set null", check_company=True)
    date = fields.Datetime(required=True, index=True)
