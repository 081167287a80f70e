from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .portal import uploaded_files


class ComplaintPublicForm(http.Controller):
    """/complaint: anyone may file a complaint without logging in (name, email, optionally
    an order reference checked against that email), a few per hour per address."""

    @http.route("/complaint", type="http", auth="public", website=True, methods=["GET", "POST"])
    def public_complaint(self, **post):
        values = {"post": post, "error": None, "complaint": None}
        if request.httprequest.method == "POST":
            try:
                values["complaint"] = request.env["crm.complaint"]._web_create(
                    post,
                    uploaded_files("attachments"),
                    ip=request.httprequest.remote_addr,
                )
            except UserError as error:
                values["error"] = error.args[0]
        return request.render("crm_complaints.public_complaint_form", values)
