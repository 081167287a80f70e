# Run inside `odoo shell` (env is given) after a line `ADDONS = [...]` naming the suite's
# addons (tests/conftest.py's SUITE_ADDONS). Reports, as one JSON line, what a user would trip
# over: module states, records the addons left behind, menus whose action is gone, actions
# on models that no longer exist, views that no longer validate.
import json

states = {m.name: m.state for m in env["ir.module.module"].search([("name", "in", ADDONS)])}
leftover = dict(
    env["ir.model.data"]._read_group([("module", "in", ADDONS)], ["module"], ["__count"])
)

broken_menus = []
for menu in env["ir.ui.menu"].with_context(active_test=False).search([("action", "!=", False)]):
    if not menu.action.exists():
        broken_menus.append(menu.complete_name)
env["ir.ui.menu"].with_user(env.ref("base.user_admin")).load_menus(False)

broken_actions = [
    action.name
    for action in env["ir.actions.act_window"].search([])
    if action.res_model not in env
]

broken_views = []
for view in env["ir.ui.view"].search([("type", "!=", "qweb")]):
    try:
        view._check_xml()
    except Exception as error:  # reported, not hidden
        broken_views.append(f"{view.xml_id or view.name}: {error}"[:300])

print(
    json.dumps(
        {
            "states": states,
            "leftover_records": leftover,
            "broken_menus": broken_menus,
            "broken_actions": broken_actions,
            "broken_views": broken_views,
            "menus": sorted(
                env["ir.ui.menu"].search([("parent_id.name", "=", "CRM")]).mapped("complete_name")
            ),
        }
    )
)
