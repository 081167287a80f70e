from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_complaint_key_segment_ids = fields.Many2many(
        "crm.customer.segment",
        "crm_complaint_key_segment_rel",
        "company_id",
        "segment_id",
        string="Key Segments for Complaints",
        help="Complaints of customers in these segments are High priority (at least), as "
        "are those of tier-A customers.",
    )
    crm_complaint_low_rating = fields.Integer(
        string="Low Rating (at or below)",
        default=2,
        help="Ratings go from 1 (unhappy) to 5 (happy); a rating at or below this is low.",
    )
    crm_complaint_low_rating_action = fields.Selection(
        [("reopen", "Reopen the complaint"), ("activity", "Schedule a follow-up activity")],
        string="On a Low Rating",
        default="reopen",
        required=True,
    )
    crm_complaint_point_value = fields.Float(
        string="Cost of a Loyalty Point",
        digits=(16, 4),
        default=0.01,
        help="What one goodwill point costs the company, to count it in a complaint's cost.",
    )
    crm_complaint_users_grant_points = fields.Boolean(
        string="Complaint Users Grant Points",
        help="Let complaint users (not only managers) grant goodwill points.",
    )
    crm_complaint_max_attachment_mb = fields.Integer(
        string="Largest Attachment (MB)",
        default=10,
        help="Larger attachments of emails and portal messages are not kept; the message "
        "says which were left out.",
    )
    crm_complaint_forbidden_extensions = fields.Char(
        string="Forbidden Attachment Types",
        default="exe,bat,cmd,com,js,jar,msi,ps1,scr,vbs",
        help="File extensions never kept, separated by commas.",
    )
    crm_complaint_web_limit = fields.Integer(
        string="Web Form Complaints per Hour",
        default=5,
        help="From one address (IP) or one email, on the public complaint form.",
    )
    crm_complaint_signal_days = fields.Integer(
        string="Service Signal Window (days)",
        default=365,
        help="Complaints, SLA breaches and ratings of this many days feed the customer's "
        "churn risk.",
    )
    crm_complaint_signal_complaints = fields.Integer(
        string="Complaints That Signal Risk",
        default=3,
        help="This many complaints in the window put an active customer at risk.",
    )
    crm_complaint_signal_breaches = fields.Integer(
        string="SLA Breaches That Signal Risk",
        default=2,
    )
    crm_complaint_signal_low_ratings = fields.Integer(
        string="Low Ratings That Signal Risk",
        default=1,
    )
    crm_complaint_duplicate_days = fields.Integer(
        string="Duplicate Window (days)",
        default=3,
        help="Complaints of the same customer about the same order or product within this "
        "many days of each other are shown as likely duplicates; 0 turns the check off.",
    )
