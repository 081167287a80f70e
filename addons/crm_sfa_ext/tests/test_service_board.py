import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_service_common import MONDAY, FieldServiceCase, at


@tagged("post_install", "-at_install")
class TestServiceBoard(FieldServiceCase):
    """Moving visits by hand on the dispatcher's board (crm.service.order.action_board_move):
    hard conflicts refused with the reason, soft ones moved once the dispatcher confirms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["crm.service.order"].with_user(cls.dispatcher)
        cls.socket = cls.order("Socket repair", skills=cls.electrical)
        cls.busy = cls.order(
            "Busy elsewhere",
            partner=cls.customer_two,
            technician_ids=[(6, 0, cls.tech_a.ids)],
            planned_start=at(0, 10),
            planned_end=at(0, 11),
            state="planned",
        )

    def move(self, order, start, technicians, confirm=False):
        return order.with_user(self.dispatcher).action_board_move(
            str(start), technicians.ids, confirm=confirm
        )

    def test_new_visit_dropped_on_a_lane_is_planned_and_pinned(self):
        result = self.move(self.socket, at(0, 14), self.tech_a)
        self.assertEqual(result["moved"], True)
        self.assertFalse(result["warning"])
        self.assertRecordValues(
            self.socket,
            [
                {
                    "state": "planned",
                    "pinned": True,
                    "planned_start": at(0, 14),
                    "planned_end": at(0, 15),
                    "technician_ids": self.tech_a.ids,
                    "unplanned_reason": False,
                }
            ],
        )
        # 3 km from the previous stop at 40 km/h x 1.3: the travel before it is set
        self.assertGreater(self.socket.travel_minutes, 0)

    def test_overlap_with_another_visit_is_refused(self):
        with self.assertRaisesRegex(UserError, "already have .*Busy elsewhere"):
            self.move(self.socket, at(0, 10, 30), self.tech_a, confirm=True)
        self.assertEqual(self.socket.state, "new")
        self.assertFalse(self.socket.planned_start)

    def test_leave_is_refused(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "calendar_id": self.calendar.id,
                "resource_id": self.tech_a.resource_id.id,
                "date_from": at(1, 8),
                "date_to": at(1, 12),
            }
        )
        with self.assertRaisesRegex(UserError, "Ali Electric is on leave"):
            self.move(self.socket, at(1, 9), self.tech_a, confirm=True)

    def test_calendar_appointment_is_refused(self):
        self.env["calendar.event"].create(
            {
                "name": "Training",
                "start": at(2, 9),
                "stop": at(2, 11),
                "partner_ids": [(6, 0, self.tech_user_a.partner_id.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "appointment"):
            self.move(self.socket, at(2, 10), self.tech_a, confirm=True)

    def test_missing_skill_warns_then_moves_on_confirm(self):
        result = self.move(self.socket, at(0, 14), self.tech_b)
        self.assertIn("lack the skills Electrical", result["warning"])
        self.assertNotIn("moved", result)
        self.assertEqual(self.socket.state, "new")
        result = self.move(self.socket, at(0, 14), self.tech_b, confirm=True)
        self.assertTrue(result["moved"])
        self.assertEqual(self.socket.technician_ids, self.tech_b)
        self.assertTrue(self.socket.pinned)

    def test_outside_working_hours_warns(self):
        result = self.move(self.socket, at(0, 18), self.tech_a)
        self.assertIn("Outside the working hours of Ali Electric", result["warning"])
        self.assertIn("08:00-12:00", result["warning"])

    def test_too_little_time_to_travel_warns(self):
        # right after the busy visit at the other customer's, 3 km away
        result = self.move(self.socket, at(0, 11), self.tech_a)
        self.assertIn("minutes after", result["warning"])

    def test_a_drop_sets_the_arrival_and_the_service_starts_on_it(self):
        # planned to arrive at 9:40 and wait for its window at 10:00: the bar runs from 9:40
        self.busy.write({"planned_arrival": at(0, 9, 40), "travel_minutes": 20})
        self.move(self.busy, at(0, 14), self.tech_a, confirm=True)
        self.assertRecordValues(
            self.busy,
            [
                {
                    "planned_arrival": at(0, 14),
                    "planned_start": at(0, 14),
                    "planned_end": at(0, 15),
                    "pinned": True,
                }
            ],
        )

    def test_reassign_a_planned_visit_to_another_lane_pins_it(self):
        self.move(self.busy, at(0, 10), self.tech_b, confirm=True)
        self.assertEqual(self.busy.technician_ids, self.tech_b)
        self.assertTrue(self.busy.pinned)
        self.assertEqual(self.busy.state, "planned")
        # the lane it left is free at that time now
        result = self.move(self.socket, at(0, 10), self.tech_a)
        self.assertTrue(result.get("moved"))

    def test_moving_a_dispatched_visit_tells_the_customer_again(self):
        self.company.fs_arrival_window_minutes = 120
        self.busy.with_user(self.dispatcher).action_dispatch()
        self.assertEqual(
            (self.busy.notified_window_start, self.busy.notified_window_end),
            (at(0, 9), at(0, 11)),
        )

        def moved_mails():
            return self.busy.message_ids.filtered(
                lambda m: "new arrival window" in (m.subject or "")
            )

        # half an hour later: still within the window the customer was told
        self.move(self.busy, at(0, 10, 30), self.tech_a, confirm=True)
        self.assertEqual(self.busy.planned_arrival, at(0, 10, 30))
        self.assertFalse(moved_mails())
        self.assertEqual(self.busy.notified_window_start, at(0, 9))
        # to the afternoon on another technician's lane: told the new window
        self.busy.customer_response = "confirmed"
        self.move(self.busy, at(0, 14), self.tech_b, confirm=True)
        self.assertEqual(self.busy.state, "dispatched")
        mail = moved_mails()
        self.assertEqual(len(mail), 1)
        self.assertIn(self.customer_two, mail.partner_ids)
        self.assertRecordValues(
            self.busy,
            [
                {
                    "notified_window_start": at(0, 13),
                    "notified_window_end": at(0, 15),
                    "customer_response": "pending",
                }
            ],
        )

    def test_a_drag_reads_each_thing_once(self):
        """A drag that tells the customer (checks, write, mail) in a bounded number of
        queries: the technicians, their hours, their leaves and the other visits are read
        once each, the mail rendered without a composer; it waits in the mail queue, which
        is asked to run at once, so the dispatcher does not wait for the mail server."""
        self.company.fs_arrival_window_minutes = 120
        self.busy.with_user(self.dispatcher).action_dispatch()
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]).unlink()
        self.env.invalidate_all()
        # 60 to 63 measured (what Odoo's caches already hold varies with the tests run
        # before); the move read each technician and visit apart before: 69
        with self.assertQueryCount(65):
            result = self.move(self.busy, at(0, 14), self.tech_b, confirm=True)
        self.assertTrue(result["moved"])
        self.assertEqual(self.busy.notified_window_start, at(0, 13))
        told = self.busy.message_ids.filtered(lambda m: "new arrival window" in (m.subject or ""))
        mail = self.env["mail.mail"].search([("mail_message_id", "=", told.id)])
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.customer_two)
        self.assertIn("Confirm or change the visit", mail.body_html)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]))

    def test_done_visit_and_no_technician_are_refused(self):
        self.busy.state = "done"
        with self.assertRaisesRegex(UserError, "only a visit to plan"):
            self.move(self.busy, at(0, 14), self.tech_a, confirm=True)
        with self.assertRaisesRegex(UserError, "drop it on a technician's lane"):
            self.move(self.socket, at(0, 14), self.env["hr.employee"], confirm=True)

    def test_planner_keeps_the_moved_visit(self):
        self.move(self.socket, at(0, 14), self.tech_a)
        self.order("Another socket", skills=self.electrical)
        self.plan()
        self.assertEqual(self.socket.planned_start, at(0, 14))
        self.assertEqual(self.socket.technician_ids, self.tech_a)

    def test_replan_queues_a_plan_of_the_period(self):
        action = self.Order.action_board_replan(str(MONDAY), str(MONDAY))
        plan = self.env["crm.service.plan"].browse(action["res_id"])
        self.assertEqual(plan.state, "queued")
        self.assertEqual((plan.date_from, plan.date_to), (MONDAY, MONDAY))

    def test_lanes_and_visits_to_plan(self):
        lanes = self.Order.board_lanes()
        self.assertEqual({lane["name"] for lane in lanes}, {"Ali Electric", "Bahar Plumb"})
        unplanned = self.Order.board_unplanned()
        self.assertIn(self.socket.id, [row["id"] for row in unplanned])
        self.assertNotIn(self.busy.id, [row["id"] for row in unplanned])

    def test_map_label_gives_stop_and_arrival(self):
        self.busy.route_sequence = 2
        self.assertRegex(
            self.busy.with_user(self.dispatcher).board_label,
            r"^2\. 10:00\sAM Customer Two \(Ali Electric\)$",
        )


@tagged("post_install", "-at_install")
class TestServiceBoardSecurity(HttpCase, FieldServiceCase):
    """A technician cannot move visits on the board: not others' (which they cannot see)
    nor their own, whatever context the client sends."""

    def rpc(self, method, args, kwargs):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "crm.service.order",
                        "method": method,
                        "args": args,
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_technician_cannot_move_visits(self):
        theirs = self.order(
            "Bahar's visit",
            technician_ids=[(6, 0, self.tech_b.ids)],
            planned_start=at(0, 9),
            planned_end=at(0, 10),
            state="planned",
        )
        own = self.order(
            "Ali's visit",
            technician_ids=[(6, 0, self.tech_a.ids)],
            planned_start=at(0, 13),
            planned_end=at(0, 14),
            state="planned",
        )
        self.authenticate("fs_tech_a", "fs_tech_a")
        contexts = [
            {},
            {"active_test": False, "sudo": True, "bypass_checks": True},
            {"allowed_company_ids": [self.company.id], "uid": self.dispatcher.id},
        ]
        for order in (theirs, own):
            for context in contexts:
                reply = self.rpc(
                    "action_board_move",
                    [[order.id], str(at(0, 15)), self.tech_a.ids],
                    {"confirm": True, "context": context},
                )
                self.assertIn("error", reply, reply)
                self.assertIn(
                    reply["error"]["data"]["name"],
                    ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
                )
        reply = self.rpc("action_board_replan", [str(MONDAY), str(MONDAY)], {})
        self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.env.invalidate_all()
        self.assertRecordValues(
            theirs | own,
            [
                {"planned_start": at(0, 9), "technician_ids": self.tech_b.ids, "pinned": False},
                {"planned_start": at(0, 13), "technician_ids": self.tech_a.ids, "pinned": False},
            ],
        )
        self.assertFalse(self.env["crm.service.plan"].search([("date_from", "=", MONDAY)]))

    def test_with_user_technician_is_refused(self):
        order = self.order("Any visit", technician_ids=[(6, 0, self.tech_b.ids)])
        with self.assertRaises(AccessError):
            order.with_user(self.tech_user_a).action_board_move(
                str(at(0, 9)), self.tech_a.ids, confirm=True
            )
