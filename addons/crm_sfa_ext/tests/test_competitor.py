from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCompetitor(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.user = new_test_user(cls.env, "sfa_user", groups="crm_sfa_ext.group_crm_sfa_ext_user")
        cls.manager = new_test_user(
            cls.env, "sfa_manager", groups="crm_sfa_ext.group_crm_sfa_ext_manager"
        )

    def test_manager_records_user_reads(self):
        rival = self.env["crm.competitor"].with_user(self.manager).create({"name": "Rival Ltd"})
        self.assertEqual(rival.with_user(self.user).name, "Rival Ltd")
        with self.assertRaises(AccessError):
            rival.with_user(self.user).write({"strengths": "Cheaper"})

    def test_one_competitor_per_name_and_company(self):
        self.env["crm.competitor"].create({"name": "Rival Ltd"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["crm.competitor"].create({"name": "Rival Ltd"})
