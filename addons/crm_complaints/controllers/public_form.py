from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .portal import uploaded_files

# the action name the form's captcha token is asked for (google_recaptcha, turnstile)
CAPTCHA_ACTION = "crm_complaint"
# searches of the published answers from one address (IP) in an hour: the forms search as
# the customer types (a pause of the typing is one search)
ANSWER_SEARCHES_PER_HOUR = 120


class ComplaintPublicForm(http.Controller):
    """/complaint: anyone may file a complaint without logging in. Every try counts towards
    the hourly limit of the visitor's address (Odoo's, proxy-aware with --proxy-mode) and
    email, a captcha is checked when Odoo has one, and the complaint is filed unlinked until
    the sender confirms their email address (/complaint/confirm)."""

    @http.route("/complaint", type="http", auth="public", website=True, methods=["GET", "POST"])
    def public_complaint(self, **post):
        values = {"post": post, "error": None, "complaint": None}
        if request.httprequest.method == "POST":
            Complaint = request.env["crm.complaint"]
            # the address of the visitor as Odoo sees it: the proxy's X-Forwarded-For when
            # Odoo runs with --proxy-mode behind a proxy (werkzeug's ProxyFix)
            ip = request.httprequest.remote_addr
            try:
                Complaint._web_take_attempt(ip, post.get("email"))
                self._check_captcha()
                values["complaint"] = Complaint._web_create(
                    post, uploaded_files("attachments"), ip=ip
                )
            except UserError as error:
                values["error"] = error.args[0]
        return request.render("crm_complaints.public_complaint_form", values)

    def _check_captcha(self):
        """The captcha of Odoo's google_recaptcha (and website_cf_turnstile, which extends
        the same method) when installed: it passes when no key is set."""
        ir_http = request.env["ir.http"]
        if not hasattr(ir_http, "_verify_request_recaptcha_token"):
            return
        if not ir_http._verify_request_recaptcha_token(CAPTCHA_ACTION):
            raise UserError(
                request.env._(
                    "We could not tell that a person sent this form: send it again, or write"
                    " to us by email."
                )
            )

    @http.route(
        "/complaint/confirm/<int:complaint_id>",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
    )
    def public_complaint_confirm(self, complaint_id, token=None, **post):
        """The link of the confirmation email: a page with a button (a link checker that
        opens the link confirms nothing), the button confirms. The same answer for any
        wrong id or token."""
        complaint = request.env["crm.complaint"].sudo().browse(complaint_id).exists()
        values = {"token": token, "complaint_id": complaint_id, "state": "ask"}
        if request.httprequest.method == "POST":
            confirmed = bool(complaint) and complaint._web_confirm(token)
            values.update(state="done" if confirmed else "invalid", complaint=complaint)
        return request.render("crm_complaints.public_complaint_confirm", values)

    @http.route("/complaint/answers", type="json", auth="public", website=True, methods=["POST"])
    def public_complaint_answers(self, query="", **kwargs):
        """The published answers that share words with what the customer typed on a
        complaint form (the portal's or the public one), before they file: title and text
        only, of the website's company. Counted per address like the public form's tries;
        past the hourly limit the answer is empty. Nothing else is read: any other
        parameter is ignored."""
        ip = request.httprequest.remote_addr
        allowed = request.env["crm.complaint.web.attempt"]._take(
            [f"answers-ip:{ip or '-'}"], ANSWER_SEARCHES_PER_HOUR
        )
        if not allowed or not isinstance(query, str):
            return {"answers": []}
        answers = (
            request.env["crm.complaint"]
            .sudo()
            ._search_published_answers(query, request.env.company)
        )
        return {"answers": answers}
