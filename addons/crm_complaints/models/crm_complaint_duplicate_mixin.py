from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# the duplicates are the service team's business
INTERNAL = "crm_complaints.group_crm_complaints_user"


def duplicate_pairs_sql(where, order=None):
    """(complaint_id, other_id) of the likely duplicates: complaints of the same customer
    (commercial partner) and company about the same sales order or the same product,
    received (`sla_start`, set by the server's clock on creation) within the company's
    duplicate window (res_company.crm_complaint_duplicate_days, 0 switches it off) of each
    other, neither merged nor archived. The one rule of a likely duplicate: the intake's
    detection, the form's list and the search filter all read it. `where` filters further
    on `c` (the complaint) and `o` (the other one)."""
    return SQL(
        """
        SELECT c.id AS complaint_id, o.id AS other_id
          FROM crm_complaint c
          JOIN res_company co ON co.id = c.company_id
          JOIN crm_complaint o
            ON o.commercial_partner_id = c.commercial_partner_id
           AND o.company_id = c.company_id
           AND o.id != c.id
           AND (o.sale_order_id = c.sale_order_id OR o.product_id = c.product_id)
           AND o.active AND o.merged_into_id IS NULL
           AND abs(extract(epoch FROM o.sla_start - c.sla_start))
               <= co.crm_complaint_duplicate_days * 86400
         WHERE co.crm_complaint_duplicate_days > 0
           AND c.active AND c.merged_into_id IS NULL
           AND %s
         %s
        """,
        where,
        order or SQL(""),
    )


