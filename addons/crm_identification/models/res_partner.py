from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .crm_customer_score import CHURN_STATUSES, VALUE_TIERS
from .crm_customer_score_credit import CREDIT_GRADES
from .crm_customer_touch import PARTNER_FIGURE_FIELDS, note_customers
from .refresh_tools import INDEXED, local_settings

_GROUP = "crm_identification.group_crm_identification_user"
# a label of the insight stored on the contact: one value per company, written by the
# refresh only, no index (the refresh rewrites it; searches go through the contact list)
_LABEL = {
    "company_dependent": True,
    "readonly": True,
    "index": False,
    "copy": False,
    "groups": _GROUP,
}
# those labels: contact field -> crm_customer_score column
LABELS = {
    "crm_segment_id": "segment_id",
    "crm_value_tier": "value_tier",
    "crm_churn_status": "churn_status",
    "crm_recency_score": "recency_score",
    "crm_frequency_score": "frequency_score",
    "crm_monetary_score": "monetary_score",
}
# every label the refresh writes on contacts, in SQL: no client sets them (see
# `ResPartner._crm_without_labels`)
REFRESH_LABELS = frozenset({*LABELS, "crm_prospect"})


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_score_ids = fields.One2many(
        "crm.customer.score",
        "partner_id",
        string="Customer Insight",
        groups=_GROUP,
    )
    crm_score_id = fields.Many2one(
        "crm.customer.score",
        string="Insight (current company)",
        compute="_compute_crm_score_id",
        groups=_GROUP,
    )
    crm_rfm_code = fields.Char(string="R / F / M", compute="_compute_crm_score_id", groups=_GROUP)
    crm_clv = fields.Monetary(
        string="Lifetime Value",
        compute="_compute_crm_score_id",
        currency_field="crm_currency_id",
        groups=_GROUP,
    )
    crm_p_alive = fields.Float(string="P(alive)", compute="_compute_crm_score_id", groups=_GROUP)
    crm_last_order_date = fields.Date(
        string="Last Order", compute="_compute_crm_score_id", groups=_GROUP
    )
    crm_currency_id = fields.Many2one(
        "res.currency", string="Insight Currency", compute="_compute_crm_score_id", groups=_GROUP
    )
    crm_explanation = fields.Text(string="Why", compute="_compute_crm_score_id", groups=_GROUP)
    crm_credit_grade = fields.Selection(
        CREDIT_GRADES, string="Credit Grade", compute="_compute_crm_score_id", groups=_GROUP
    )
    crm_credit_limit_suggested = fields.Monetary(
        string="Suggested Credit Limit",
        compute="_compute_crm_score_id",
        currency_field="crm_currency_id",
        groups=_GROUP,
    )
    # The labels of the current company's insight, stored on every contact of the customer
    # (company-dependent: one value per company) so that contacts can be searched, grouped
    # and filtered by them. Written set-based by the refresh; the money figures stay on
    # crm.customer.score, whose record rules show them to the customer's salesperson only.
    crm_segment_id = fields.Many2one("crm.customer.segment", string="Customer Segment", **_LABEL)
    crm_value_tier = fields.Selection(VALUE_TIERS, string="Value Tier", **_LABEL)
    crm_churn_status = fields.Selection(CHURN_STATUSES, string="Churn Status", **_LABEL)
    crm_recency_score = fields.Integer(string="Recency Score", **_LABEL)
    crm_frequency_score = fields.Integer(string="Frequency Score", **_LABEL)
    crm_monetary_score = fields.Integer(string="Monetary Score", **_LABEL)
    crm_insight_date = fields.Datetime(
        string="Insight Computed On", compute="_compute_crm_insight_date", groups=_GROUP
    )
    crm_suggested_product_ids = fields.Many2many(
        "product.product",
        string="Suggested Products",
        compute="_compute_crm_suggested_product_ids",
        groups=_GROUP,
    )
    # prospects: "a contact who never bought is still a valuable relationship". A
    # commercial partner with opportunities, meetings or emails in the look-back window and
    # no confirmed sale is a prospect (a label per company, written by the refresh), and the
    # Customer Insight tab shows their engagement instead of nothing
    crm_prospect = fields.Boolean(
        string="Prospect",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups=_GROUP,
        help="Opportunities, meetings or emails in the look-back window, and no sale yet "
        "(as of the last refresh).",
    )
    crm_engaged_opportunities = fields.Integer(
        string="Open Opportunities", compute="_compute_crm_engagement", groups=_GROUP
    )
    crm_engaged_pipeline = fields.Monetary(
        string="Expected Revenue",
        compute="_compute_crm_engagement",
        currency_field="crm_currency_id",
        groups=_GROUP,
    )
    crm_engaged_meetings = fields.Integer(
        string="Meetings Attended", compute="_compute_crm_engagement", groups=_GROUP
    )
    crm_engaged_emails = fields.Integer(
        string="Emails Received", compute="_compute_crm_engagement", groups=_GROUP
    )
    crm_last_interaction = fields.Datetime(
        string="Last Interaction", compute="_compute_crm_engagement", groups=_GROUP
    )

    @api.depends_context("company", "uid")
    @api.depends("commercial_partner_id")
    def _compute_crm_score_id(self):
        """The current company's insight row of each partner's commercial entity, in one
        search (record rules apply: a salesperson sees only their own customers)."""
        scores = self.env["crm.customer.score"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {score.partner_id.id: score for score in scores}
        for partner in self:
            score = by_partner.get(partner.commercial_partner_id.id, scores.browse())
            partner.crm_score_id = score
            partner.crm_rfm_code = score.rfm_code
            partner.crm_clv = score.clv
            partner.crm_p_alive = score.p_alive
            partner.crm_last_order_date = score.last_order_date
            partner.crm_currency_id = score.currency_id or self.env.company.currency_id
            partner.crm_explanation = score.explanation
            partner.crm_credit_grade = score.credit_grade
            partner.crm_credit_limit_suggested = score.credit_limit_suggested

    @api.depends_context("company")
    def _compute_crm_insight_date(self):
        self.crm_insight_date = self.env.company.crm_insight_refreshed_at

    @api.depends_context("company")
    def _compute_crm_suggested_product_ids(self):
        suggestions = self.env["crm.product.association"]._suggest(self)
        for partner in self:
            partner.crm_suggested_product_ids = suggestions.get(
                partner.commercial_partner_id.id, []
            )

    @api.depends_context("company", "uid")
    @api.depends("commercial_partner_id")
    def _compute_crm_engagement(self):
        """Each customer's (commercial partner and contacts) engagement over the
        look-back window: open opportunities and their expected revenue, meetings, emails
        received, and the last of them, of the documents the reader may open; one query for
        all the partners."""
        since = fields.Datetime.now() - timedelta(days=self.env.company.crm_lookback_days)
        rows = {}
        if self.commercial_partner_id.ids:
            rows = {
                row[0]: row[1:]
                for row in self.env.execute_query(
                    SQL(
                        "SELECT * FROM (%s) engagement WHERE partner_id IN %s",
                        self._crm_engagement_sql(self.env.company, since, readable=True),
                        tuple(self.commercial_partner_id.ids),
                    )
                )
            }
        for partner in self:
            opportunities, pipeline, meetings, emails, last = rows.get(
                partner.commercial_partner_id.id, (0, 0.0, 0, 0, False)
            )
            partner.crm_engaged_opportunities = opportunities
            partner.crm_engaged_pipeline = pipeline
            partner.crm_engaged_meetings = meetings
            partner.crm_engaged_emails = emails
            partner.crm_last_interaction = last

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(REFRESH_LABELS.intersection(vals) for vals in vals_list):
            raise AccessError(self._crm_labels_refused())
        return super().create(vals_list)

    def write(self, vals):
        vals = self._crm_without_labels(vals)
        # archived, restored, or moved under another company (with their own contacts,
        # whose commercial partner follows): the customers whose sales they carry, before
        # and after
        if PARTNER_FIGURE_FIELDS.isdisjoint(vals):
            return super().write(vals)
        moved = self
        if "parent_id" in vals or "is_company" in vals:
            moved = self.with_context(active_test=False).search([("id", "child_of", self.ids)])
        note_customers(self.env, partners=moved.commercial_partner_id.ids)
        result = super().write(vals)
        note_customers(self.env, partners=moved.ids + moved.commercial_partner_id.ids)
        return result

    def _crm_without_labels(self, vals):
        """`vals` without the insight labels (REFRESH_LABELS), unless written as the
        superuser. They are the refresh's, computed from the sales and written in SQL: a
        client may not set them on a contact (offers and visit plans target customers by
        them), nor may a partner merge copy those of the contacts merged onto the one kept
        (the next refresh writes its own). A write of nothing but labels, or a new contact
        given labels, is refused."""
        forged = REFRESH_LABELS.intersection(vals)
        if not forged or self.env.su:
            return vals
        if forged == set(vals):
            raise AccessError(self._crm_labels_refused())
        return {name: value for name, value in vals.items() if name not in forged}

    def _crm_labels_refused(self):
        return self.env._(
            "Segment, value tier, churn status, R/F/M scores and the prospect label are "
            "computed from the sales by the customer-insight refresh and cannot be set by "
            "hand. Change the sales, or a segment's rule, and refresh."
        )

    def _crm_create_win_back_opportunity(self, score=None):
        """An opportunity for the customer's salesperson (or the current user) to win the
        customer back, with what they used to buy in the description."""
        self.ensure_one()
        partner = self.commercial_partner_id
        score = score or partner.crm_score_id
        lines = [self.env._("Win-back: this customer has stopped ordering.")]
        if score:
            lines += score._explain()
            if score.used_to_buy:
                lines.append(self.env._("Used to buy: %(products)s", products=score.used_to_buy))
        return self.env["crm.lead"].create(
            {
                "name": self.env._("Win back %(customer)s", customer=partner.display_name),
                "type": "opportunity",
                "partner_id": partner.id,
                "user_id": (partner.user_id or self.env.user).id,
                "description": "<br/>".join(lines),
                "company_id": self.env.company.id,
            }
        )

    def action_crm_win_back(self):
        self.ensure_one()
        lead = self._crm_create_win_back_opportunity()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
        }

    @api.model
    def _crm_write_labels(self, company, since=None, anyone_left=True):
        """Step 5 of the customer-insight refresh: copy segment, tier, churn status and
        R/F/M scores onto every contact of each customer, under the company's key of the
        company-dependent columns; only contacts whose stored labels differ are written.
        Contacts of customers no longer scored lose the company's key.

        With `since` (a datetime), the contacts compared are those of the customers whose
        labels changed in this refresh and those written since (new contacts of a
        customer, contacts moved to another); and contacts lose their labels only if a
        customer left or they were written since. Without, every contact is compared: labels
        edited in SQL are put right too (Refresh now, and the cron on Sundays)."""
        key = str(company.id)
        columns = list(LABELS)
        # compared as text, half the cost of building and comparing jsonb values (full
        # size: 2.8 s -> 1.4 s); a missing key and a JSON null compare equal, both mean no
        # label (Odoo tells them apart only by a company default, which labels have not)
        stored = SQL(", ").join(SQL("p.%s ->> %s", SQL.identifier(c), key) for c in columns)
        fresh = SQL(", ").join(
            SQL("n.%s::text", SQL.identifier(source)) for source in LABELS.values()
        )
        assignments = SQL(", ").join(
            SQL(
                "%(column)s = COALESCE(p.%(column)s, '{}'::jsonb) "
                "|| jsonb_build_object(%(key)s, n.%(source)s)",
                column=SQL.identifier(column),
                key=key,
                source=SQL.identifier(source),
            )
            for column, source in LABELS.items()
        )
        removals = SQL(", ").join(
            SQL("%(column)s = p.%(column)s - %(key)s", column=SQL.identifier(c), key=key)
            for c in columns
        )
        scored = SQL("(SELECT * FROM crm_customer_score WHERE company_id = %s)", company.id)
        if since is None or anyone_left:
            # contacts of customers no longer scored lose their labels
            self.env.cr.execute(
                SQL(
                    """
                UPDATE res_partner p SET %(removals)s
                 WHERE p.crm_value_tier ? %(key)s
                   AND NOT EXISTS (SELECT 1 FROM %(scored)s n
                                    WHERE n.partner_id = p.commercial_partner_id)
                """,
                    removals=removals,
                    key=key,
                    scored=scored,
                )
            )

        def copy_labels(customers):
            """Write the labels of these customers (rows like crm_customer_score's) on
            their contacts."""
            self.env.cr.execute(
                SQL(
                    """
                UPDATE res_partner p SET %(assignments)s
                  FROM %(customers)s n
                 WHERE p.commercial_partner_id = n.partner_id
                   AND (%(stored)s) IS DISTINCT FROM (%(fresh)s)
                """,
                    assignments=assignments,
                    customers=customers,
                    stored=stored,
                    fresh=fresh,
                )
            )

        if since is None:
            copy_labels(scored)
            return
        # the few contacts concerned are reached through the indexes (nested loops)
        with local_settings(self.env.cr, INDEXED):
            # the contacts of the customers whose labels changed (a table of their own, whose
            # size the planner knows: a few thousand of a million customers, most nights)
            self.env.cr.execute(
                """
                CREATE TEMP TABLE crm_relabel ON COMMIT DROP AS
                SELECT partner_id, new_segment AS segment_id, value_tier, churn_status,
                       recency_score, frequency_score, monetary_score
                  FROM crm_seg
                 WHERE NOT (labels_kept AND segment_id IS NOT DISTINCT FROM new_segment);
                ANALYZE crm_relabel
                """
            )
            copy_labels(SQL.identifier("crm_relabel"))
            # the contacts written since: new contacts of a customer, contacts moved to another
            self.env.cr.execute(
                SQL(
                    """
                CREATE TEMP TABLE crm_written ON COMMIT DROP AS
                SELECT id, commercial_partner_id FROM res_partner WHERE write_date >= %s;
                ANALYZE crm_written
                """,
                    since,
                )
            )
            self.env.cr.execute(
                SQL(
                    """
                UPDATE res_partner p SET %(assignments)s
                  FROM crm_written w, crm_customer_score n
                 WHERE p.id = w.id AND n.partner_id = w.commercial_partner_id
                   AND n.company_id = %(company)s
                   AND (%(stored)s) IS DISTINCT FROM (%(fresh)s)
                """,
                    assignments=assignments,
                    stored=stored,
                    fresh=fresh,
                    company=company.id,
                )
            )
            if not anyone_left:
                # moved to a company that is not a customer: no labels
                self.env.cr.execute(
                    SQL(
                        """
                    UPDATE res_partner p SET %(removals)s
                      FROM crm_written w
                     WHERE p.id = w.id AND p.crm_value_tier ? %(key)s
                       AND NOT EXISTS (SELECT 1 FROM crm_customer_score s
                                        WHERE s.partner_id = w.commercial_partner_id
                                          AND s.company_id = %(company)s)
                    """,
                        removals=removals,
                        key=key,
                        company=company.id,
                    )
                )
            self.env.cr.execute("DROP TABLE crm_relabel, crm_written")

    @api.model
    def _crm_engagement_sql(self, company, since, readable=False):
        """Per commercial partner with any: open opportunities (active, not won) and their
        expected revenue, meetings attended and emails received since `since` (opportunities
        of any date), and the last interaction. Internal users and companies' own partners
        are left out: they attend every meeting. With `readable`, only what the current
        user may open counts (a figure never shows a document its reader cannot open):
        the opportunities and meetings their record rules let them read, and the emails
        posted on contacts and opportunities they can read; without, everything (the
        refresh's prospect labels)."""
        visible = {"leads": SQL("TRUE"), "events": SQL("TRUE"), "emails": SQL("TRUE")}
        if readable and not self.env.su:
            visible = self._crm_readable_engagement()
        return SQL(
            """
            SELECT partner_id, SUM(opportunities)::int, SUM(pipeline)::float8,
                   SUM(meetings)::int, SUM(emails)::int, MAX(last_at)
              FROM (
                SELECT p.commercial_partner_id AS partner_id, COUNT(*) AS opportunities,
                       SUM(l.expected_revenue) AS pipeline, 0 AS meetings, 0 AS emails,
                       MAX(l.write_date) AS last_at
                  FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                  LEFT JOIN crm_stage st ON st.id = l.stage_id
                 WHERE l.active AND l.type = 'opportunity' AND NOT COALESCE(st.is_won, FALSE)
                   AND (l.company_id = %(company)s OR l.company_id IS NULL) AND %(leads)s
                 GROUP BY 1
                 UNION ALL
                SELECT p.commercial_partner_id, 0, 0, COUNT(*), 0, MAX(e.start)
                  FROM calendar_event e
                  JOIN calendar_event_res_partner_rel r ON r.calendar_event_id = e.id
                  JOIN res_partner p ON p.id = r.res_partner_id
                 WHERE e.active AND e.start >= %(since)s AND %(events)s
                 GROUP BY 1
                 UNION ALL
                SELECT p.commercial_partner_id, 0, 0, 0, COUNT(*), MAX(m.date)
                  FROM mail_message m JOIN res_partner p ON p.id = m.author_id
                 WHERE m.message_type = 'email' AND m.model IN ('res.partner', 'crm.lead')
                   AND m.date >= %(since)s AND %(emails)s
                 GROUP BY 1
              ) engaged
             WHERE NOT EXISTS (SELECT 1 FROM res_users u JOIN res_partner up
                                   ON up.id = u.partner_id
                                WHERE up.commercial_partner_id = engaged.partner_id)
               AND NOT EXISTS (SELECT 1 FROM res_company c
                                WHERE c.partner_id = engaged.partner_id)
             GROUP BY partner_id
            """,
            company=company.id,
            since=since,
            **visible,
        )

    def _crm_readable_engagement(self):
        """The conditions of `_crm_engagement_sql` on what the current user may open:
        their record rules on opportunities, meetings and the documents emails are posted
        on, as subqueries (`_search` as the user); nothing of a model they cannot read."""

        def readable(model, domain, column):
            Model = self.env[model]
            if not Model.has_access("read"):
                return SQL("FALSE")
            return SQL("%s IN %s", SQL(column), Model._search(domain).subselect())

        leads = readable("crm.lead", [("type", "=", "opportunity")], "l.id")
        return {
            "leads": leads,
            "events": readable("calendar.event", [], "e.id"),
            "emails": SQL(
                "((m.model = 'res.partner' AND %s) OR (m.model = 'crm.lead' AND %s))",
                readable("res.partner", [], "m.res_id"),
                readable("crm.lead", [], "m.res_id"),
            ),
        }

    @api.model
    def _crm_write_prospects(self, company, as_of, recount=False, since=None):
        """Step 6 of the customer-insight refresh: the contacts of every commercial
        partner engaged in the window (see `_crm_engagement_sql`) with no insight row
        (no sale) get the company's prospect label; the others lose it. The company's
        prospects are kept (crm_customer_prospect), so that each night reads only the
        contacts of the prospects that came or went, through the index, and those written
        since `since` (a datetime): a merge of partners copies the label of a prospect onto
        the contact kept, a contact moves to another company, and neither is a prospect
        coming or going. With `recount` (or no `since`), every contact holding the label is
        checked. Reads crm_lead, calendar_event, mail_message and crm_customer_score; writes
        crm_customer_prospect and res_partner, only where the label changes."""
        key = str(company.id)
        since_day = as_of - timedelta(days=company.crm_lookback_days)
        gone_contacts = (
            SQL("SELECT id FROM res_partner WHERE crm_prospect ? %s", key)
            if recount or since is None
            else SQL(
                "SELECT c.id FROM res_partner c"
                "  JOIN gone g ON g.partner_id = c.commercial_partner_id"
                " UNION "
                "SELECT id FROM res_partner WHERE write_date >= %s",
                since,
            )
        )
        with local_settings(self.env.cr, INDEXED):
            self.env.cr.execute(
                SQL(
                    """
                CREATE TEMP TABLE crm_prospects ON COMMIT DROP AS
                SELECT partner_id FROM (%(engaged)s) engaged
                 WHERE NOT EXISTS (SELECT 1 FROM crm_customer_score s
                                    WHERE s.partner_id = engaged.partner_id
                                      AND s.company_id = %(company)s);
                WITH gone AS (
                    DELETE FROM crm_customer_prospect k
                     WHERE k.company_id = %(company)s
                       AND NOT EXISTS (SELECT 1 FROM crm_prospects n
                                        WHERE n.partner_id = k.partner_id)
                 RETURNING k.partner_id
                ), came AS (
                    INSERT INTO crm_customer_prospect (company_id, partner_id)
                    SELECT %(company)s, n.partner_id FROM crm_prospects n
                    ON CONFLICT DO NOTHING
                )
                UPDATE res_partner p SET crm_prospect = p.crm_prospect - %(key)s
                 WHERE p.id IN (%(gone_contacts)s) AND p.crm_prospect ? %(key)s
                   AND NOT EXISTS (SELECT 1 FROM crm_prospects n
                                    WHERE n.partner_id = p.commercial_partner_id);
                UPDATE res_partner p
                   SET crm_prospect = COALESCE(p.crm_prospect, '{}'::jsonb)
                                      || jsonb_build_object(%(key)s, TRUE)
                  FROM crm_prospects n
                 WHERE p.commercial_partner_id = n.partner_id
                   AND (p.crm_prospect ->> %(key)s) IS DISTINCT FROM 'true';
                DROP TABLE crm_prospects
                """,
                    engaged=self._crm_engagement_sql(company, since_day),
                    company=company.id,
                    key=key,
                    gone_contacts=gone_contacts,
                )
            )
