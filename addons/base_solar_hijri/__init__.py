from . import models, wizard
from .lib.solar_hijri import SQL_DROP_FUNCTIONS

# The demo company in Tehran and what it cannot be deleted without: once other apps gave it
# their own records (warehouses, picking types, journals), Odoo refuses to delete a company,
# so uninstalling archives them instead.
DEMO_ARCHIVED = (
    "company_tehran_demo",
    "partner_tehran_company_demo",
    "resource_calendar_tehran_demo",
)


def uninstall_hook(env):
    """Remove the SQL functions the addon created (res.company.init); take the demo company
    out of use (no user works in it any more; archived with its partner and schedule)."""
    env.cr.execute(SQL_DROP_FUNCTIONS)
    company = env.ref("base_solar_hijri.company_tehran_demo", raise_if_not_found=False)
    if not company:
        return
    users = (
        env["res.users"]
        .with_context(active_test=False)
        .search([("company_ids", "in", company.ids)])
    )
    for user in users:
        others = user.company_ids - company
        if not others:
            continue
        if user.company_id == company:
            user.company_id = others[0]
        user.company_ids = [(3, company.id)]
    company.partner_id.active = False
    company.resource_calendar_id.active = False
    company.active = False
