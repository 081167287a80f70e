from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext

# the text searched: subject, description and resolution, tags stripped; the 'simple'
# configuration (no stemming, no stop words) works for Persian as for any language
DOCUMENT_SQL = (
    "to_tsvector('simple', coalesce({t}.subject, '') || ' ' || "
    "coalesce(regexp_replace({t}.description, '<[^>]*>', ' ', 'g'), '') || ' ' || "
    "coalesce(regexp_replace({t}.resolution, '<[^>]*>', ' ', 'g'), ''))"
)
# the text of a published answer, what customers search: its own title and body only (never
# the complaint's words, which are a customer's)
ANSWER_DOCUMENT_SQL = (
    "to_tsvector('simple', coalesce({t}.answer_title, '') || ' ' || "
    "coalesce(regexp_replace({t}.answer_body, '<[^>]*>', ' ', 'g'), ''))"
)
SIMILAR_LIMIT = 5
ANSWER_LIMIT = 5
# the longest text searched for answers, in characters (what a customer typed so far)
ANSWER_QUERY_MAX = 300
# written only by a complaint manager (publish, unpublish, edit the published text)
ANSWER_FIELDS = frozenset({"answer_title", "answer_body"})
MANAGER = "crm_complaints.group_crm_complaints_manager"


def any_word_query(text):
    """The tsquery of any word of `text` of three letters or more (the 'simple'
    configuration, the words quoted: nothing the user typed is read as query syntax); a
    query matching nothing when there is no such word. The similar complaints and the
    published answers both search with it."""
    return SQL(
        """to_tsquery('simple', coalesce(nullif(array_to_string(array(
               SELECT quote_literal(word) FROM unnest(tsvector_to_array(
                   to_tsvector('simple', %s))) word WHERE length(word) > 2
           ), ' | '), ''), 'nothing'))""",
        text,
    )


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

    answer_published = fields.Boolean(
        string="Published Answer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="crm_complaints.group_crm_complaints_user",
        help="Customers find this solution's answer on the complaint forms before they file.",
    )
    answer_title = fields.Char(
        copy=False,
        groups="crm_complaints.group_crm_complaints_user",
        help="The question the answer answers, in the customer's words.",
    )
    answer_body = fields.Html(
        string="Answer",
        copy=False,
        groups="crm_complaints.group_crm_complaints_user",
        help="What customers read: what to do, without anything of this complaint's customer.",
    )
    answer_canned_response_id = fields.Many2one(
        "mail.canned.response",
        string="Canned Reply",
        readonly=True,
        copy=False,
        groups="crm_complaints.group_crm_complaints_user",
        help="The answer as a canned reply of the service team: type its shortcut after ':'"
        " in a message.",
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
                      FROM crm_complaint c, %(query)s q
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
                    query=any_word_query(complaint.subject),
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_answer_access(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_answer_access(vals)
        result = super().write(vals)
        if ANSWER_FIELDS & vals.keys():
            self.filtered("answer_published")._sync_canned_response()
        return result

    def _check_answer_access(self, vals):
        """A published answer speaks for the company to every customer: only a complaint
        manager writes it (whatever the client sends)."""
        if (
            ANSWER_FIELDS & vals.keys()
            and not self.env.su
            and not self.env.user.has_group(MANAGER)
        ):
            raise AccessError(
                self.env._(
                    "Only a complaint manager writes the answers published to customers: ask"
                    " one to publish or change this solution's answer."
                )
            )

    def action_publish_answer(self):
        """Publish this proven solution as an answer customers find on the complaint forms
        (its title and answer, by default the subject and the resolution: edit them first
        so that nothing of this customer shows) and as a canned reply of the team."""
        self.ensure_one()
        self._check_answer_access(dict.fromkeys(ANSWER_FIELDS))
        if self.state not in ("resolved", "closed"):
            raise UserError(
                self.env._(
                    "Complaint %(ref)s is not resolved: publish the answer of a proven"
                    " solution, once it has worked.",
                    ref=self.name,
                )
            )
        title = self.answer_title or self.subject
        body = self.answer_body if html2plaintext(self.answer_body or "").strip() else None
        body = body or self.resolution
        if not html2plaintext(body or "").strip():
            raise UserError(
                self.env._(
                    "Complaint %(ref)s has no answer to publish: write it in the Published"
                    " Answer tab (or the resolution) first.",
                    ref=self.name,
                )
            )
        self.write({"answer_title": title, "answer_body": body})
        self.sudo().answer_published = True
        self._sync_canned_response()
        self.message_post(
            body=self.env._("Published as an answer to customers: %(title)s", title=title),
            subtype_xmlid="mail.mt_note",
        )

    def action_unpublish_answer(self):
        self.ensure_one()
        self._check_answer_access(dict.fromkeys(ANSWER_FIELDS))
        canned = self.sudo().answer_canned_response_id
        self.sudo().write({"answer_published": False, "answer_canned_response_id": False})
        canned.unlink()
        self.message_post(
            body=self.env._("No longer published as an answer to customers."),
            subtype_xmlid="mail.mt_note",
        )

    def _sync_canned_response(self):
        """The canned reply of each published answer, for the complaint users: shortcut the
        complaint's reference, text the answer's."""
        group = self.env.ref("crm_complaints.group_crm_complaints_user")
        for complaint in self.sudo():
            values = {
                "source": complaint.name.replace("/", "-").replace(" ", "-"),
                "substitution": html2plaintext(complaint.answer_body or ""),
                "description": complaint.answer_title,
                "group_ids": [(6, 0, group.ids)],
            }
            if complaint.answer_canned_response_id:
                complaint.answer_canned_response_id.write(values)
            else:
                complaint.answer_canned_response_id = (
                    self.env["mail.canned.response"].sudo().create(values)
                )

    @api.model
    def _search_published_answers(self, text, company, limit=ANSWER_LIMIT):
        """The published answers of `company` that share words with `text` (what a customer
        typed on a complaint form), the closest first: the title and the answer as plain
        text only, nothing of the complaint they came from. Public: called by the forms'
        route as the system."""
        text = (text or "")[:ANSWER_QUERY_MAX]
        if not text.strip():
            return []
        self.env["crm.complaint"].flush_model(["answer_published", "answer_title", "answer_body"])
        self.env.cr.execute(
            SQL(
                """
                SELECT c.answer_title, c.answer_body
                  FROM crm_complaint c, %(query)s q
                 WHERE c.answer_published AND c.active AND c.company_id = %(company)s
                   AND %(doc)s @@ q
                 ORDER BY ts_rank(%(doc)s, q) DESC, c.id DESC
                 LIMIT %(limit)s
                """,
                query=any_word_query(text),
                company=company.id,
                doc=SQL(ANSWER_DOCUMENT_SQL.format(t="c")),
                limit=limit,
            )
        )
        return [
            {"title": title or "", "body": html2plaintext(body or "")}
            for title, body in self.env.cr.fetchall()
        ]
