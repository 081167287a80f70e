from odoo.tools import SQL


def migrate(cr, version):
    """Field-service plans were named after their dates once, in the language of whoever made
    them ("Plan 2026-12-07 - 2026-12-13"); now a plan without a name of its own is named
    after its dates when read, in the reader's language. Those stored names are cleared (a
    name that holds both dates says no more than that); other names stay."""
    cr.execute(
        SQL(
            """
            UPDATE crm_service_plan
               SET name = NULL
             WHERE name LIKE %s || date_from::text || %s || date_to::text || %s
            """,
            "%",
            "%",
            "%",
        )
    )
