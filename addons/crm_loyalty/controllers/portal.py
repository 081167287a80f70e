from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

LEDGER_STEP = 20


class CrmLoyaltyPortal(CustomerPortal):
    """/my/loyalty: the member's tier and progress, both balances, points expiring soon,
    the rewards within reach and the points ledger. Everything is read as the portal user
    (record rules keep them to their own cards); the programme's rewards and tiers are
    read for a card the user may read."""

    def _crm_loyalty_cards(self):
        return request.env["loyalty.card"].search([("crm_enabled", "=", True)], order="id")

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_loyalty_count" in counters:
            Card = request.env["loyalty.card"]
            values["crm_loyalty_count"] = (
                Card.search_count([("crm_enabled", "=", True)]) if Card.has_access("read") else 0
            )
        return values

    @route("/my/loyalty", type="http", auth="user", website=True)
    def portal_my_crm_loyalty(self, **kw):
        cards = self._crm_loyalty_cards()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_loyalty",
                "cards": [card._crm_portal_values() for card in cards],
            }
        )
        return request.render("crm_loyalty.portal_my_loyalty", values)

    @route(
        ["/my/loyalty/<int:card_id>", "/my/loyalty/<int:card_id>/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_crm_loyalty_ledger(self, card_id, page=1, **kw):
        card = request.env["loyalty.card"].browse(card_id)
        try:
            card.check_access("read")
        except (AccessError, MissingError):
            return request.not_found()
        if not card.crm_enabled:
            return request.not_found()
        History = request.env["loyalty.history"]
        domain = [("card_id", "=", card.id), ("crm_kind", "!=", False)]
        pager = portal_pager(
            url=f"/my/loyalty/{card.id}",
            total=History.search_count(domain),
            page=page,
            step=LEDGER_STEP,
        )
        lines = History.search(domain, limit=LEDGER_STEP, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_loyalty_ledger",
                "card": card._crm_portal_values(ledger_limit=0),
                "lines": [card._crm_portal_line(line) for line in lines],
                "pager": pager,
            }
        )
        return request.render("crm_loyalty.portal_my_loyalty_ledger", values)
