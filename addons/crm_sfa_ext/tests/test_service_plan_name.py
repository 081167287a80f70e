import importlib.util
from datetime import timedelta

from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .test_service_common import MONDAY, FieldServiceCase


def post_migrate_18_0_1_1_0():
    """The migration script of 18.0.1.1.0 (its folder name is no Python module name)."""
    path = f"{get_module_path('crm_sfa_ext')}/migrations/18.0.1.1.0/post-migrate.py"
    spec = importlib.util.spec_from_file_location("crm_sfa_ext_post_migrate_18_0_1_1_0", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


@tagged("post_install", "-at_install")
class TestServicePlanName(FieldServiceCase):
    """A plan without a name of its own is named after its dates in the reader's language,
    not stored in the language of whoever made it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.env["ir.module.module"]._load_module_terms(["crm_sfa_ext"], ["fa_IR"], overwrite=True)

    def plan(self, **values):
        return self.env["crm.service.plan"].create(
            {"date_from": MONDAY, "date_to": MONDAY + timedelta(days=6), **values}
        )

    def test_named_after_its_dates_in_each_readers_language(self):
        plan = self.plan()
        self.assertFalse(plan.name)
        self.assertEqual(
            plan.with_context(lang="en_US").display_name, "Plan 01/06/2031 - 01/12/2031"
        )
        persian = plan.with_context(lang="fa_IR").display_name
        self.assertTrue(persian.startswith("برنامهٔ "), persian)
        self.assertNotIn("Plan", persian)
        if hasattr(self.env["res.users"], "_solar_hijri_format_date"):
            # 16 to 22 Dey 1409, for a Persian reader of the Solar Hijri calendar
            self.assertIn("1409", persian)
            self.assertNotIn("2031", persian)
        own = self.plan(name="Week 2 spare parts")
        self.assertEqual(own.with_context(lang="fa_IR").display_name, "Week 2 spare parts")

    def test_upgrade_clears_the_names_stored_from_the_dates_only(self):
        old = self.plan()
        own = self.plan()
        self.env.cr.execute(
            "UPDATE crm_service_plan SET name = %s WHERE id = %s",
            ["برنامهٔ 2031-01-06 تا 2031-01-12", old.id],
        )
        self.env.cr.execute(
            "UPDATE crm_service_plan SET name = %s WHERE id = %s", ["Spare parts", own.id]
        )
        post_migrate_18_0_1_1_0()(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(old.name)
        self.assertEqual(own.name, "Spare parts")

    def test_a_visit_plan_is_named_in_each_readers_language(self):
        seller = self.env.ref("base.user_admin")
        plan = self.env["crm.visit.plan"].create(
            {"user_id": seller.id, "date_from": "2031-03-01", "date_to": "2031-03-31"}
        )
        english = plan.with_context(lang="en_US").display_name
        self.assertEqual(english, f"{seller.name} March 2031")
        persian = plan.with_context(lang="fa_IR").display_name
        self.assertNotIn("March", persian)
        self.assertTrue(persian.startswith(seller.name), persian)
        # what a search finds stays stored, in the language the plan was made in
        self.assertEqual(plan.name, english)
