from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import InsightCase

# the labels the refresh writes on contacts (res.partner columns, one value per company)
LABEL_COLUMNS = (
    "crm_prospect",
    "crm_segment_id",
    "crm_value_tier",
    "crm_churn_status",
    "crm_recency_score",
    "crm_frequency_score",
    "crm_monetary_score",
)


@tagged("post_install", "-at_install")
class TestMergeProspects(InsightCase):
    """Odoo's partner merge copies the labels of the contacts merged (the prospect label
    among them) onto the contact kept, and moves their sales, opportunities and rows in
    SQL: after every kind of merge, the nightly refresh must store what the weekly recount
    stores."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.customer
        cls.buyer = c("Buying Co", is_company=True)
        cls.buyer_contact = c("Anna at Buying", parent_id=cls.buyer.id)
        cls.order(cls.buyer, days_ago=20, amount=500)
        cls.order(cls.buyer_contact, days_ago=80, amount=300)
        cls.lead = c("Leading Co", is_company=True)
        cls.lead_contact = c("Bob at Leading", parent_id=cls.lead.id)
        cls.other_lead = c("Other Leading Co", is_company=True)
        for partner, name in ((cls.lead_contact, "Chairs"), (cls.other_lead, "Desks")):
            cls.env["crm.lead"].create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "expected_revenue": 1000,
                }
            )
        cls.env["crm.customer.score"]._refresh_company(cls.company, as_of=cls.AS_OF)

    def merge(self, partners, kept):
        self.env["base.partner.merge.automatic.wizard"]._merge(
            partners.ids, kept, extra_checks=False
        )

    def stored(self):
        """The company's labels on every contact, and its prospects."""
        self.env.flush_all()
        key = str(self.company.id)
        labels = dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, ARRAY[%s] FROM res_partner",
                    SQL(", ").join(
                        SQL("%s ->> %s", SQL.identifier(column), key) for column in LABEL_COLUMNS
                    ),
                )
            )
        )
        prospects = self.env.execute_query(
            SQL(
                "SELECT partner_id FROM crm_customer_prospect WHERE company_id = %s"
                " ORDER BY partner_id",
                self.company.id,
            )
        )
        return labels, prospects

    def assertNightlyIsRecount(self):
        day = self.AS_OF + timedelta(days=1)
        self.refresh(as_of=day)  # the nightly refresh: from the stored figures
        nightly = self.stored()
        self.refresh(as_of=day, recount=True)
        self.assertEqual(nightly, self.stored())

    def prospect(self, partner):
        self.env.invalidate_all()
        return partner.crm_prospect

    def test_prospects_before_any_merge(self):
        self.assertTrue(self.prospect(self.lead))
        self.assertTrue(self.prospect(self.lead_contact))
        self.assertTrue(self.prospect(self.other_lead))
        self.assertFalse(self.prospect(self.buyer))
        self.assertNightlyIsRecount()

    def test_prospect_merged_into_a_customer(self):
        self.merge(self.other_lead | self.buyer, self.buyer)
        self.assertNightlyIsRecount()
        self.assertFalse(self.prospect(self.buyer))

    def test_prospect_merged_into_the_contact_of_a_customer(self):
        self.merge(self.other_lead | self.buyer_contact, self.buyer_contact)
        self.assertNightlyIsRecount()
        self.assertFalse(self.prospect(self.buyer_contact))

    def test_customer_merged_into_a_prospect(self):
        self.merge(self.buyer | self.other_lead, self.other_lead)
        self.assertNightlyIsRecount()
        self.assertFalse(self.prospect(self.other_lead))
        self.assertTrue(self.score(self.other_lead))

    def test_prospect_merged_into_a_prospect(self):
        self.merge(self.other_lead | self.lead, self.lead)
        self.assertNightlyIsRecount()
        self.assertTrue(self.prospect(self.lead))
        self.assertTrue(self.prospect(self.lead_contact))

    def test_contact_of_a_prospect_merged_into_the_contact_of_a_customer(self):
        self.merge(self.lead_contact | self.buyer_contact, self.buyer_contact)
        self.assertNightlyIsRecount()
        self.assertFalse(self.prospect(self.buyer_contact))
        # the opportunity went with its contact: the prospect company has none left
        self.assertFalse(self.prospect(self.lead))

    def test_contact_of_a_customer_merged_into_the_contact_of_a_prospect(self):
        self.merge(self.buyer_contact | self.lead_contact, self.lead_contact)
        self.assertNightlyIsRecount()
        # its orders made the prospect company a customer
        self.assertFalse(self.prospect(self.lead_contact))
        self.assertFalse(self.prospect(self.lead))
        self.assertTrue(self.score(self.lead))
