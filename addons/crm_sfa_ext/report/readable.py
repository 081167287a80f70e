"""Which rows of a report its reader may see: those whose documents they may open."""

from odoo.tools import SQL


def readable(env, model, column):
    """SQL condition: ``column`` holds the id of a ``model`` record that the user of ``env``
    may read, by the model's access rights and record rules (archived records included),
    as a subquery of ``model._search``. TRUE as the system (nothing to hide), FALSE for a
    user without read access to the model."""
    if env.su:
        return SQL("TRUE")
    records = env[model].with_context(active_test=False)
    if not records.has_access("read"):
        return SQL("FALSE")
    return SQL("%s IN %s", column, records._search([]).subselect())
