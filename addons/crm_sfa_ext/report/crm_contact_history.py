from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.sql_columns import select_columns
from .readable import readable

HISTORY_KINDS = [
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("email", "Email / Message"),
    ("order", "Sales Order"),
    ("invoice", "Invoice"),
    ("complaint", "Complaint"),
    ("loyalty", "Loyalty Event"),
    ("visit", "Field Visit"),
]
# the columns every source selects, in this order
HISTORY_COLUMNS = (
    "id", "kind", "date", "partner_id", "contact_id", "user_id", "company_id", "name",
    "res_model", "res_id", "amount", "points",
)  # fmt: skip
# the type of a column that a source leaves empty
NULL_COLUMNS = {
    "contact_id": SQL("NULL::int"),
    "user_id": SQL("NULL::int"),
    "company_id": SQL("NULL::int"),
    "amount": SQL("NULL::numeric"),
    "points": SQL("NULL::float"),
}
# documents whose messages and logged calls belong to their customer's history:
# model, table, column of the customer
MESSAGE_DOCUMENTS = (
    ("res.partner", "res_partner", "id"),
    ("crm.lead", "crm_lead", "partner_id"),
    ("sale.order", "sale_order", "partner_id"),
)


class CrmContactHistory(models.Model):
    """Every interaction with a customer in one timeline. Each kind of interaction is a
    *source*: a method returning an SQL select of the columns of ``HISTORY_COLUMNS`` (or
    ``None`` when the model it reads is not installed), listed by ``_history_sources``.
    ``partner_id`` is always the customer's commercial entity, so the timeline of a company
    shows its contacts' interactions too. A read is one ``UNION ALL`` of the sources;
    PostgreSQL pushes a filter on the customer down into each source, through the indexes.
    Each source keeps the rows of the documents its reader may open (``readable``: the
    document model's access rights and record rules, as the reader), so the timeline never
    shows an order, invoice, complaint, message or visit its reader could not open."""

    _name = "crm.contact.history"
    _description = "Contact History"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "mail.message": [
            "model", "res_id", "date", "author_id", "subject", "body", "message_type",
            "subtype_id", "mail_activity_type_id", "record_company_id",
        ],
        "calendar.event": ["active", "start", "name", "user_id"],
        "calendar.attendee": ["event_id", "partner_id"],
        "res.partner": ["commercial_partner_id"],
        "crm.lead": ["partner_id"],
        "sale.order": [
            "state", "partner_id", "date_order", "user_id", "company_id", "name",
            "amount_total", "currency_rate",
        ],
        "account.move": [
            "state", "move_type", "invoice_date", "commercial_partner_id", "partner_id",
            "invoice_user_id", "company_id", "name", "amount_total_signed",
        ],
        "crm.complaint": ["partner_id", "user_id", "company_id", "name", "subject"],
        "crm.service.order": [
            "state", "actual_start", "planned_start", "commercial_partner_id", "partner_id",
            "technician_ids", "company_id", "name", "summary",
        ],
    }  # fmt: skip

    kind = fields.Selection(HISTORY_KINDS, string="Type", readonly=True)
    date = fields.Datetime(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    contact_id = fields.Many2one("res.partner", string="Contact Person", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    name = fields.Char(string="Summary", readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)
    amount = fields.Monetary(readonly=True)
    points = fields.Float(string="Loyalty Points", readonly=True)

    @property
    def _table_query(self):
        selects = [
            select for source in self._history_sources() if (select := source()) is not None
        ]
        return SQL(" UNION ALL ").join(selects)

    @api.model
    def _history_sources(self):
        """The sources of the timeline. Extend this list to add a kind of interaction."""
        return [
            self._source_calls,
            self._source_meetings,
            self._source_messages,
            self._source_orders,
            self._source_invoices,
            self._source_complaints,
            self._source_loyalty,
            self._source_visits,
        ]

    @api.model
    def _history_select(self, number, **columns):
        """``SELECT`` of one source's columns; ``number`` (0-15) keeps the ids of the sources
        apart (id = record id x 16 + number)."""
        columns["id"] = SQL("(%s)::bigint * 16 + %s", columns["id"], number)
        return select_columns(HISTORY_COLUMNS, columns, NULL_COLUMNS.get)

    def _messages(self, number, kind, condition):
        """Messages matching ``condition`` (on ``m``, the message) posted on the customer or
        on their opportunities and orders, one select per kind of document."""
        selects = []
        for model, table, column in MESSAGE_DOCUMENTS:
            selects.append(
                SQL(
                    """SELECT %(columns)s
                         FROM %(table)s d
                         JOIN res_partner p ON p.id = d.%(column)s
                         JOIN mail_message m ON m.model = %(model)s AND m.res_id = d.id
                    LEFT JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
                    LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                    LEFT JOIN res_users u ON u.partner_id = m.author_id AND NOT u.share
                        WHERE %(condition)s AND %(readable)s""",
                    columns=self._history_select(
                        number,
                        id=SQL("m.id"),
                        kind=SQL("%s", kind),
                        date=SQL("m.date"),
                        partner_id=SQL("p.commercial_partner_id"),
                        contact_id=SQL("p.id"),
                        user_id=SQL("u.id"),
                        company_id=SQL("m.record_company_id"),
                        name=SQL(
                            "COALESCE(NULLIF(m.subject, ''), "
                            "LEFT(regexp_replace(m.body, '<[^>]*>', ' ', 'g'), 200))"
                        ),
                        res_model=SQL("m.model"),
                        res_id=SQL("m.res_id"),
                    ),
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    model=model,
                    condition=condition,
                    readable=readable(self.env, model, SQL("d.id")),
                )
            )
        return SQL(" UNION ALL ").join(selects)

    def _source_calls(self):
        """Calls logged as done activities of a phone-call type."""
        return self._messages(0, "call", SQL("t.category = 'phonecall'"))

    def _source_messages(self):
        """Emails in and out and messages sent to followers (internal notes left out)."""
        return self._messages(
            1,
            "email",
            SQL(
                """m.mail_activity_type_id IS NULL
                   AND (m.message_type IN ('email', 'email_outgoing')
                        OR (m.message_type = 'comment' AND st.internal IS NOT TRUE))"""
            ),
        )

    def _source_meetings(self):
        """Calendar events the customer's contacts attend, once per event and customer; not
        another's private event, which the calendar shows its reader only as busy time."""
        return SQL(
            """SELECT DISTINCT ON (e.id, p.commercial_partner_id) %s
                 FROM calendar_attendee a
                 JOIN calendar_event e ON e.id = a.event_id
                 JOIN res_partner p ON p.id = a.partner_id
                WHERE e.active
                  AND NOT EXISTS (SELECT 1 FROM res_users iu
                                   WHERE iu.partner_id = p.id AND NOT iu.share)
                  AND %s AND NOT %s""",
            self._history_select(
                2,
                id=SQL("a.id"),
                kind=SQL("'meeting'"),
                date=SQL("e.start"),
                partner_id=SQL("p.commercial_partner_id"),
                contact_id=SQL("p.id"),
                user_id=SQL("e.user_id"),
                company_id=SQL("NULL::int"),
                name=SQL("e.name"),
                res_model=SQL("'calendar.event'"),
                res_id=SQL("e.id"),
            ),
            readable(self.env, "calendar.event", SQL("e.id")),
            self._hidden_event(),
        )

    def _hidden_event(self):
        """SQL condition on ``e``, a calendar event: the calendar hides its name from the
        reader (`calendar.event._check_private_event_conditions`): it is private, or follows
        its organizer's private default, and the reader neither organizes nor attends it."""
        if self.env.su:
            return SQL("FALSE")
        fallback = self.env["res.users"].sudo()._default_user_calendar_default_privacy()
        return SQL(
            """(e.privacy = 'private'
                OR (e.privacy IS NULL AND COALESCE(
                    (SELECT s.calendar_default_privacy FROM res_users_settings s
                      WHERE s.user_id = e.user_id), %s) = 'private'))
               AND e.user_id IS DISTINCT FROM %s
               AND NOT EXISTS (SELECT 1 FROM calendar_event_res_partner_rel r
                                WHERE r.calendar_event_id = e.id AND r.res_partner_id = %s)""",
            fallback,
            self.env.uid,
            self.env.user.partner_id.id,
        )

    def _source_orders(self):
        """Quotations and sales orders, cancelled ones left out, in company currency."""
        return SQL(
            """SELECT %s FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                WHERE o.state != 'cancel' AND %s""",
            self._history_select(
                3,
                id=SQL("o.id"),
                kind=SQL("'order'"),
                date=SQL("o.date_order"),
                partner_id=SQL("p.commercial_partner_id"),
                contact_id=SQL("p.id"),
                user_id=SQL("o.user_id"),
                company_id=SQL("o.company_id"),
                name=SQL("o.name"),
                res_model=SQL("'sale.order'"),
                res_id=SQL("o.id"),
                amount=SQL("o.amount_total / COALESCE(NULLIF(o.currency_rate, 0), 1)"),
            ),
            readable(self.env, "sale.order", SQL("o.id")),
        )

    def _source_invoices(self):
        """Posted customer invoices and refunds (refunds negative), in company currency."""
        return SQL(
            """SELECT %s FROM account_move m
                WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
                  AND %s""",
            self._history_select(
                4,
                id=SQL("m.id"),
                kind=SQL("'invoice'"),
                date=SQL("m.invoice_date::timestamp"),
                partner_id=SQL("m.commercial_partner_id"),
                contact_id=SQL("m.partner_id"),
                user_id=SQL("m.invoice_user_id"),
                company_id=SQL("m.company_id"),
                name=SQL("m.name"),
                res_model=SQL("'account.move'"),
                res_id=SQL("m.id"),
                amount=SQL("m.amount_total_signed"),
            ),
            readable(self.env, "account.move", SQL("m.id")),
        )

    def _source_complaints(self):
        """Complaints, whatever their state."""
        return SQL(
            "SELECT %s FROM crm_complaint c JOIN res_partner p ON p.id = c.partner_id WHERE %s",
            self._history_select(
                5,
                id=SQL("c.id"),
                kind=SQL("'complaint'"),
                date=SQL("c.create_date"),
                partner_id=SQL("p.commercial_partner_id"),
                contact_id=SQL("p.id"),
                user_id=SQL("c.user_id"),
                company_id=SQL("c.company_id"),
                name=SQL("c.name || ' - ' || c.subject"),
                res_model=SQL("'crm.complaint'"),
                res_id=SQL("c.id"),
            ),
            readable(self.env, "crm.complaint", SQL("c.id")),
        )

    def _source_loyalty(self):
        """Loyalty points earned, spent or adjusted on the customer's cards: Odoo's loyalty
        history, read as crm_loyalty's ledger (date, user, document) when it is installed;
        nothing when no loyalty programme module is installed."""
        if "loyalty.history" not in self.env:
            return None
        ledger = self.env["loyalty.history"]
        # not in _depends, which cannot name a model that may be missing
        ledger.flush_model()
        crm = "crm_date" in ledger._fields
        source_model = SQL("h.crm_source_model") if crm else SQL("NULL::varchar")
        source_id = SQL("h.crm_source_id") if crm else SQL("NULL::int")
        return SQL(
            """SELECT %s FROM loyalty_history h
                 JOIN loyalty_card c ON c.id = h.card_id
                 JOIN res_partner p ON p.id = c.partner_id
                WHERE %s AND %s""",
            self._history_select(
                6,
                id=SQL("h.id"),
                kind=SQL("'loyalty'"),
                date=SQL("h.crm_date") if crm else SQL("h.create_date"),
                partner_id=SQL("p.commercial_partner_id"),
                contact_id=SQL("p.id"),
                user_id=SQL("h.create_uid"),
                company_id=SQL("c.company_id"),
                name=SQL("h.description"),
                # the document behind the points (crm_loyalty's ledger knows it for every
                # line, Odoo's history for orders), else the card
                res_model=SQL("COALESCE(%s, h.order_model, 'loyalty.card')", source_model),
                res_id=SQL(
                    "CASE WHEN %s IS NOT NULL THEN %s WHEN h.order_model IS NOT NULL "
                    "THEN h.order_id ELSE c.id END",
                    source_model,
                    source_id,
                ),
                points=SQL("(COALESCE(h.issued, 0) - COALESCE(h.used, 0))::float"),
            ),
            readable(self.env, "loyalty.history", SQL("h.id")),
            readable(self.env, "loyalty.card", SQL("c.id")),
        )

    def _source_visits(self):
        """Field-service visits (crm.service.order), cancelled ones left out, dated when they
        took place (or are planned, or were asked for), with the first technician's user."""
        technicians = self.env["crm.service.order"]._fields["technician_ids"]
        return SQL(
            """SELECT %(columns)s
                 FROM crm_service_order o
            LEFT JOIN LATERAL (
                      SELECT e.user_id
                        FROM %(rel)s r
                        JOIN hr_employee e ON e.id = r.%(employee)s
                       WHERE r.%(order)s = o.id AND e.user_id IS NOT NULL
                    ORDER BY e.id
                       LIMIT 1) tech ON TRUE
                WHERE o.state != 'cancelled' AND %(readable)s""",
            columns=self._history_select(
                7,
                id=SQL("o.id"),
                kind=SQL("'visit'"),
                date=SQL("COALESCE(o.actual_start, o.planned_start, o.create_date)"),
                partner_id=SQL("o.commercial_partner_id"),
                contact_id=SQL("o.partner_id"),
                user_id=SQL("tech.user_id"),
                company_id=SQL("o.company_id"),
                name=SQL("o.name || ' - ' || o.summary"),
                res_model=SQL("'crm.service.order'"),
                res_id=SQL("o.id"),
            ),
            rel=SQL.identifier(technicians.relation),
            employee=SQL.identifier(technicians.column2),
            order=SQL.identifier(technicians.column1),
            readable=readable(self.env, "crm.service.order", SQL("o.id")),
        )

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }
