"""The select list of one source of a report that is a UNION ALL of sources."""

from odoo.tools import SQL


def select_columns(names, values, default):
    """``value AS name`` for each of ``names`` in order: ``values[name]`` where the source
    has it, else ``default(name)`` (an empty value of the column's type), so that every
    source of the union selects the same columns in the same order."""
    return SQL(", ").join(
        SQL("%s AS %s", values[name] if name in values else default(name), SQL.identifier(name))
        for name in names
    )
