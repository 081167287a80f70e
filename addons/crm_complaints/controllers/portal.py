from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..models.crm_complaint_intake_mixin import MAX_FILES


def uploaded_files(field):
    """(name, bytes) of the files posted in `field`: every one, so that the complaint names
    those it does not keep; past MAX_FILES (refused whatever they hold) the bytes are not
    read."""
    result = []
    for upload in request.httprequest.files.getlist(field):
        if upload and upload.filename:
            content = b""
            if len(result) < MAX_FILES:
                upload.stream.seek(0)
                content = upload.read()
            result.append((upload.filename, content))
    return result


class ComplaintPortal(CustomerPortal):
    """/my/complaints: a portal user's complaints (their commercial partner's, by the record
    rules), each with its thread (replies and attachments), and a page to file a new one."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["crm.complaint"]
            values["complaint_count"] = (
                Complaint.search_count([]) if Complaint.has_access("read") else 0
            )
        return values

    def _complaint_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "create_date desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "stage": {"label": request.env._("Status"), "order": "stage_id, id desc"},
        }

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_complaints(self, page=1, sortby="date", **kw):
        Complaint = request.env["crm.complaint"]
        if not Complaint.has_access("read"):
            return request.redirect("/my")
        sortings = self._complaint_sortings()
        sortby = sortby if sortby in sortings else "date"
        count = Complaint.search_count([])
        pager = portal_pager(
            url="/my/complaints",
            url_args={"sortby": sortby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        complaints = Complaint.search(
            [], order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_complaints_history"] = complaints.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            complaints=complaints,
            page_name="complaints",
            pager=pager,
            default_url="/my/complaints",
            searchbar_sortings=sortings,
            sortby=sortby,
        )
        return request.render("crm_complaints.portal_my_complaints", values)

    @http.route("/my/complaints/<int:complaint_id>", type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access(
                "crm.complaint", complaint_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        for attachment in complaint_sudo.message_ids.attachment_ids:
            attachment.generate_access_token()
        values = self._prepare_portal_layout_values()
        values.update(complaint=complaint_sudo, page_name="complaint")
        values = self._get_page_view_values(
            complaint_sudo, access_token, values, "my_complaints_history", False, **kw
        )
        return request.render("crm_complaints.portal_my_complaint", values)

    @http.route(
        "/my/complaints/new", type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def portal_new_complaint(self, **post):
        partner = request.env.user.partner_id
        values = self._prepare_portal_layout_values()
        values.update(page_name="new_complaint", post=post, error=None)
        if request.httprequest.method == "POST":
            try:
                complaint = request.env["crm.complaint"]._portal_create(
                    partner, post, uploaded_files("attachments")
                )
            except UserError as error:
                values["error"] = error.args[0]
            else:
                return request.redirect(f"/my/complaints/{complaint.id}")
        return request.render("crm_complaints.portal_new_complaint", values)
