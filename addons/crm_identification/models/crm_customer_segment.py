import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

_logger = logging.getLogger(__name__)

# figures the nightly refresh keeps for customers whose sales did not change, until the
# weekly recount predicts everyone again
WEEKLY_FIGURES = ("clv", "p_alive", "expected_orders")


class CrmCustomerSegment(models.Model):
    _name = "crm.customer.segment"
    _description = "Customer Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10,
        help="Rules are tried in this order; a customer joins the first segment "
        "whose rule it matches.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    rule_domain = fields.Char(
        string="Rule",
        default="[]",
        required=True,
        help="Which customers belong here: a condition on their scores (R, F, M from 1 to "
        "5, tier, churn status, ...) and on the customer's own fields.",
    )
    rule_error = fields.Char(
        readonly=True,
        help="Set when the rule stopped working (for example a field it uses was removed); "
        "the segment is skipped until the rule is fixed.",
    )
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to use this segment in every company.",
    )
    reads_weekly_figures = fields.Boolean(
        compute="_compute_reads_weekly_figures",
        help="The rule reads the lifetime value or the probability of being active, which the "
        "nightly refresh predicts again only for customers whose sales changed.",
    )
    customer_count = fields.Integer(compute="_compute_figures")
    revenue = fields.Monetary(compute="_compute_figures", currency_field="currency_id")
    revenue_share = fields.Float(string="Share of Revenue (%)", compute="_compute_figures")
    average_clv = fields.Monetary(
        string="Average Lifetime Value", compute="_compute_figures", currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("rule_domain")
    def _compute_reads_weekly_figures(self):
        for segment in self:
            segment.reads_weekly_figures = any(
                name in (segment.rule_domain or "") for name in WEEKLY_FIGURES
            )

    @api.depends_context("company", "allowed_company_ids", "uid")
    def _compute_figures(self):
        """Counts and revenue of the current company, in two grouped reads for all segments."""
        Score = self.env["crm.customer.score"]
        domain = [("company_id", "=", self.env.company.id)]
        per_segment = {
            segment.id: (count, revenue, clv)
            for segment, count, revenue, clv in Score._read_group(
                domain + [("segment_id", "in", self.ids)],
                ["segment_id"],
                ["__count", "monetary:sum", "clv:avg"],
            )
        }
        total = Score._read_group(domain, [], ["monetary:sum"])[0][0] or 0.0
        for segment in self:
            count, revenue, clv = per_segment.get(segment.id, (0, 0.0, 0.0))
            segment.customer_count = count
            segment.revenue = revenue or 0.0
            segment.revenue_share = 100.0 * revenue / total if total and revenue else 0.0
            segment.average_clv = clv or 0.0

    @api.constrains("rule_domain")
    def _check_rule_domain(self):
        for segment in self:
            try:
                domain = safe_eval(segment.rule_domain or "[]")
                self.env["crm.customer.score"].sudo()._search(domain)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The rule of segment “%(segment)s” is not a valid condition on "
                        "customer scores: %(error)s. Fix the rule, for example "
                        "[('recency_score', '>=', 4), ('frequency_score', '>=', 4)].",
                        segment=segment.name,
                        error=error,
                    )
                ) from error

    def write(self, vals):
        if "rule_domain" in vals:
            vals = dict(vals, rule_error=False)
        return super().write(vals)

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_identification.crm_customer_score_action"
        )
        action.update(
            name=self.name,
            domain=[("segment_id", "=", self.id), ("company_id", "=", self.env.company.id)],
            context={},
        )
        return action

    def action_create_partner_filter(self):
        """A saved filter on contacts for this segment, to reuse in lists and mailings:
        shared with everyone, so for Customer Identification managers."""
        self.ensure_one()
        if not self.env.user.has_group("crm_identification.group_crm_identification_manager"):
            raise AccessError(
                self.env._(
                    "Saving a segment as a contact filter shares it with every user: ask a "
                    "Customer Identification manager to do it."
                )
            )
        domain = repr([("crm_segment_id", "=", self.id)])
        values = {
            "name": self.env._("Segment: %(segment)s", segment=self.name),
            "model_id": "res.partner",
            "domain": domain,
            "user_id": False,
        }
        saved = self.env["ir.filters"].search(
            [("model_id", "=", "res.partner"), ("domain", "=", domain)], limit=1
        ) or self.env["ir.filters"].create(values)
        if "mailing.filter" in self.env:
            model = self.env["ir.model"]._get("res.partner")
            if not self.env["mailing.filter"].search_count(
                [("mailing_model_id", "=", model.id), ("mailing_domain", "=", domain)]
            ):
                self.env["mailing.filter"].create(
                    {
                        "name": values["name"],
                        "mailing_model_id": model.id,
                        "mailing_domain": domain,
                    }
                )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Saved filter “%(name)s” created: pick it in Contacts > Favorites "
                    "or as the recipients of a mailing.",
                    name=saved.name,
                ),
            },
        }

    @api.model
    def _rules_case_sql(self):
        """The rules of the current company's segments as one SQL CASE giving the segment
        of a row of customer figures aliased like the crm_customer_score table (used by the
        refresh's write step). A rule that no longer compiles is skipped and its error is
        recorded on the segment (never a crashed cron)."""
        Score = self.env["crm.customer.score"].sudo().with_context(active_test=False)
        cases = []
        for segment in self.sudo().search([("company_id", "in", [self.env.company.id, False])]):
            try:
                query = Score._search(safe_eval(segment.rule_domain or "[]"))
                if query._joins or query.table != Score._table:
                    raise ValueError(self.env._("the rule needs a join"))
                condition = query.where_clause if query._where_clauses else SQL("TRUE")
                cases.append(SQL("WHEN %s THEN %s", condition, segment.id))
                error = False
            except Exception as exc:  # a rule broken by a later change: report, go on
                error = str(exc)
                _logger.warning("Segment %s skipped: its rule fails: %s", segment.name, exc)
            if segment.rule_error != error:
                segment.rule_error = error
        self.env.flush_all()
        return SQL("CASE %s END", SQL(" ").join(cases)) if cases else SQL("NULL::int")
