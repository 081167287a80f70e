from odoo.addons.crm_identification.tests.common_i18n import TranslationCompleteCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTranslations(TranslationCompleteCase):
    MODULE = "pos_crm_loyalty"
    # Odoo's test loader skips test methods a class inherits unless told otherwise
    allow_inherited_tests_method = True
