from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestSummaryReport(ComplaintCase):
    """The complaint's printed summary: a real PDF (wkhtmltopdf), from the Print menu of a
    complaint, with its timeline, SLA, root cause, remedies and satisfaction."""

    def test_the_summary_prints_as_a_pdf(self):
        with freeze_time(datetime(2026, 3, 9, 10, 0)):
            complaint = self.complaint(
                user_id=self.agent.id,
                root_cause_id=self.env.ref("crm_complaints.root_cause_transport").id,
                resolution="<p>Sent a new chair.</p>",
            )
        with freeze_time(datetime(2026, 3, 10, 9, 0)):
            complaint.action_resolve()
        report = self.env.ref("crm_complaints.action_report_complaint_summary")
        self.assertEqual(report.binding_model_id.model, "crm.complaint")
        html = report.with_user(self.agent)._render_qweb_html(report.report_name, complaint.ids)[0]
        for text in (complaint.name, "Damaged in transport", "Sent a new chair.", "Resolved"):
            self.assertIn(text, html.decode())
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.agent)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report.report_name, complaint.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
