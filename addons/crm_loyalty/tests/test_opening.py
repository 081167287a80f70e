from datetime import date

from odoo.tests import freeze_time, tagged

from .common import LoyaltyCase


@tagged("post_install", "-at_install")
class TestOpeningAndCheck(LoyaltyCase):
    """Turning the ledger on for a programme whose cards already hold points opens their
    balances as dated lots; the scheduled ledger check finds the cards that no longer add
    up and tells the loyalty managers."""

    def plain_cards(self):
        """A sale_loyalty programme run without the ledger for a while: balances set by
        orders and by hand, with Odoo's own history."""
        program = self.program.copy(
            {"name": "Old Club", "crm_enabled": False, "crm_expiry_months": 6}
        )
        Partner = self.env["res.partner"]
        rich, poor, empty = (
            Partner.create({"name": name}) for name in ("Rich Member", "Poor Member", "Empty")
        )
        self.order(rich, amount=300, program=program)
        Card = self.env["loyalty.card"]
        cards = {
            "rich": self.card(rich, program),
            "poor": Card.create({"program_id": program.id, "partner_id": poor.id, "points": 40}),
            "empty": Card.create({"program_id": program.id, "partner_id": empty.id}),
        }
        # Odoo's Update Balance writes a history line of its own
        self.env["loyalty.card.update.balance"].create(
            {"card_id": cards["rich"].id, "new_balance": 350, "description": "Gift"}
        ).action_update_card_point()
        return program, cards

    @freeze_time("2028-02-29 10:00:00")
    def test_existing_balances_become_dated_opening_lots(self):
        program, cards = self.plain_cards()
        self.assertEqual((cards["rich"].points, cards["poor"].points), (350, 40))
        program.write({"crm_enabled": True, "crm_opening_expiry_date": "2028-12-31"})
        for key, points in (("rich", 350), ("poor", 40)):
            opening = self.lines(cards[key])
            self.assertEqual(
                (opening.crm_kind, opening.crm_points, opening.crm_balance),
                ("opening", points, points),
            )
            self.assertEqual(opening.crm_remaining, points, "the balance is one open lot")
            self.assertEqual(opening.crm_expiry_date, date(2028, 12, 31))
        self.assertFalse(self.lines(cards["empty"]), "nothing to open on an empty card")
        self.assertEqual(cards["rich"].points, 350, "the balance is untouched")
        self.assertLedgerConsistent()
        # off and on again: nothing is opened twice
        program.crm_enabled = False
        program.crm_enabled = True
        self.assertEqual(len(self.lines(cards["rich"])), 1)
        # the lots spend and expire like any other
        spent = self.env["loyalty.history"]._crm_book(
            [{"card": cards["rich"], "kind": "redeem", "points": -50, "description": "x"}]
        )
        self.assertEqual(spent.crm_lot_id, self.lines(cards["rich"], "opening"))
        with freeze_time("2029-01-01 10:00:00"):
            self.env["loyalty.history"]._crm_expire_points()
        self.assertEqual((cards["rich"].points, cards["poor"].points), (0, 0))
        self.assertLedgerConsistent()

    @freeze_time("2027-12-31 10:00:00")
    def test_default_expiry_is_the_programmes(self):
        program, cards = self.plain_cards()
        program.crm_enabled = True
        self.assertEqual(self.lines(cards["poor"]).crm_expiry_date, date(2028, 6, 30))
        self.assertLedgerConsistent()

    def test_scheduled_check_tells_the_managers_once(self):
        cards = self.give(100) | self.give(
            30, partner=self.env["res.partner"].create({"name": "B"})
        )
        broken = cards[0]
        self.env.flush_all()
        # a change of points that the ledger never saw (a script writing SQL, a bug)
        self.env.cr.execute(
            "UPDATE loyalty_card SET points = points + 5 WHERE id = %s", [broken.id]
        )
        self.env.invalidate_all()
        Card = self.env["loyalty.card"]
        Param = self.env["ir.config_parameter"]
        # two cards per run: the job walks through every card, then starts over
        runs = 0
        while True:
            Card._cron_check_ledger(limit=2)
            runs += 1
            if Param.get_param("crm_loyalty.ledger_check_last_card") == "0" or runs > 500:
                break
        self.assertGreater(runs, 1)
        self.assertTrue(broken.crm_ledger_off)
        self.assertFalse(cards[1].crm_ledger_off)
        notes = broken.message_ids.filtered(lambda m: "no longer add up" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn(self.manager.partner_id, notes.partner_ids)
        self.assertNotIn(self.user.partner_id, notes.partner_ids, "managers only")
        Card._cron_check_ledger()
        notes = broken.message_ids.filtered(lambda m: "no longer add up" in (m.body or ""))
        self.assertEqual(len(notes), 1, "told once while the card stays off")
        # the points are put back where the ledger says: the card adds up again
        self.env.cr.execute(
            "UPDATE loyalty_card SET points = points - 5 WHERE id = %s", [broken.id]
        )
        self.env.invalidate_all()
        Card._cron_check_ledger()
        self.assertFalse(broken.crm_ledger_off, "cleared once the card adds up again")
