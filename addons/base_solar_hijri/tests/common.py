from odoo.tests import TransactionCase, new_test_user


class SolarHijriCase(TransactionCase):
    """A Persian user and an English user of the same database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.user_fa = new_test_user(
            cls.env, login="sh_fa", groups="base.group_user", lang="fa_IR", tz="Asia/Tehran"
        )
        cls.user_en = new_test_user(
            cls.env, login="sh_en", groups="base.group_user", lang="en_US", tz="Asia/Tehran"
        )
