import logging

from odoo import models

_logger = logging.getLogger(__name__)

# headers of automatic messages (RFC 3834 and the common non-standard ones): no complaint
# is acknowledged, reopened or moved because of them, so two robots cannot loop
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")


def is_auto_submitted(message):
    auto = (message.get("Auto-Submitted") or "").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        (auto and auto != "no")
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or any(message.get(header) for header in AUTO_REPLY_HEADERS)
    )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        # mail from an address of this database (an alias, the catchall, the bounce or the
        # notifications' sender) is Odoo writing to itself: no complaint, no answer, or
        # they would answer each other
        if any(route[0] == "crm.complaint" for route in routes or ()) and self.env[
            "crm.complaint"
        ]._intake_is_own_address(message_dict.get("email_from")):
            _logger.info(
                "Ignored mail from %s with Message-Id %s for complaints: an address of this"
                " database",
                message_dict.get("email_from"),
                message_dict.get("message_id"),
            )
            routes = [route for route in routes if route[0] != "crm.complaint"]
            if not routes:
                return False
        # the parsed dict has no headers, and message_new/message_update get only the dict:
        # tell them through the context whether the email is an automatic reply
        if is_auto_submitted(message):
            self = self.with_context(crm_complaint_auto_submitted=True)
        return super()._message_route_process(message, message_dict, routes)
