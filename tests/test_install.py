"""Each addon installs alone (with only the Odoo modules it depends on), and uninstalling it
leaves no record of it and no broken menu, action or view behind."""

import re

import pytest
from conftest import ADDONS, ROOT

CHECK = (ROOT / "tests/scripts/check_addon_state.py").read_text()
UNINSTALL = (ROOT / "tests/scripts/uninstall.py").read_text()

# The suite's own dependency chain: what installing each addon pulls in.
PULLS_IN = {
    "crm_identification": {"crm_identification"},
    "crm_loyalty": {"crm_identification", "crm_loyalty"},
    "crm_complaints": {"crm_identification", "crm_loyalty", "crm_complaints"},
    "crm_sfa_ext": {"crm_identification", "crm_loyalty", "crm_complaints", "crm_sfa_ext"},
}
ROOT_MENUS = {
    "crm_identification": "CRM/Customer Insight",
    "crm_loyalty": "CRM/Loyalty",
    "crm_complaints": "CRM/Complaints",
    "crm_sfa_ext": "CRM/Sales Force",
}


def assert_nothing_broken(report):
    assert report["broken_menus"] == []
    assert report["broken_actions"] == []
    assert report["broken_views"] == []


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_installs_alone_and_uninstalls_cleanly(databases, addon):
    db = databases.copy_template(addon)
    proc = databases.odoo(db, "-i", addon)
    assert not re.search(r" (ERROR|CRITICAL) ", proc.stderr), proc.stderr

    report = databases.shell(db, CHECK)
    installed = {name for name, state in report["states"].items() if state == "installed"}
    assert installed == PULLS_IN[addon]
    assert {ROOT_MENUS[a] for a in installed} <= set(report["menus"])
    assert_nothing_broken(report)

    # Uninstalling the base of the chain takes every addon that depends on it along.
    target = "crm_identification" if addon == "crm_sfa_ext" else addon
    databases.shell(db, f"UNINSTALL = {target!r}\n{UNINSTALL}")
    report = databases.shell(db, CHECK)
    still = {name for name, state in report["states"].items() if state == "installed"}
    assert still == PULLS_IN[addon] - ({target} if target == addon else PULLS_IN[addon])
    assert not {ROOT_MENUS[a] for a in PULLS_IN[addon] - still} & set(report["menus"])
    assert_nothing_broken(report)
    for gone in PULLS_IN[addon] - still:
        assert gone not in report["leftover_records"], f"{gone} left records behind"
