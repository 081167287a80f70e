"""Odoo finds the translatable strings of Python files with Babel, which evaluates the
literal arguments of each _() call: one it cannot evaluate (an f-string, say) stops the
extraction of the whole file, and every later string of it silently leaves the .pot and
fa.po. Each addon file must extract cleanly."""

from pathlib import Path

from babel.messages import extract

ADDONS = Path(__file__).resolve().parents[2] / "addons"


def test_every_translatable_string_of_every_addon_file_is_extracted():
    broken = []
    for path in sorted(ADDONS.glob("*/**/*.py")):
        with path.open("rb") as source:
            try:
                list(extract.extract_python(source, {"_": None, "_lt": None}, [], {}))
            except Exception as error:  # what Odoo's export swallows, losing the file
                broken.append(f"{path.relative_to(ADDONS)}: {error!r}")
    assert not broken, "\n".join(broken)
