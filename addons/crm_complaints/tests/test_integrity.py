import logging
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.addons.crm_complaints.models.account_move import AccountMove
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ComplaintCase, RpcMixin

_logger = logging.getLogger(__name__)
MONDAY = datetime(2026, 3, 9, 10, 0)
FRIDAY_3PM = datetime(2026, 3, 6, 15, 0)
USER_ERROR = "odoo.exceptions.UserError"


def _post_without_hook(self, soft=True):
    """account.move._post without this addon's step: Odoo's and the other addons' only."""
    return super(AccountMove, self)._post(soft=soft)


@tagged("post_install", "-at_install")
class TestWorkflowIntegrity(HttpCase, ComplaintCase, RpcMixin):
    """What the workflow keeps is not a client's to write: a remedy is done only through
    its document, a complaint's SLA clock and counters only through its stages, and no
    document is linked to a remedy by hand (over JSON-RPC, as the lowest complaint user)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ours = cls.complaint(subject="Ours", user_id=cls.agent.id)
        cls.remedy = cls.env["crm.complaint.remedy"].create(
            {"complaint_id": cls.ours.id, "remedy_type": "credit_note", "amount": 10}
        )
        cls.salesman = new_test_user(
            cls.env, "cmp_salesman", groups="sales_team.group_sale_salesman_all_leads"
        )

    def setUp(self):
        super().setUp()
        self.authenticate(self.agent.login, self.agent.login)

    @mute_logger("odoo.http")
    def test_a_remedy_is_done_only_through_its_document(self):
        for values in (
            {"state": "done"},
            {"state": "in_progress"},
            {"move_id": self.env["account.move"].search([], limit=1).id},
            {"document_model": "res.users", "document_id": self.agent.id},
            {"date_done": "2026-03-09 10:00:00"},
        ):
            with self.subTest(values=list(values)):
                self.assertEqual(
                    self.call_kw_error(
                        "crm.complaint.remedy", "write", [[self.remedy.id], values]
                    ),
                    USER_ERROR,
                )
        self.assertEqual(
            self.call_kw_error(
                "crm.complaint.remedy",
                "create",
                [{"complaint_id": self.ours.id, "remedy_type": "points", "state": "done"}],
            ),
            USER_ERROR,
        )
        self.env.invalidate_all()
        self.assertEqual(self.remedy.state, "draft")
        self.assertFalse(self.remedy.document_model)
        self.assertEqual(self.ours.cost, 0.0)
        # the note and the amount stay the user's to change
        self.call_kw("crm.complaint.remedy", "write", [[self.remedy.id], {"note": "Sorry"}])

    @mute_logger("odoo.http")
    def test_the_sla_clock_is_not_written_by_hand(self):
        for values in (
            {"sla_status": "on_time"},
            {"date_first_response": "2026-03-09 10:00:00"},
            {"reopen_count": 0},
            {"escalation_level": 0},
            {"sla_resolution_deadline": "2099-12-31 00:00:00"},
            {"name": "CMP/FAKE"},
        ):
            with self.subTest(values=list(values)):
                self.assertEqual(
                    self.call_kw_error("crm.complaint", "write", [[self.ours.id], values]),
                    USER_ERROR,
                )
        # what the form edits is still editable
        self.call_kw("crm.complaint", "write", [[self.ours.id], {"subject": "Ours, renamed"}])
        self.env.invalidate_all()
        self.assertEqual(self.ours.subject, "Ours, renamed")

    def test_no_document_is_linked_to_a_remedy_by_hand(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write({"crm_complaint_remedy_id": self.remedy.id})
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "crm_complaint_remedy_id": self.remedy.id}
            )
        self.assertFalse(order.crm_complaint_remedy_id)


@tagged("post_install", "-at_install")
class TestAssignmentNotice(ComplaintCase):
    """An assignee is told once, whoever assigns: a user, the team's rotation, an
    escalation step. Mail tracking is on, as in real use."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))

    def notices(self, complaint, user):
        return self.env["mail.message"].search(
            [
                ("model", "=", "crm.complaint"),
                ("res_id", "=", complaint.id),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )

    def test_the_rotation_tells_the_assignee_once(self):
        self.team.assignment_method = "round_robin"
        with freeze_time(MONDAY):
            complaint = self.env["crm.complaint"].create(
                {"subject": "Rotation", "partner_id": self.customer.id, "team_id": self.team.id}
            )
        self.assertTrue(complaint.user_id)
        self.assertEqual(len(self.notices(complaint, complaint.user_id)), 1)
        self.assertIn(complaint.user_id.partner_id, complaint.message_partner_ids)
        to_customer = self.env["mail.message"].search(
            [
                ("res_id", "=", complaint.id),
                ("model", "=", "crm.complaint"),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.customer.ids),
            ]
        )
        self.assertFalse(to_customer)

    def test_a_user_assigning_tells_the_assignee_once(self):
        complaint = self.env["crm.complaint"].create(
            {
                "subject": "By hand",
                "partner_id": self.customer.id,
                "team_id": self.team.id,
                "user_id": self.agent.id,
            }
        )
        self.assertEqual(len(self.notices(complaint, self.agent)), 1)
        complaint.user_id = self.agent2
        self.assertEqual(len(self.notices(complaint, self.agent2)), 1)
        self.assertIn(self.agent2.partner_id, complaint.message_partner_ids)
        # nobody is told of their own choice
        complaint.with_user(self.agent).user_id = self.agent
        self.assertEqual(len(self.notices(complaint, self.agent)), 1)

    def test_an_escalation_that_reassigns_tells_the_new_assignee(self):
        policy = self.env["crm.complaint.sla"].create(
            {
                "name": "Reassigning",
                "team_id": self.team.id,
                "first_response_hours": 1,
                "resolution_hours": 2,
                "escalation_ids": [
                    (0, 0, {"level": 1, "name": "Hand over", "reassign_user_id": self.agent2.id})
                ],
            }
        )
        with freeze_time(FRIDAY_3PM):
            complaint = self.env["crm.complaint"].create(
                {"subject": "Late", "team_id": self.team.id, "user_id": self.agent.id}
            )
        self.assertEqual(complaint.sla_policy_id, policy)
        with freeze_time(datetime(2026, 3, 10, 12, 0)):
            self.env["crm.complaint.escalation"]._cron_sla_escalation()
        complaint.invalidate_recordset()
        self.assertEqual(complaint.user_id, self.agent2)
        self.assertEqual(len(self.notices(complaint, self.agent2)), 1)
        self.assertIn(self.agent2.partner_id, complaint.message_partner_ids)


