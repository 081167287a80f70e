import base64
import re
import secrets

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq
from odoo.tools.mail import email_normalize, parse_contact_from_email

# the largest portal or web-form text kept, in characters
MAX_TEXT = 20_000
MAX_SUBJECT = 200
# at most this many files on one portal or web-form complaint; the others are named as
# refused in the complaint's thread
MAX_FILES = 10
# what a customer's message may carry when posted by the customer themselves (over RPC):
# what Odoo's /mail/message/post route lets through (mail.thread's
# _get_allowed_message_post_params), as a comment (Odoo lets customers post no note)
CUSTOMER_SUBTYPES = (None, False, "mail.mt_comment")
# Windows drops trailing dots and spaces from a file name: "run.exe. " opens as run.exe
TRAILING_DOTS = re.compile(r"[\s.]+$")


def refused_html(reasons):
    """The list of refused files, one reason each, appended to a message's body."""
    items = Markup("").join(Markup("<li>%s</li>") % reason for reason in reasons)
    return Markup("<ul class='o_crm_complaint_refused'>%s</ul>") % items


class CrmComplaintIntakeMixin(models.AbstractModel):
    """Intake from every channel: the mail gateway (a team's alias creates a complaint,
    replies thread on it), the portal and the public form; nothing a customer sent is
    dropped: unknown senders get a contact or a pending complaint, refused attachments are
    named in the message. What a customer sends never reaches what is not theirs: their
    messages carry only their own uploads and notify only the complaint's followers, and a
    sender of the public form reaches an existing customer's records only once they have
    confirmed their email address. Mixed into crm.complaint only."""

    _name = "crm.complaint.intake.mixin"
    _description = "Complaint Intake"

    acknowledgement_pending = fields.Boolean(
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="crm_complaints.group_crm_complaints_user",
        help="The customer is still to be told that the complaint is received.",
    )
    intake_ip = fields.Char(
        string="Sent From (IP)",
        readonly=True,
        copy=False,
        groups="crm_complaints.group_crm_complaints_manager",
    )
    web_order_ref = fields.Char(
        string="Order Reference (as typed)",
        readonly=True,
        copy=False,
        groups="crm_complaints.group_crm_complaints_user",
        help="The order reference a sender of the public form typed; checked against the "
        "contact only once the sender has confirmed their email address.",
    )
    web_confirm_token = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The secret of the link that confirms a public-form complaint's email address.",
    )

    # --- mail gateway ------------------------------------------------------------------

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        # the gateway's loop detection counts the sender's recent complaints: through the
        # index on the normalized email rather than an ilike over every complaint
        return [("email_normalized", "=", email_from_normalized)]

    def _intake_check_gateway_call(self):
        """message_new and message_update are the mail gateway's (it calls them as
        superuser): a customer calling them over RPC would reopen or create complaints
        without an email; anyone else needs the rights the gateway's work takes."""
        if self.env.su:
            return
        if self.env.user.share:
            raise AccessError(
                self.env._(
                    "Customers write to a complaint by email or in the portal: this"
                    " operation is reserved to the mail gateway."
                )
            )
        self.check_access("write" if self else "create")

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        self._intake_check_gateway_call()
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
        self._intake_check_gateway_call()
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

    @api.model
    def _intake_is_own_address(self, email):
        """Whether `email` is an address of this database: an alias (a team's, any
        other), or an alias domain's catchall, bounce or default sender. Mail from one of
        them is Odoo writing to itself: it makes no complaint and gets no answer."""
        normalized = email_normalize(email or "")
        if not normalized:
            return False
        domains = self.env["mail.alias.domain"].sudo().search([])
        own = {
            email_normalize(address or "")
            for domain in domains
            for address in (domain.catchall_email, domain.bounce_email, domain.default_from_email)
        }
        return normalized in own or bool(
            self.env["mail.alias"].sudo().search_count([("alias_full_name", "=", normalized)])
        )

    # --- what a customer posts ---------------------------------------------------------

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """A customer's message (portal chatter, or their own RPC call) carries only their
        own uploads, within the intake limits (the refused ones are deleted and named in
        the message), and notifies only the complaint's followers. Posted by the customer
        themselves (not through a controller that checked it, in sudo), it may carry only
        what Odoo's /mail/message/post route lets through."""
        if self.env.user.share:
            if not self.env.su:
                kwargs = self._intake_customer_post_values(kwargs)
            kwargs = self._intake_customer_files(kwargs)
        return super().message_post(**kwargs)

    def _intake_customer_post_values(self, kwargs):
        """The values of a message a customer posts themselves, as strict as Odoo's
        /mail/message/post route: access to post on the complaint, only the route's
        parameters, a comment, recipients among the followers."""
        self.ensure_one()
        self.check_access(self._mail_post_access)
        allowed = self._get_allowed_message_post_params()
        extra = sorted(set(kwargs) - allowed)
        if extra:
            raise AccessError(
                self.env._(
                    "A customer's message cannot set %(params)s: post text and your own"
                    " uploaded files only.",
                    params=", ".join(extra),
                )
            )
        if kwargs.get("message_type", "comment") != "comment" or (
            kwargs.get("subtype_xmlid") not in CUSTOMER_SUBTYPES
        ):
            raise AccessError(
                self.env._(
                    "A customer's message is a comment on the complaint: post it without a"
                    " message type or subtype."
                )
            )
        values = dict(kwargs, message_type="comment", subtype_xmlid="mail.mt_comment")
        if values.get("partner_ids"):
            # as the route: a customer notifies only people who already follow the complaint
            followers = (
                self.env["mail.followers"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "=", self.id),
                        ("partner_id", "in", values["partner_ids"]),
                    ]
                )
            )
            values["partner_ids"] = followers.partner_id.ids
        return values

    def _intake_customer_files(self, kwargs):
        """The files of a customer's message: only their own pending uploads (what Odoo
        keeps for a customer: on the composer, created by them), within the intake limits.
        Another's attachment is neither read nor touched; an upload of theirs that breaks
        the limits is deleted and named in the message, as are refused `attachments`."""
        values = dict(kwargs)
        refused = []
        if values.get("attachment_ids"):
            Attachment = self.env["ir.attachment"].sudo()
            own = (
                Attachment.browse(values["attachment_ids"])
                .exists()
                .filtered(
                    lambda a: a.res_model in ("mail.compose.message", "mail.scheduled.message")
                    and not a.res_id
                    and a.create_uid.id == self.env.uid
                )
            )
            rejected = Attachment
            for attachment in own:
                reason = self._intake_refusal(attachment.name, attachment.file_size)
                if reason:
                    refused.append(reason)
                    rejected |= attachment
            values["attachment_ids"] = (own - rejected).ids
            rejected.unlink()
        if values.get("attachments"):
            kept = []
            for attachment in values["attachments"]:
                name, content = attachment[0], attachment[1]
                size = len(content.encode() if isinstance(content, str) else content or b"")
                reason = self._intake_refusal(name, size)
                if reason:
                    refused.append(reason)
                else:
                    kept.append(attachment)
            values["attachments"] = kept
        if refused:
            # the customer's text stays escaped unless it is already markup
            values["body"] = Markup("%s%s") % (values.get("body") or "", refused_html(refused))
        return values

    @api.returns("mail.message", lambda value: value.id)
    def message_notify(self, **kwargs):
        # a notification is the company writing to someone: never a customer's to send
        self._intake_check_company_writes()
        return super().message_notify(**kwargs)

    def message_mail_with_source(self, source_ref, *args, **kwargs):
        self._intake_check_company_writes()
        return super().message_mail_with_source(source_ref, *args, **kwargs)

    def message_post_with_source(self, source_ref, *args, **kwargs):
        self._intake_check_company_writes()
        return super().message_post_with_source(source_ref, *args, **kwargs)

    def _intake_check_company_writes(self):
        """Emails sent from a complaint (notifications, templates) are the staff's, on the
        complaints they may read."""
        if self.env.su:
            return
        if self.env.user.share:
            raise AccessError(
                self.env._(
                    "Only the company's staff send emails from a complaint: write your"
                    " message in the complaint's thread instead."
                )
            )
        self.check_access("read")

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
    def _intake_file_name(self, filename):
        """A file name as it is kept: no control characters (a NUL byte would break the
        database)."""
        return "".join(ch for ch in filename or "" if ch.isprintable()).strip()

    @api.model
    def _intake_refusal(self, filename, size, company=None):
        """Why a file is not kept (translated), or None when it is. The type is read as the
        operating system reads it: trailing dots and spaces dropped, any case."""
        max_bytes, forbidden = self._intake_limits(company)
        name = TRAILING_DOTS.sub("", self._intake_file_name(filename))
        extension = name.rsplit(".", 1)[-1].lower().strip() if "." in name else ""
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
        rendered in the customer's language for the whole batch, posted on each complaint
        in the company's name (an acknowledgement is not the first answer of the SLA)."""
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
            complaint.message_post(
                body=body,
                subject=subject,
                author_id=complaint.company_id.partner_id.id,
                partner_ids=complaint.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _notify_assignee(self):
        """Tell the assignee (only them, never the customer) that the complaint is theirs:
        the one notice of an assignment, whoever made it (a user, the team's rotation, an
        escalation step). Nobody is told of their own choice."""
        for complaint in self.filtered("user_id"):
            assignee = complaint.user_id
            complaint.message_subscribe(partner_ids=assignee.partner_id.ids)
            if assignee == self.env.user:
                continue
            complaint.message_notify(
                partner_ids=assignee.partner_id.ids,
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
        message; refused ones (beyond MAX_FILES, too large, of a forbidden type) are named
        in a note. Returns the attachments kept and the reasons of the refused ones."""
        attachments = self.env["ir.attachment"]
        refused = []
        for index, (name, content) in enumerate(files):
            if index >= MAX_FILES:
                reason = self.env._(
                    "%(file)s was not kept: at most %(max)s files come with a complaint;"
                    " send the others in a reply.",
                    file=name,
                    max=MAX_FILES,
                )
            else:
                reason = self._intake_refusal(name, len(content), complaint.company_id)
            if reason:
                refused.append(reason)
                continue
            attachments |= (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": self._intake_file_name(name),
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
            # an unidentified sender (public form) is named by the address they typed
            sender = {} if author else {"email_from": complaint.sudo().email_from}
            complaint.message_post(
                body=self.env._("Attached by the customer."),
                attachment_ids=attachments.ids,
                author_id=author.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                **sender,
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
    def _intake_order(self, reference, partner, strict=True):
        """The sales order the customer refers to, checked against the customer: another
        customer's order (or none) raises a clear error (or, not `strict`, is no order)."""
        reference = (reference or "").strip()
        if not reference:
            return self.env["sale.order"]
        order = (
            self.env["sale.order"]
            .sudo()
            .search([("name", "=ilike", reference), ("state", "=", "sale")], limit=1)
        )
        if not order or order.partner_id.commercial_partner_id != partner.commercial_partner_id:
            if not strict:
                return self.env["sale.order"]
            raise UserError(
                self.env._(
                    "We find no order %(ref)s of yours: check the reference on your order"
                    " confirmation, or leave it empty.",
                    ref=reference,
                )
            )
        return order

    # --- the public form ----------------------------------------------------------------

    @api.model
    def _web_take_attempt(self, ip, email):
        """Count one try of the public form from `ip` and `email` (every try, failed ones
        too) and refuse it when either made `crm_complaint_web_limit` tries in the last
        hour. Counted in a transaction of its own, so that simultaneous posts wait for each
        other and a refused or failed try still counts."""
        keys = [f"ip:{ip or '-'}"]
        normalized = email_normalize(email or "")
        if normalized:
            keys.append(f"email:{normalized}")
        limit = self.env.company.crm_complaint_web_limit
        if not self.env["crm.complaint.web.attempt"]._take(keys, limit):
            raise UserError(
                self.env._(
                    "We have received several complaints from you in the last hour: please wait"
                    " a little before sending another one, or write to us by email."
                )
            )

    @api.model
    def _web_create(self, values, files=(), ip=None):
        """A complaint from the public form (no login), always filed unlinked: the sender is
        not identified by the email they typed, so the complaint reaches no contact and no
        order until they confirm their address with the link they are sent (then
        `_web_confirm`), or someone of the team links them. The answer is the same whether
        the email or the order are known or not."""
        self = self.with_context(mail_notify_force_send=False)
        name = (values.get("name") or "").strip()
        email = email_normalize(values.get("email") or "")
        if not name or len(name) > 120:
            raise UserError(self.env._("Give your name (at most 120 characters)."))
        if not email:
            raise UserError(self.env._("Give a valid email address, so that we can answer you."))
        subject, description = self._intake_clean_text(values)
        complaint = self.sudo().create(
            {
                "subject": subject,
                "description": description,
                "partner_id": False,
                "partner_name": name,
                "email_from": email,
                "channel": "web",
                "web_order_ref": (values.get("order_ref") or "").strip()[:64] or False,
                "web_confirm_token": secrets.token_urlsafe(32),
                "intake_ip": ip,
                "company_id": self.env.company.id,
            }
        )
        self._intake_attach(complaint, files, self.env["res.partner"])
        complaint._send_web_confirmation()
        return complaint

    def _send_web_confirmation(self):
        """The email with the confirmation link, in the visitor's language: our words only
        (the reference and the link), nothing the sender typed."""
        template = self.env.ref(
            "crm_complaints.mail_template_complaint_web_confirm", raise_if_not_found=False
        )
        for complaint in self.sudo():
            if template:
                # no layout: a layout shows the record's name, the subject the sender typed
                template.sudo().with_context(lang=self.env.lang).send_mail(
                    complaint.id, force_send=False
                )
            complaint._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Sent from the public form; a link to confirm the address was sent to"
                    " %(email)s. Until the sender confirms it, the complaint is linked to no"
                    " contact and no order: link them yourself if you know them.",
                    email=complaint.email_from,
                )
            )

    def _web_confirm_url(self):
        self.ensure_one()
        token = self.sudo().web_confirm_token
        return f"{self.get_base_url()}/complaint/confirm/{self.id}?token={token}"

    def _web_confirm(self, token):
        """The sender followed the link of their email: the address is theirs. Link the
        complaint to the contact with this address (a new one when there is none) and to the
        order they named when it is that customer's, and acknowledge it. Returns whether the
        token was right (a used link is no longer)."""
        self.ensure_one()
        complaint = self.sudo()
        expected = complaint.web_confirm_token
        if not expected or not token or not consteq(expected, token):
            return False
        partner = self.env["res.partner"].sudo()
        partner = partner.search(
            [("email_normalized", "=", complaint.email_normalized)], order="id", limit=1
        ) or partner.create({"name": complaint.partner_name, "email": complaint.email_from})
        order = self._intake_order(complaint.web_order_ref, partner, strict=False)
        complaint.write(
            {
                "partner_id": partner.id,
                "sale_order_id": order.id or complaint.sale_order_id.id,
                "web_confirm_token": False,
            }
        )
        complaint._message_log(
            body=Markup("<p>%s</p>")
            % self.env._("The sender confirmed the address %(email)s.", email=partner.email)
        )
        complaint._queue_acknowledgement()
        return True