class CrmComplaintDuplicateMixin(models.AbstractModel):
    """Likely duplicates of a complaint (the same customer about the same order or product
    within a few days, `duplicate_pairs_sql`) and their merge into one survivor, which keeps
    the messages, attachments, followers, remedies and the earliest SLA clock of all; the
    others are closed in a stage of kind Merged, with a link. Mixed into crm.complaint only."""

    _name = "crm.complaint.duplicate.mixin"
    _description = "Complaint Duplicates"

    duplicate_of_id = fields.Many2one(
        "crm.complaint",
        string="Likely Duplicate Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=INTERNAL,
        help="Found when the complaint came in: an earlier complaint of the same customer "
        "about the same order or product within the company's duplicate window.",
    )
    merged_into_id = fields.Many2one(
        "crm.complaint",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The complaint that carries on this one's messages, attachments and remedies.",
    )
    duplicate_ids = fields.Many2many(
        "crm.complaint",
        string="Likely Duplicates",
        compute="_compute_duplicate_ids",
        search="_search_duplicate_ids",
        groups=INTERNAL,
    )
    duplicate_count = fields.Integer(compute="_compute_duplicate_ids", groups=INTERNAL)

    @api.depends_context("uid")
    @api.depends("commercial_partner_id", "sale_order_id", "product_id", "merged_into_id")
    def _compute_duplicate_ids(self):
        complaints = self.filtered("id")
        others = {}
        if complaints:
            self._flush_duplicate_fields()
            self.env.cr.execute(
                duplicate_pairs_sql(
                    SQL("c.id IN %s", tuple(complaints.ids)), SQL("ORDER BY o.sla_start, o.id")
                )
            )
            for complaint_id, other_id in self.env.cr.fetchall():
                others.setdefault(complaint_id, []).append(other_id)
        for complaint in self:
            # record rules: only the duplicates the user may read
            duplicates = self.browse(others.get(complaint.id, []))._filtered_access("read")
            complaint.duplicate_ids = duplicates
            complaint.duplicate_count = len(duplicates)

    def _search_duplicate_ids(self, operator, value):
        """`('duplicate_ids', '!=', False)`: the complaints that have a likely duplicate
        (the "Likely Duplicates" filter)."""
        if operator not in ("!=", "=") or value is not False:
            raise UserError(
                self.env._(
                    "Likely duplicates can only be searched as set or not set: use the"
                    " Likely Duplicates filter."
                )
            )
        query = SQL(
            "(SELECT pairs.complaint_id FROM (%s) pairs)", duplicate_pairs_sql(SQL("TRUE"))
        )
        return [("id", "in" if operator == "!=" else "not in", query)]

    def _flush_duplicate_fields(self):
        """Write what the rule reads to the database before it runs in SQL."""
        self.env["res.company"].flush_model(["crm_complaint_duplicate_days"])
        self.flush_model(
            [
                "commercial_partner_id",
                "company_id",
                "sale_order_id",
                "product_id",
                "active",
                "sla_start",
                "merged_into_id",
            ]
        )

    def _detect_duplicates(self):
        """Set `duplicate_of_id` of these new complaints to the earliest likely duplicate
        that came in before them: one UPDATE for the whole batch (after the flush of the
        fields the rule reads), whatever its size; the intake's cost is measured by
        tests/bench/bench_complaints_duplicates.py."""
        if not any(self.company_id.mapped("crm_complaint_duplicate_days")):
            return
        self._flush_duplicate_fields()
        pairs = duplicate_pairs_sql(
            SQL("c.id IN %s AND o.id < c.id", tuple(self.ids)),
            SQL("ORDER BY c.id, o.sla_start, o.id"),
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_complaint c SET duplicate_of_id = first.other_id
                  FROM (SELECT DISTINCT ON (pairs.complaint_id) pairs.complaint_id,
                               pairs.other_id
                          FROM (%s) pairs) first
                 WHERE c.id = first.complaint_id
                """,
                pairs,
            )
        )
        self.invalidate_recordset(["duplicate_of_id"])

    def _merge_into(self, survivor):
        """Merge these complaints into `survivor`, as the user who asks (who must be allowed
        to change every one of them): their messages, attachments, followers and remedies
        move to the survivor, which keeps the earliest SLA clock and first answer of all;
        each is then closed in the Merged stage, with a link to the survivor. Only
        complaints of one customer merge: a customer's portal must never show another's
        messages."""
        survivor.ensure_one()
        others = self - survivor
        if not others:
            raise UserError(
                self.env._(
                    "Choose at least one other complaint to merge into %(ref)s.", ref=survivor.name
                )
            )
        everyone = others | survivor
        self._check_duplicates_access()
        everyone.check_access("write")
        if (
            len(everyone.company_id) > 1
            or len(everyone.commercial_partner_id) > 1
            or not (survivor.commercial_partner_id)
        ):
            raise UserError(
                self.env._(
                    "Only complaints of one customer and one company merge: %(refs)s are not."
                    " Link the right customer first, or leave them apart.",
                    refs=", ".join(everyone.mapped("name")),
                )
            )
        merged = everyone.filtered("merged_into_id")
        if merged:
            raise UserError(
                self.env._(
                    "%(refs)s are already merged: merge into the complaint they were merged"
                    " into instead.",
                    refs=", ".join(merged.mapped("name")),
                )
            )
        system = self.sudo()
        # the messages and attachments of the others, on the survivor (the ORM, as the
        # system: the user may not write other people's messages)
        system.env["mail.message"].search(
            [("model", "=", survivor._name), ("res_id", "in", others.ids)]
        ).write({"res_id": survivor.id})
        system.env["ir.attachment"].search(
            [("res_model", "=", survivor._name), ("res_id", "in", others.ids)]
        ).write({"res_id": survivor.id})
        survivor.message_subscribe(
            partner_ids=(others.message_partner_ids - survivor.message_partner_ids).ids
        )
        system.env["crm.complaint.remedy"].search([("complaint_id", "in", others.ids)]).write(
            {"complaint_id": survivor.id}
        )
        survivor.sudo()._merge_sla(everyone.sudo())
        for other in others:
            survivor._message_log(
                body=Markup("<p>%s</p>%s")
                % (
                    self.env._(
                        "%(ref)s (%(subject)s) was merged into this complaint:",
                        ref=other.name,
                        subject=other.subject,
                    ),
                    other.description or "",
                )
            )
            other._message_log(
                body=Markup("<p>%s</p>")
                % self.env._("Merged into %(link)s.", link=survivor._get_html_link())
            )
        system.browse(others.ids).write({"merged_into_id": survivor.id})
        others._move_to_state("merged")
        return survivor

    def _merge_sla(self, everyone):
        """The survivor's SLA clock: the earliest start and first answer of all the merged
        complaints, its deadlines planned again from that start."""
        self.ensure_one()
        start = min(c.sla_start or c.create_date for c in everyone)
        answers = [c.date_first_response for c in everyone if c.date_first_response]
        values = {"sla_start": start, "escalation_level": max(everyone.mapped("escalation_level"))}
        if answers:
            first = min(answers)
            values.update(
                date_first_response=first,
                first_response_hours=(first - start).total_seconds() / 3600,
                first_response_work_hours=self._sla_work_hours(start, first),
            )
        self.write(values)
        self._sla_apply()

    def _check_duplicates_access(self):
        """Duplicates and merges are the service team's (a customer reads their own
        complaint, not the team's view of it)."""
        if not self.env.su and not self.env.user.has_group(INTERNAL):
            raise AccessError(self.env._("Only the service team merges complaints."))

    def action_view_duplicates(self):
        self.ensure_one()
        self._check_duplicates_access()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Likely Duplicates of %(ref)s", ref=self.name),
            "res_model": "crm.complaint",
            "view_mode": "list,form",
            "domain": [("id", "in", (self | self.duplicate_ids).ids)],
        }

    def action_merge_duplicates(self):
        """The merge wizard for this complaint and its likely duplicates."""
        self.ensure_one()
        self._check_duplicates_access()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Complaints"),
            "res_model": "crm.complaint.merge",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_complaint_ids": (self | self.duplicate_ids).ids,
                "default_survivor_id": self.id,
            },
        }