@tagged("post_install", "-at_install")
class TestSlaReplanning(ComplaintCase):
    """The SLA follows the priority however it changes: written, computed from the
    severity, raised by an escalation step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.complaint.sla"].search([]).active = False
        cls.standard = cls.env["crm.complaint.sla"].create(
            {
                "name": "Standard",
                "team_id": cls.team.id,
                "first_response_hours": 4,
                "resolution_hours": 16,
            }
        )
        cls.urgent = cls.env["crm.complaint.sla"].create(
            {
                "name": "Urgent",
                "team_id": cls.team.id,
                "priority": "3",
                "first_response_hours": 1,
                "resolution_hours": 8,
            }
        )

    def test_a_computed_priority_replans(self):
        with freeze_time(FRIDAY_3PM):
            complaint = self.complaint()
            self.assertEqual(complaint.sla_policy_id, self.standard)
            complaint.severity = "critical"
        self.assertEqual(complaint.priority, "3")
        self.assertEqual(complaint.sla_policy_id, self.urgent)
        self.assertEqual(complaint.sla_first_response_deadline, datetime(2026, 3, 6, 16, 0))

    def test_an_escalation_raising_the_priority_replans(self):
        self.standard.escalation_ids = [
            (0, 0, {"level": 1, "name": "Raise", "trigger": "warning", "raise_priority": True})
        ]
        with freeze_time(FRIDAY_3PM):
            complaint = self.complaint(priority="2")
        self.assertEqual(complaint.sla_policy_id, self.standard)
        # at risk after 75% of 16 working hours: Tuesday 10:00
        with freeze_time(datetime(2026, 3, 10, 11, 0)):
            self.env["crm.complaint.escalation"]._cron_sla_escalation()
        complaint.invalidate_recordset()
        self.assertEqual(complaint.priority, "3")
        self.assertEqual(complaint.sla_policy_id, self.urgent)
        # 8 working hours from Friday 15:00: Friday 2 h, Monday 6 h
        self.assertEqual(complaint.sla_resolution_deadline, datetime(2026, 3, 9, 15, 0))


@tagged("post_install", "-at_install")
class TestCategoryTeamAndCompanies(ComplaintCase):
    """A category's default team takes the complaints that come without one; company-bound
    relations stay within the complaint's company, and the configuration of one company is
    not another's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_team = cls.env["crm.complaint.team"].create(
            {"name": "Billing Desk", "alias_name": "billing-desk", "assignment_method": "manual"}
        )
        cls.billing = cls.env["crm.complaint.category"].create(
            {"name": "Invoices", "team_id": cls.billing_team.id}
        )
        cls.other = cls.env["res.company"].create({"name": "Complaints Abroad"})

    def test_the_category_default_team(self):
        complaint = self.env["crm.complaint"].create(
            {"subject": "Billed twice", "category_id": self.billing.id}
        )
        self.assertEqual(complaint.team_id, self.billing_team)
        chosen = self.complaint(category_id=self.billing.id)
        self.assertEqual(chosen.team_id, self.team, "a chosen team is kept")
        teamless = self.complaint(team_id=False)
        teamless.category_id = self.billing
        self.assertEqual(teamless.team_id, self.billing_team)

    def test_company_bound_relations(self):
        foreign_category = self.env["crm.complaint.category"].create(
            {"name": "Abroad only", "company_id": self.other.id}
        )
        foreign_cause = self.env["crm.complaint.root.cause"].create(
            {"name": "Abroad cause", "company_id": self.other.id}
        )
        for values in (
            {"category_id": foreign_category.id},
            {"root_cause_id": foreign_cause.id},
            {
                "user_id": new_test_user(
                    self.env,
                    "cmp_abroad",
                    company_id=self.other.id,
                    company_ids=[(6, 0, self.other.ids)],
                ).id
            },
        ):
            with self.subTest(values=list(values)), self.assertRaises(UserError):
                self.complaint(team_id=False, **values)
        stage = self.env["crm.complaint.stage"].create(
            {"name": "Abroad", "state": "in_progress", "company_id": self.other.id}
        )
        with self.assertRaises(UserError):
            self.complaint(stage_id=stage.id)

    def test_configuration_is_per_company(self):
        foreign = {
            "crm.complaint.category": {"name": "Abroad category"},
            "crm.complaint.root.cause": {"name": "Abroad cause"},
            "crm.complaint.stage": {"name": "Abroad stage", "state": "new"},
        }
        self.manager.company_ids = [(4, self.other.id)]
        for model, values in foreign.items():
            record = self.env[model].create(dict(values, company_id=self.other.id))
            shared = self.env[model].create(dict(values, name=f"Shared {values['name']}"))
            home = self.env[model].with_user(self.manager)
            home = home.with_context(allowed_company_ids=[self.company.id])
            with self.subTest(model=model):
                self.assertNotIn(record, home.search([]))
                self.assertIn(shared, home.search([]))
                with self.assertRaises(AccessError):
                    record.with_user(self.agent).read(["name"])
        sla = self.env["crm.complaint.sla"].create(
            {"name": "Abroad SLA", "company_id": self.other.id}
        )
        step = self.env["crm.complaint.escalation"].create({"name": "x", "sla_id": sla.id})
        self.assertEqual(step.company_id, self.other)
        with self.assertRaises(AccessError):
            step.with_user(self.agent).read(["name"])


@tagged("post_install", "-at_install")
class TestPostingCost(ComplaintCase):
    """Posting an invoice that is no remedy's document costs no query for this addon."""

    def test_posting_a_plain_invoice_costs_no_query(self):
        def invoice():
            return self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        (0, 0, {"product_id": self.product.id, "price_unit": 10, "tax_ids": []})
                    ],
                }
            )

        def cost(move):
            self.env.flush_all()
            self.env.invalidate_all()
            move = move.browse(move.id)
            before = self.env.cr.sql_log_count
            move.action_post()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        cost(invoice())  # warm-up: sequences, caches
        with_addon = min(cost(invoice()), cost(invoice()))
        with patch.object(AccountMove, "_post", _post_without_hook):
            without = min(cost(invoice()), cost(invoice()))
        _logger.info(
            "posting an invoice: %s queries, %s without this addon's hook", with_addon, without
        )
        self.assertEqual(with_addon, without)
