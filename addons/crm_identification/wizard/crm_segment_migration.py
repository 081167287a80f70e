from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmSegmentMigration(models.TransientModel):
    """From-segment x to-segment counts of customers between two dates, from the history."""

    _name = "crm.segment.migration"
    _description = "Segment Migration Matrix"
    _check_company_auto = True

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=90)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    line_ids = fields.One2many("crm.segment.migration.line", "wizard_id")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(
                    self.env._("The start date must be before the end date; swap them.")
                )

    def action_compute(self):
        self.ensure_one()
        self.line_ids.unlink()
        history = self.env["crm.customer.segment.history"]
        # record rules of the history apply (a salesperson sees their own customers only)
        visible = history._search([("company_id", "=", self.company_id.id)])
        rows = self.env.execute_query(
            SQL(
                """
            WITH visible AS (
                SELECT id, partner_id, segment_id, date FROM crm_customer_segment_history
                 WHERE id IN %(visible)s
            ),
            at_from AS (
                SELECT DISTINCT ON (partner_id) partner_id, segment_id
                  FROM visible WHERE date < %(date_from)s
                 ORDER BY partner_id, date DESC, id DESC
            ),
            at_to AS (
                SELECT DISTINCT ON (partner_id) partner_id, segment_id
                  FROM visible WHERE date < %(date_to)s
                 ORDER BY partner_id, date DESC, id DESC
            )
            SELECT f.segment_id, t.segment_id, COUNT(*)
              FROM at_to t LEFT JOIN at_from f USING (partner_id)
             GROUP BY f.segment_id, t.segment_id
            """,
                visible=visible.subselect(),
                date_from=self.date_from + timedelta(days=1),
                date_to=self.date_to + timedelta(days=1),
            )
        )
        self.env["crm.segment.migration.line"].create(
            [
                {
                    "wizard_id": self.id,
                    "from_segment_id": from_segment,
                    "to_segment_id": to_segment,
                    "customer_count": count,
                }
                for from_segment, to_segment, count in rows
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Segment migration %(start)s → %(end)s", start=self.date_from, end=self.date_to
            ),
            "res_model": "crm.segment.migration.line",
            "view_mode": "pivot,list",
            "domain": [("wizard_id", "=", self.id)],
            "context": {"search_default_wizard_id": self.id},
        }


class CrmSegmentMigrationLine(models.TransientModel):
    _name = "crm.segment.migration.line"
    _description = "Segment Migration Matrix Cell"
    _check_company_auto = True

    wizard_id = fields.Many2one("crm.segment.migration", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="wizard_id.company_id")
    from_segment_id = fields.Many2one("crm.customer.segment", check_company=True)
    to_segment_id = fields.Many2one("crm.customer.segment", check_company=True)
    customer_count = fields.Integer(string="Customers")
