from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestScorecardComplaints(ComplaintCase):
    """The scorecard's complaints columns on known complaints, equal to the complaints
    analysis of the same months."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.complaint.sla"].search([]).active = False
        cls.env["crm.complaint.sla"].create(
            {
                "name": "Scorecard standard",
                "team_id": cls.team.id,
                "first_response_hours": 4,
                "resolution_hours": 16,
            }
        )

    def test_sla_compliance_and_complaints_per_customer_reconcile(self):
        friday = datetime(2021, 3, 5, 15, 0)
        with freeze_time(friday):
            on_time = self.complaint(resolution="<p>Fixed.</p>")
            late = self.complaint(resolution="<p>Fixed, late.</p>")
            third = self.complaint(resolution="<p>Fixed.</p>")
        with freeze_time(datetime(2021, 3, 8, 9, 0)):
            (on_time | third).action_resolve()
        with freeze_time(datetime(2021, 3, 10, 9, 0)):
            late.action_resolve()
        with freeze_time(datetime(2021, 4, 2, 10, 0)):
            april = self.complaint(subject="April")
        # the test cursor keeps one creation time per transaction, not the frozen clock's
        self.env.flush_all()
        for complaints, day in ((on_time | late | third, friday), (april, datetime(2021, 4, 2))):
            self.env.cr.execute(
                "UPDATE crm_complaint SET create_date = %s WHERE id = ANY(%s)",
                [day, complaints.ids],
            )
        self.env.invalidate_all()
        self.assertEqual(late.sla_status, "breached")
        scorecard = self.env["crm.scorecard"]
        months = [date(2021, 3, 1), date(2021, 4, 1)]
        scorecard._compute_months(self.company, months)
        rows = {
            row.month: row
            for row in scorecard.search(
                [("company_id", "=", self.company.id), ("month", "in", months)]
            )
        }
        march = rows[date(2021, 3, 1)]
        self.assertEqual(march.complaint_count, 3)
        self.assertAlmostEqual(march.complaint_sla_compliance, 200 / 3)
        self.assertEqual(rows[date(2021, 4, 1)].complaint_count, 1)
        if march.active_count:
            self.assertAlmostEqual(march.complaints_per_100, 300 / march.active_count)
        # the complaints analysis (pivot of complaints by month of creation) says the same
        mine = self.env["crm.complaint"].search([("team_id", "=", self.team.id)])
        analysis = self.env["crm.complaint"]._read_group(
            [("id", "in", mine.ids)],
            ["create_date:month"],
            ["__count", "sla_compliance:avg", "cost:sum"],
        )
        for month, count, compliance, cost in analysis:
            row = rows[month.date()]
            self.assertEqual(row.complaint_count, count)
            self.assertAlmostEqual(row.complaint_sla_compliance, compliance)
            self.assertAlmostEqual(row.complaint_cost, cost)
