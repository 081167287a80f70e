from odoo import api, fields, models

PRICE_POSITIONS = [
    ("lower", "Cheaper than us"),
    ("similar", "About our price"),
    ("higher", "Dearer than us"),
    ("premium", "Premium"),
]


class CrmCompetitor(models.Model):
    _name = "crm.competitor"
    _description = "Competitor"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    website = fields.Char()
    strengths = fields.Text()
    weaknesses = fields.Text()
    price_position = fields.Selection(PRICE_POSITIONS, tracking=True)
    offering = fields.Html(string="Products They Sell")
    product_ids = fields.Many2many(
        "product.template",
        string="Our Products They Compete With",
        check_company=True,
    )
    battle_card = fields.Html(help="How to win against this competitor: questions, proof, traps.")
    link_ids = fields.One2many("crm.competitor.link", "competitor_id", string="Links")
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)
    lead_ids = fields.Many2many(
        "crm.lead", "crm_lead_competitor_rel", "competitor_id", "lead_id", string="Opportunities"
    )
    opportunity_count = fields.Integer(compute="_compute_win_loss")
    won_count = fields.Integer(string="Won Against", compute="_compute_win_loss")
    lost_count = fields.Integer(string="Lost To", compute="_compute_win_loss")
    win_rate = fields.Float(string="Win Rate (%)", compute="_compute_win_loss")

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "This competitor is already recorded for this company.",
        ),
    ]

    @api.depends("lead_ids")
    @api.depends_context("uid")
    def _compute_win_loss(self):
        """Counts from the win/loss report in one grouped read: deals where the competitor was
        in the race, won by us, and lost (to anyone) while they were in it; of the deals the
        reader may open, as the report shows them."""
        counts = {
            (competitor.id, outcome): count
            for competitor, outcome, count in self.env["crm.competitor.report"]._read_group(
                [("competitor_id", "in", self.ids)],
                ["competitor_id", "outcome"],
                ["__count"],
            )
        }
        for competitor in self:
            won = counts.get((competitor.id, "won"), 0)
            lost = counts.get((competitor.id, "lost"), 0)
            competitor.won_count = won
            competitor.lost_count = lost
            competitor.opportunity_count = won + lost + counts.get((competitor.id, "open"), 0)
            competitor.win_rate = 100.0 * won / (won + lost) if won + lost else 0.0

    def action_open_win_loss(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_sfa_ext.crm_competitor_report_action"
        )
        action["domain"] = [("competitor_id", "=", self.id)]
        action["context"] = {"search_default_group_outcome": 1}
        return action

    def action_open_opportunities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [("competitor_ids", "in", self.ids)]
        action["context"] = {"active_test": False}
        return action
