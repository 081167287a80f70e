from odoo.tests import HttpCase, tagged

from .test_service_common import MONDAY, FieldServiceCase, at


@tagged("post_install", "-at_install")
class TestServiceBoardTours(HttpCase, FieldServiceCase):
    def board_action(self, xmlid, **vals):
        """The board's action opened on a fixed day (not the browser's today)."""
        action = self.env.ref(xmlid).copy(vals)
        return f"/odoo/action-{action.id}"

    def test_board_drop_refusal_confirm_replan(self):
        busy = self.order(
            "Busy elsewhere",
            partner=self.customer_two,
            technician_ids=[(6, 0, self.tech_a.ids)],
            planned_start=at(0, 10),
            planned_end=at(0, 11),
            state="planned",
        )
        socket = self.order("Socket repair", skills=self.electrical)
        url = self.board_action(
            "crm_sfa_ext.crm_service_order_action_board",
            context=f"{{'fs_board_date': '{MONDAY}'}}",
        )
        self.start_tour(url, "crm_sfa_ext_field_service_board_tour", login="fs_dispatcher")
        self.assertRecordValues(
            socket,
            [
                {
                    "state": "planned",
                    "pinned": True,
                    "planned_arrival": at(0, 18),
                    "planned_start": at(0, 18),
                    "technician_ids": self.tech_a.ids,
                }
            ],
        )
        # the bar dragged to Bahar's lane at 14:00: Bahar arrives then and starts on arrival
        self.assertRecordValues(
            busy,
            [
                {
                    "pinned": True,
                    "planned_arrival": at(0, 14),
                    "planned_start": at(0, 14),
                    "planned_end": at(0, 15),
                    "technician_ids": self.tech_b.ids,
                }
            ],
        )
        plan = self.env["crm.service.plan"].search([], limit=1)
        self.assertEqual((plan.date_from, plan.date_to, plan.state), (MONDAY, MONDAY, "queued"))

    def test_map_of_the_day(self):
        self.env["ir.config_parameter"].set_param(
            "leaflet.tile_url", "/web/static/img/placeholder.png"
        )
        north = self.located_partner("Customer North", 6, partner_latitude=35.74)
        for n, partner in enumerate((self.customer, north)):
            self.order(
                f"Stop {n + 1}",
                partner=partner,
                technician_ids=[(6, 0, self.tech_a.ids)],
                planned_start=at(0, 9 + 2 * n),
                planned_end=at(0, 10 + 2 * n),
                route_sequence=n + 1,
                state="dispatched",
            )
        self.order(
            "Someone else's stop",
            partner=self.located_partner("Customer Three", 12),
            technician_ids=[(6, 0, self.tech_b.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            route_sequence=1,
            state="dispatched",
        )
        url = self.board_action(
            "crm_sfa_ext.crm_service_order_action_my_map",
            context="{}",
            domain=(
                "[('technician_ids.user_id', '=', uid), "
                f"('planned_start', '>=', '{MONDAY} 00:00:00'), "
                f"('planned_start', '<', '{MONDAY} 23:59:59')]"
            ),
        )
        self.start_tour(url, "crm_sfa_ext_field_service_map_tour", login="fs_tech_a")
