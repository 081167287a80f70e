from datetime import datetime

import pytz

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

PAST = ("done", "cancelled")


class FieldServicePortal(CustomerPortal):
    """The customer's visits: upcoming and past, each with its window, to confirm or to ask
    for another window. Every record is read through the portal's access check (record
    rules, or the visit's access token)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "fs_visit_count" in counters:
            Order = request.env["crm.service.order"]
            values["fs_visit_count"] = (
                Order.search_count(self._fs_domain()) if Order.has_access("read") else 0
            )
        return values

    def _fs_domain(self):
        partner = request.env.user.partner_id
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("state", "!=", "new"),
        ]

    @http.route(["/my/service-visits"], type="http", auth="user", website=True)
    def portal_my_service_visits(self, **kw):
        Order = request.env["crm.service.order"]
        visits = Order.search(self._fs_domain(), order="planned_start desc, id desc")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "fs_visits",
                "upcoming": visits.filtered(lambda v: v.state not in PAST).sorted("planned_start"),
                "past": visits.filtered(lambda v: v.state in PAST),
            }
        )
        return request.render("crm_sfa_ext.portal_my_service_visits", values)

    @http.route(["/my/service-visits/<int:visit_id>"], type="http", auth="public", website=True)
    def portal_service_visit(self, visit_id, access_token=None, message=None, error=None, **kw):
        visit = self._fs_visit(visit_id, access_token)
        if not visit:
            return request.redirect("/my")
        return self._fs_render(visit, access_token, message=message, error=error)

    def _fs_render(self, visit, access_token, **values):
        values = self._get_page_view_values(
            visit,
            access_token,
            {"page_name": "fs_visit", "visit": visit, "tz": self._fs_tz(visit), **values},
            "my_fs_visits_history",
            False,
        )
        return request.render("crm_sfa_ext.portal_service_visit", values)

    @http.route(
        ["/my/service-visits/<int:visit_id>/confirm"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_service_visit_confirm(self, visit_id, access_token=None, **kw):
        visit = self._fs_visit(visit_id, access_token)
        if not visit:
            return request.redirect("/my")
        if visit.state in ("planned", "dispatched"):
            visit._fs_customer_confirm()
        return request.redirect(self._fs_url(visit, access_token, message="confirmed"))

    @http.route(
        ["/my/service-visits/<int:visit_id>/reschedule"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_service_visit_reschedule(
        self, visit_id, access_token=None, start=None, end=None, note=None, **kw
    ):
        visit = self._fs_visit(visit_id, access_token)
        if not visit:
            return request.redirect("/my")
        if visit.state not in ("new", "planned", "dispatched"):
            return request.redirect(self._fs_url(visit, access_token, error="closed"))
        tz = self._fs_tz(visit)
        try:
            window = [self._fs_parse(value, tz) for value in (start, end)]
        except (ValueError, TypeError, OverflowError):
            return request.redirect(self._fs_url(visit, access_token, error="window"))
        try:
            visit._fs_customer_request_window(*window, note=(note or "").strip())
        except UserError as error:
            # what is wrong, as the visit's rules say it, on the page the customer filled in
            return self._fs_render(visit, access_token, error_text=error.args[0])
        return request.redirect(self._fs_url(visit, access_token, message="requested"))

    def _fs_visit(self, visit_id, access_token):
        """The visit, read as the system once the caller may read it (record rules) or holds
        its access token; None otherwise."""
        try:
            return self._document_check_access("crm.service.order", visit_id, access_token)
        except (AccessError, MissingError):
            return None

    def _fs_url(self, visit, access_token, **query):
        params = "&".join(f"{key}={value}" for key, value in query.items())
        token = f"access_token={access_token}&" if access_token else ""
        return f"/my/service-visits/{visit.id}?{token}{params}"

    def _fs_tz(self, visit):
        return (
            visit.partner_id.tz or request.env.user.tz or visit.company_id.partner_id.tz or "UTC"
        )

    def _fs_parse(self, value, tz):
        """A browser's datetime-local value, in the customer's time zone, as naive UTC."""
        local = datetime.strptime(value, "%Y-%m-%dT%H:%M")
        moment = pytz.timezone(tz).localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        return fields.Datetime.to_datetime(moment)
