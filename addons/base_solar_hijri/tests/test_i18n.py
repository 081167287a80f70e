import re

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

PLACEHOLDER = re.compile(r"%\(\w+\)s|%%|%s")


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every user-facing term of the addon is in its .pot and translated in fa.po, with the
    same placeholders (the Solar Hijri bridges check theirs with a subclass)."""

    MODULE = "base_solar_hijri"

    def test_pot_current_and_persian_complete(self):
        terms = {
            row[4]
            for row in TranslationModuleReader(self.env.cr, modules=[self.MODULE])
            if row[0] == self.MODULE and row[4]
        }
        i18n = f"{get_module_path(self.MODULE)}/i18n"
        pot = {entry.msgid for entry in polib.pofile(f"{i18n}/{self.MODULE}.pot")}
        self.assertEqual(terms - pot, set(), "terms missing from the .pot: run bash setup/i18n.sh")
        persian = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(f"{i18n}/fa.po")
            if entry.msgstr and "fuzzy" not in entry.flags
        }
        self.assertEqual(sorted(terms - set(persian)), [], "untranslated in fa.po")
        for msgid in terms:
            self.assertEqual(
                sorted(PLACEHOLDER.findall(msgid)),
                sorted(PLACEHOLDER.findall(persian[msgid])),
                f"placeholders differ in the Persian of {msgid!r}",
            )
