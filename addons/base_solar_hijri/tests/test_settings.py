from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import SolarHijriCase


@tagged("post_install", "-at_install")
class TestSettings(SolarHijriCase):
    def test_calendar_follows_the_language_by_default(self):
        Users = self.env["res.users"]
        self.assertTrue(Users._uses_solar_hijri(self.user_fa))
        self.assertFalse(Users._uses_solar_hijri(self.user_en))

    def test_user_changes_it_in_their_preferences(self):
        view = self.env.ref("base.view_users_form_simple_modif")
        with Form(self.user_fa.with_user(self.user_fa), view=view) as preferences:
            preferences.calendar_system = "gregorian"
        self.assertFalse(self.env["res.users"]._uses_solar_hijri(self.user_fa))
        with Form(self.user_en.with_user(self.user_en), view=view) as preferences:
            preferences.calendar_system = "solar_hijri"
            preferences.persian_digits = True
        self.assertTrue(self.env["res.users"]._uses_solar_hijri(self.user_en))
        self.assertTrue(self.user_en.persian_digits)

    def test_a_user_cannot_change_another_users_calendar(self):
        with self.assertRaises(AccessError):
            self.user_fa.with_user(self.user_en).write({"calendar_system": "gregorian"})

    def test_company_setting_in_general_settings(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.solar_hijri_periods = True
        self.assertTrue(self.env.company.solar_hijri_periods)
        with Form(self.env["res.config.settings"]) as settings:
            self.assertTrue(settings.solar_hijri_periods)
            settings.solar_hijri_periods = False
        self.assertFalse(self.env.company.solar_hijri_periods)


@tagged("post_install", "-at_install")
class TestSessionInfo(HttpCase):
    def test_web_client_reads_the_users_calendar(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        new_test_user(self.env, login="sh_session_fa", lang="fa_IR", persian_digits=True)
        new_test_user(self.env, login="sh_session_en", lang="en_US")
        self.authenticate("sh_session_fa", "sh_session_fa")
        info = self.make_jsonrpc_request("/web/session/get_session_info")
        self.assertEqual((info["solar_hijri"], info["persian_digits"]), (True, True))
        self.authenticate("sh_session_en", "sh_session_en")
        info = self.make_jsonrpc_request("/web/session/get_session_info")
        self.assertEqual((info["solar_hijri"], info["persian_digits"]), (False, False))
