"""Merge each addon's fresh .pot into its i18n/fa.po, keeping existing translations, and report
the entries still untranslated. Usage: i18n_merge.py ADDONS_DIR ADDON [ADDON ...]"""

import sys
from pathlib import Path

import polib

HEADER = {
    "Project-Id-Version": "Odoo Server 18.0",
    "Language": "fa",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def merge(addon_dir):
    name = addon_dir.name
    pot = polib.pofile(str(addon_dir / "i18n" / f"{name}.pot"))
    po_path = addon_dir / "i18n" / "fa.po"
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr and not e.obsolete}
    po = polib.POFile(wrapwidth=78)
    po.metadata = HEADER
    po.header = (
        "Translation of Odoo Server.\n"
        f"This file contains the translation of the following modules:\n\t* {name}"
    )
    missing = []
    for entry in pot:
        msgstr = known.get((entry.msgctxt, entry.msgid), "")
        if not msgstr:
            missing.append(entry.msgid)
        po.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                msgctxt=entry.msgctxt,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=entry.flags,
            )
        )
    po.save(str(po_path))
    return missing


def main():
    root = Path(sys.argv[1])
    untranslated = 0
    for name in sys.argv[2:]:
        missing = merge(root / name)
        untranslated += len(missing)
        print(f"{name}: {len(missing)} untranslated")
        for msgid in missing:
            print(f"    {msgid!r}")
    return 1 if untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
