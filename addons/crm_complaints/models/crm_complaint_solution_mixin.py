from odoo import api, fields, models
from odoo.tools import SQL

# the text searched: subject, description and resolution, tags stripped; the 'simple'
# configuration (no stemming, no stop words) works for Persian as for any language
DOCUMENT_SQL = (
    "to_tsvector('simple', coalesce({t}.subject, '') || ' ' || "
    "coalesce(regexp_replace({t}.description, '<[^>]*>', ' ', 'g'), '') || ' ' || "
    "coalesce(regexp_replace({t}.resolution, '<[^>]*>', ' ', 'g'), ''))"
)
SIMILAR_LIMIT = 5


class CrmComplaintSolutionMixin(models.AbstractModel):
    """Proven solutions: resolved complaints found by words (PostgreSQL full-text search
    over a GIN index), category, product and root cause, and the similar complaints of
    a complaint with the resolution that worked (its GIN index: crm.complaint's init).
    Mixed into crm.complaint only."""

    _name = "crm.complaint.solution.mixin"
    _description = "Complaint Proven Solutions"

    search_text = fields.Char(
        string="Words",
        compute="_compute_search_text",
        search="_search_search_text",
        groups="crm_complaints.group_crm_complaints_user",
        help="Words of the subject, description or resolution (full-text search).",
    )
    similar_complaint_ids = fields.Many2many(
        "crm.complaint",
        string="Similar Complaints",
        compute="_compute_similar_complaint_ids",
        groups="crm_complaints.group_crm_complaints_user",
        help="Resolved complaints about the same things, the closest first.",
    )

    def _compute_search_text(self):
        self.search_text = False

    def _search_search_text(self, operator, value):
        if operator not in ("ilike", "=", "like") or not value:
            return [("id", "=", False)] if value else []
        query = SQL(
            "(SELECT id FROM crm_complaint WHERE %s @@ plainto_tsquery('simple', %s))",
            SQL(DOCUMENT_SQL.format(t="crm_complaint")),
            value,
        )
        return [("id", "in", query)]

    @api.depends_context("uid")
    @api.depends("subject", "category_id", "product_id", "root_cause_id")
    def _compute_similar_complaint_ids(self):
        """Up to five resolved complaints of the same company sharing the category, the
        product or words of the subject, ranked by shared words, then product and
        category."""
        for complaint in self:
            if not complaint.id or not complaint.subject:
                complaint.similar_complaint_ids = False
                continue
            self.env["crm.complaint"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT c.id
                      FROM crm_complaint c,
                           to_tsquery('simple', coalesce(nullif(array_to_string(array(
                               SELECT quote_literal(word) FROM unnest(tsvector_to_array(
                                   to_tsvector('simple', %(subject)s))) word
                           ), ' | '), ''), 'nothing')) q
                     WHERE c.id != %(id)s AND c.company_id = %(company)s
                       AND c.state IN ('resolved', 'closed') AND c.active
                       AND (%(doc)s @@ q OR c.product_id = %(product)s
                            OR c.category_id = %(category)s)
                     ORDER BY ts_rank(%(doc)s, q) DESC,
                              (c.product_id = %(product)s) DESC NULLS LAST,
                              (c.category_id = %(category)s) DESC NULLS LAST,
                              c.id DESC
                     LIMIT %(limit)s
                    """,
                    subject=complaint.subject,
                    id=complaint.id,
                    company=complaint.company_id.id,
                    product=complaint.product_id.id or 0,
                    category=complaint.category_id.id or 0,
                    doc=SQL(DOCUMENT_SQL.format(t="c")),
                    limit=SIMILAR_LIMIT * 4,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            # record rules: only what the user may read
            similar = self.browse(ids)._filtered_access("read")[:SIMILAR_LIMIT]
            complaint.similar_complaint_ids = similar
