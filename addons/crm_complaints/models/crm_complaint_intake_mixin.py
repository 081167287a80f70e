import base64
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.mail import email_normalize, parse_contact_from_email

# the largest portal or web-form text kept, in characters
MAX_TEXT = 20_000
MAX_SUBJECT = 200


def refused_html(reasons):
    """The list of refused files, one reason each, appended to a message's body."""
    items = Markup("").join(Markup("<li>%s</li>") % reason for reason in reasons)
    return Markup("<ul class='o_crm_complaint_refused'>%s</ul>") % items


class CrmComplaintIntakeMixin(models.AbstractModel):
    """Intake from every channel: the mail gateway (a team's alias creates a complaint,
    replies thread on it), the portal and the public form; nothing a customer sent is
    dropped: unknown senders get a contact or a pending complaint, refused attachments are
    named in the message. Mixed into crm.complaint only."""

    _name = "crm.complaint.intake.mixin"
    _description = "Complaint Intake"

    acknowledgement_pending = fields.Boolean(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer is still to be told that the complaint is received.",
    )
    intake_ip = fields.Char(
        string="Sent From (IP)",
        readonly=True,
        copy=False,
        groups="crm_complaints.group_crm_complaints_manager",
    )

    # --- mail gateway ------------------------------------------------------------------

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        # the gateway's loop detection counts the sender's recent complaints: through the
        # index on the normalized email rather than an ilike over every complaint
        return [("email_normalized", "=", email_from_normalized)]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        # the acknowledgement and the assignee's notice go through the mail queue: the
        # gateway does not wait for an SMTP server
        self = self.with_context(mail_notify_force_send=False)
        values = dict(custom_values or {})
        team = self.env["crm.complaint.team"].browse(values.get("team_id")).exists()
        email_from = msg_dict.get("email_from") or ""
        sender_name, sender_email = parse_contact_from_email(email_from)
        # the gateway has already looked the sender up by email (author_id) when known
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        partner = partner or self._intake_partner(sender_email, sender_name, team)
        self._intake_filter_attachments(msg_dict)
        values.update(
            name="/",
            subject=(msg_dict.get("subject") or "").strip()[:MAX_SUBJECT]
            or self.env._("(no subject)"),
            description=msg_dict.get("body"),
            channel="email",
            partner_id=partner.id,
            email_from=sender_email or email_from[:MAX_SUBJECT],
            partner_name=sender_name or sender_email or email_from[:MAX_SUBJECT],
        )
        if team and "company_id" not in values:
            values["company_id"] = team.company_id.id
        complaint = super().message_new(msg_dict, custom_values=values)
        # the gateway writes the raw From header; keep the address alone
        if sender_email and complaint.email_from != sender_email:
            complaint.email_from = sender_email
        if not self.env.context.get("crm_complaint_auto_submitted"):
            complaint._queue_acknowledgement()
        return complaint

    def message_update(self, msg_dict, update_vals=None):
        """A customer's reply: back to work if it waited for them (or was resolved); on a
        closed complaint, an activity for the assignee. Automatic replies change nothing."""
        self._intake_filter_attachments(msg_dict)
        result = super().message_update(msg_dict, update_vals=update_vals)
        if self.env.context.get("crm_complaint_auto_submitted"):
            return result
        author = email_normalize(msg_dict.get("email_from") or "")
        for complaint in self:
            if author and author == email_normalize(complaint._intake_internal_email()):
                continue
            complaint._on_customer_reply()
        return result

    def message_post(self, **kwargs):
        """Files a customer posts (portal chatter) obey the same limits as email
        attachments: the refused ones are removed and named in the message."""
        if kwargs.get("attachment_ids") and self.env.user.share:
            attachments = self.env["ir.attachment"].sudo().browse(kwargs["attachment_ids"])
            refused = {
                attachment: reason
                for attachment in attachments
                if (reason := self._intake_refusal(attachment.name, attachment.file_size))
            }
            if refused:
                kwargs["attachment_ids"] = (
                    attachments - self.env["ir.attachment"].union(*refused)
                ).ids
                # the customer's text stays escaped unless it is already markup
                kwargs["body"] = Markup("%s%s") % (
                    kwargs.get("body") or "",
                    refused_html(refused.values()),
                )
                self.env["ir.attachment"].sudo().union(*refused).unlink()
        return super().message_post(**kwargs)

    def _intake_internal_email(self):
        return self.user_id.email or ""

    def _on_customer_reply(self):
        self.ensure_one()
        if self.state in ("waiting", "resolved"):
            self.sudo().action_start()
        elif self.state == "closed" and self.user_id:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "The customer wrote on the closed complaint %(ref)s", ref=self.name
                ),
                user_id=self.user_id.id,
            )

    @api.model
    def _intake_partner(self, email, name, team):
        """The contact of a sender: the known one with this email, else a new contact (or
        none, leaving the complaint pending, when the team says so)."""
        normalized = email_normalize(email or "")
        if not normalized:
            return self.env["res.partner"]
        partner = self.env["res.partner"].search(
            [("email_normalized", "=", normalized)], order="id", limit=1
        )
        if partner or (team and team.unknown_sender == "pending"):
            return partner
        return self.env["res.partner"].create({"name": name or normalized, "email": normalized})

    @api.model
    def _intake_limits(self, company=None):
        company = company or self.env.company
        forbidden = {
            ext.strip().lower().lstrip(".")
            for ext in (company.crm_complaint_forbidden_extensions or "").split(",")
            if ext.strip()
        }
        return company.crm_complaint_max_attachment_mb * 1024 * 1024, forbidden

    @api.model
    def _intake_refusal(self, filename, size, company=None):
        """Why a file is not kept (translated), or None when it is."""
        max_bytes, forbidden = self._intake_limits(company)
        extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
        if extension in forbidden:
            return self.env._(
                "%(file)s was not kept: files of type .%(ext)s are not accepted.",
                file=filename,
                ext=extension,
            )
        if max_bytes and size > max_bytes:
            return self.env._(
                "%(file)s was not kept: %(size)s MB is more than the %(max)s MB allowed.",
                file=filename,
                size=round(size / 1024 / 1024, 1),
                max=max_bytes // (1024 * 1024),
            )
        return None

    @api.model
    def _intake_filter_attachments(self, msg_dict):
        """Drop the attachments too large or of a forbidden type from an incoming email and
        say so in its body: the message itself is always kept."""
        kept, refused = [], []
        for attachment in msg_dict.get("attachments") or []:
            content = attachment[1]
            size = len(content.encode() if isinstance(content, str) else content or b"")
            reason = self._intake_refusal(attachment[0], size)
            if reason:
                refused.append(reason)
            else:
                kept.append(attachment)
        if refused:
            msg_dict["attachments"] = kept
            msg_dict["body"] = Markup(msg_dict.get("body") or "") + refused_html(refused)
        return refused

    def _queue_acknowledgement(self):
        """Have the acknowledgement sent right after this transaction, by the cron that
        sends them in batches: the mail gateway does not render a template per email."""
        self.sudo().acknowledgement_pending = True
        cron = self.env.ref("crm_complaints.ir_cron_acknowledge", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_send_acknowledgements(self, batch=500):
        """Send the pending acknowledgements, `batch` complaints per call (the scheduler calls
        again while some are left): one rendering of the template for the batch (per
        language), one message per complaint (reads crm_complaint, mail_template; writes
        mail_message, mail_mail, crm_complaint.acknowledgement_pending)."""
        self = self.with_context(mail_notify_force_send=False)
        pending = self.sudo().search([("acknowledgement_pending", "=", True)], limit=batch + 1)
        complaints, left = pending[:batch], len(pending) > batch
        complaints._send_acknowledgement()
        complaints.acknowledgement_pending = False
        self.env["ir.cron"]._notify_progress(done=len(complaints), remaining=int(left))
        return len(complaints)

    def _send_acknowledgement(self):
        """Tell the customer the complaint is received, with its reference: the template
        rendered in the customer's language for the whole batch, posted on each complaint."""
        template = self.env.ref(
            "crm_complaints.mail_template_complaint_received", raise_if_not_found=False
        )
        complaints = self.filtered("partner_id.email")
        if not template or not complaints:
            return
        bodies = template._render_field("body_html", complaints.ids, compute_lang=True)
        subjects = template._render_field("subject", complaints.ids, compute_lang=True)
        for complaint in complaints:
            body, subject = bodies[complaint.id], subjects[complaint.id]
            complaint.with_context(crm_complaint_acknowledgement=True).message_post(
                body=body,
                subject=subject,
                partner_ids=complaint.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _notify_assignee(self):
        """Tell the assignee (only them, never the customer) that the complaint is theirs."""
        for complaint in self.filtered("user_id"):
            complaint.message_subscribe(partner_ids=complaint.user_id.partner_id.ids)
            complaint.message_notify(
                partner_ids=complaint.user_id.partner_id.ids,
                subject=self.env._("Complaint %(ref)s assigned to you", ref=complaint.name),
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(customer)s: %(subject)s",
                    customer=complaint.partner_id.display_name or complaint.partner_name or "",
                    subject=complaint.subject,
                ),
                model_description=self.env._("Complaint"),
            )

    # --- portal and web form ----------------------------------------------------------

    @api.model
    def _intake_clean_text(self, values):
        """The subject and description of a portal or web-form complaint, checked: empty or
        oversized fields raise a clear error and create nothing."""
        subject = (values.get("subject") or "").strip()
        description = (values.get("description") or "").strip()
        if not subject:
            raise UserError(self.env._("Say in a few words what the complaint is about."))
        if len(subject) > MAX_SUBJECT:
            raise UserError(
                self.env._(
                    "The subject is too long: keep it under %(max)s characters.", max=MAX_SUBJECT
                )
            )
        if not description:
            raise UserError(self.env._("Describe what happened, so that we can help."))
        if len(description) > MAX_TEXT:
            raise UserError(
                self.env._(
                    "The description is too long: keep it under %(max)s characters, and attach"
                    " documents instead.",
                    max=MAX_TEXT,
                )
            )
        return subject, Markup("<p>%s</p>") % escape(description).replace("\n", Markup("<br/>"))

    @api.model
    def _intake_attach(self, complaint, files, author):
        """Post the uploaded files (name, bytes) on the complaint's thread as `author`'s
        message; refused ones are named in a note. Returns the attachments kept."""
        attachments = self.env["ir.attachment"]
        refused = []
        for name, content in files:
            reason = self._intake_refusal(name, len(content), complaint.company_id)
            if reason:
                refused.append(reason)
                continue
            attachments |= (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "datas": base64.b64encode(content),
                        # pending on the composer, as the chatter's uploads: message_post
                        # moves them onto the complaint (keeping a customer's own only)
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    }
                )
            )
        if refused:
            complaint.sudo().message_post(
                body=refused_html(refused),
                subtype_xmlid="mail.mt_note",
            )
        if attachments:
            complaint.message_post(
                body=self.env._("Attached by the customer."),
                attachment_ids=attachments.ids,
                author_id=author.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return attachments, refused

    @api.model
    def _portal_create(self, partner, values, files=()):
        """A complaint from a portal user, for their own commercial partner."""
        self = self.with_context(mail_notify_force_send=False)
        subject, description = self._intake_clean_text(values)
        order = self._intake_order(values.get("order_ref"), partner)
        complaint = self.sudo().create(
            {
                "subject": subject,
                "description": description,
                "partner_id": partner.id,
                "channel": "portal",
                "sale_order_id": order.id,
                "company_id": (order.company_id or partner.company_id or self.env.company).id,
            }
        )
        self._intake_attach(complaint, files, partner)
        return complaint

    @api.model
    def _intake_order(self, reference, partner):
        """The sales order the customer refers to, checked against the customer: another
        customer's order (or none) raises a clear error."""
        reference = (reference or "").strip()
        if not reference:
            return self.env["sale.order"]
        order = (
            self.env["sale.order"]
            .sudo()
            .search([("name", "=ilike", reference), ("state", "=", "sale")], limit=1)
        )
        if not order or order.partner_id.commercial_partner_id != partner.commercial_partner_id:
            raise UserError(
                self.env._(
                    "We find no order %(ref)s of yours: check the reference on your order"
                    " confirmation, or leave it empty.",
                    ref=reference,
                )
            )
        return order

    @api.model
    def _web_create(self, values, files=(), ip=None):
        """A complaint from the public form (no login): name and email required, the order
        reference (when given) checked against that email, at most `crm_complaint_web_limit`
        complaints per hour from one IP or one email."""
        self = self.with_context(mail_notify_force_send=False)
        name = (values.get("name") or "").strip()
        email = email_normalize(values.get("email") or "")
        if not name or len(name) > 120:
            raise UserError(self.env._("Give your name (at most 120 characters)."))
        if not email:
            raise UserError(self.env._("Give a valid email address, so that we can answer you."))
        subject, description = self._intake_clean_text(values)
        company = self.env.company
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = self.sudo().search_count(
            [
                ("channel", "=", "web"),
                ("create_date", ">=", since),
                "|",
                ("intake_ip", "=", ip or "-"),
                ("email_from", "=ilike", email),
            ]
        )
        if recent >= company.crm_complaint_web_limit:
            raise UserError(
                self.env._(
                    "We have received several complaints from you in the last hour: please wait"
                    " a little before sending another one, or write to us by email."
                )
            )
        partner = (
            self.env["res.partner"]
            .sudo()
            .search([("email_normalized", "=", email)], order="id", limit=1)
        )
        order = self.env["sale.order"]
        if values.get("order_ref"):
            if not partner:
                raise UserError(
                    self.env._(
                        "We find no order %(ref)s for %(email)s: use the email address of the"
                        " order, or leave the reference empty.",
                        ref=values["order_ref"],
                        email=email,
                    )
                )
            order = self._intake_order(values["order_ref"], partner)
        if not partner:
            partner = self.env["res.partner"].sudo().create({"name": name, "email": email})
        complaint = self.sudo().create(
            {
                "subject": subject,
                "description": description,
                "partner_id": partner.id,
                "partner_name": name,
                "email_from": email,
                "channel": "web",
                "sale_order_id": order.id,
                "intake_ip": ip,
                "company_id": (order.company_id or company).id,
            }
        )
        self._intake_attach(complaint, files, partner)
        complaint._queue_acknowledgement()
        return complaint
