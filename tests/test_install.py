"""Each addon installs alone (with only the Odoo modules it depends on), and uninstalling it
leaves no record of it and no broken menu, action or view behind."""

import re
import uuid

import pytest
from conftest import ADDONS, ROOT, SUITE_ADDONS, bash

CHECK = f"ADDONS = {SUITE_ADDONS!r}\n" + (ROOT / "tests/scripts/check_addon_state.py").read_text()
ARCHIVED_DEMO = """
import json
rows = env["ir.model.data"].search([("module", "=", "base_solar_hijri")])
print(json.dumps({row.model: env[row.model].browse(row.res_id).active for row in rows}))
"""
UNINSTALL = (ROOT / "tests/scripts/uninstall.py").read_text()

# The suite's own dependency chain: what installing each addon pulls in. Its bridges come
# along by themselves where the Odoo module they join is there (the template database has
# Odoo's Dashboards and point of sale): the addon's dashboards, and the point-of-sale ledger
# with crm_loyalty. The Solar Hijri calendar pulls in nothing of the suite but its own bridge
# to Odoo's spreadsheets (Solar Hijri date filters in the dashboards).
BRIDGES = {
    "crm_identification": {"spreadsheet_dashboard_crm_identification"},
    "crm_loyalty": {"spreadsheet_dashboard_crm_loyalty", "pos_crm_loyalty"},
    "crm_complaints": {"spreadsheet_dashboard_crm_complaints"},
    "crm_sfa_ext": {"spreadsheet_dashboard_crm_sfa_ext"},
    "base_solar_hijri": {"spreadsheet_solar_hijri"},
}
CHAIN = {
    "crm_identification": ["crm_identification"],
    "crm_loyalty": ["crm_identification", "crm_loyalty"],
    "crm_complaints": ["crm_identification", "crm_loyalty", "crm_complaints"],
    "crm_sfa_ext": ["crm_identification", "crm_loyalty", "crm_complaints", "crm_sfa_ext"],
}
PULLS_IN = {
    addon: set(chain).union(*(BRIDGES[a] for a in chain)) for addon, chain in CHAIN.items()
}
PULLS_IN["base_solar_hijri"] = {"base_solar_hijri"} | BRIDGES["base_solar_hijri"]
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


@pytest.mark.parametrize("addon", [*ADDONS, "base_solar_hijri"])
def test_addon_installs_alone_and_uninstalls_cleanly(databases, addon):
    db = databases.copy_template(addon)
    proc = databases.odoo(db, "-i", addon)
    assert not re.search(r" (ERROR|CRITICAL) ", proc.stderr), proc.stderr

    report = databases.shell(db, CHECK)
    installed = {name for name, state in report["states"].items() if state == "installed"}
    assert installed == PULLS_IN[addon]
    assert {ROOT_MENUS[a] for a in installed if a in ROOT_MENUS} <= set(report["menus"])
    assert_nothing_broken(report)

    # Uninstalling the base of the chain takes every addon that depends on it along.
    target = "crm_identification" if addon == "crm_sfa_ext" else addon
    databases.shell(db, f"UNINSTALL = {target!r}\n{UNINSTALL}")
    report = databases.shell(db, CHECK)
    still = {name for name, state in report["states"].items() if state == "installed"}
    # (its bridges go with it)
    gone = {target} | BRIDGES.get(target, set()) if target == addon else PULLS_IN[addon]
    assert still == PULLS_IN[addon] - gone
    assert not {ROOT_MENUS[a] for a in PULLS_IN[addon] - still if a in ROOT_MENUS} & set(
        report["menus"]
    )
    assert_nothing_broken(report)
    for gone in PULLS_IN[addon] - still:
        left = report["leftover_records"].get(gone, 0)
        # the calendar's demo company in Tehran: Odoo deletes no company that other apps
        # gave records to (warehouses, journals); its uninstall archives it (checked below)
        assert left == (3 if gone == "base_solar_hijri" else 0), f"{gone} left records behind"
    if addon == "base_solar_hijri":
        archived = databases.shell(db, ARCHIVED_DEMO)
        assert archived == {"res.company": False, "res.partner": False, "resource.calendar": False}


def test_solar_hijri_calendar_installs_on_a_bare_database(databases):
    """The calendar localisation is for any Odoo database, not only the suite's: on one
    with nothing but base, it installs with only the Odoo modules it names."""
    db = f"crm_suite_pytest_bare_{uuid.uuid4().hex[:6]}"
    databases.created.append(db)
    bash(f"crm_prepare; crm_drop_db {db}; createdb {db}")
    proc = databases.odoo(db, "-i", "base_solar_hijri", "--without-demo=all")
    assert not re.search(r" (ERROR|CRITICAL) ", proc.stderr), proc.stderr
    report = databases.shell(db, CHECK)
    installed = {name for name, state in report["states"].items() if state == "installed"}
    assert installed == {"base_solar_hijri"}
    assert_nothing_broken(report)
