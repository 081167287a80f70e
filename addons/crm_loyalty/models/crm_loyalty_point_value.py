from odoo import api, fields, models
from odoo.tools import SQL


def point_value_sql(program, day):
    """SQL of the value of a point of `program` (an SQL expression of a programme id) on
    `day` (an SQL expression of a date): the value in force that day in the programme's
    history (crm_loyalty_point_value), before its first entry that entry's value, without
    any history the programme's Value of a Point (loyalty_program p, which the caller
    joins). The one rule the reports, the postings and the reconciliation price points by;
    `CrmLoyaltyPointValue._crm_value_on` is the same rule in Python."""
    return SQL(
        """COALESCE(
            (SELECT v.value FROM crm_loyalty_point_value v
              WHERE v.program_id = %(program)s AND v.date_from <= %(day)s
              ORDER BY v.date_from DESC LIMIT 1),
            (SELECT v.value FROM crm_loyalty_point_value v
              WHERE v.program_id = %(program)s ORDER BY v.date_from LIMIT 1),
            p.crm_point_value, 0)""",
        program=program,
        day=day,
    )


class CrmLoyaltyPointValue(models.Model):
    """The value of a point of a programme from a day on: the history that prices each
    day's postings and each month of the liability and breakage reports at the value of
    that moment. A change of the programme's Value of a Point writes the day's entry."""

    _name = "crm.loyalty.point.value"
    _description = "Value of a Loyalty Point"
    _order = "program_id, date_from desc"

    program_id = fields.Many2one(
        "loyalty.program", string="Programme", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    currency_id = fields.Many2one(related="program_id.currency_id")
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today, index=True
    )
    value = fields.Monetary(string="Value of a Point", currency_field="currency_id")

    _sql_constraints = [
        (
            "program_day_unique",
            "UNIQUE(program_id, date_from)",
            "A programme has one value of a point per day: change that day's value instead.",
        )
    ]

    @api.model
    def _crm_record(self, programs, day):
        """Write the current Value of a Point of `programs` as their value from `day`."""
        existing = self.sudo().search(
            [("program_id", "in", programs.ids), ("date_from", "=", day)]
        )
        by_program = {entry.program_id: entry for entry in existing}
        new = []
        for program in programs:
            if program in by_program:
                by_program[program].value = program.crm_point_value
            else:
                new.append(
                    {"program_id": program.id, "date_from": day, "value": program.crm_point_value}
                )
        self.sudo().create(new)

    @api.model
    def _crm_values(self, programs):
        """{programme id: [(date from, value), ...] oldest first}: one query."""
        values = {program.id: [] for program in programs}
        for entry in self.sudo().search_fetch(
            [("program_id", "in", programs.ids)],
            ["program_id", "date_from", "value"],
            order="date_from",
        ):
            values[entry.program_id.id].append((entry.date_from, entry.value))
        return values

    @api.model
    def _crm_value_on(self, history, day, default):
        """The value on `day` of a programme whose history is `history` (see _crm_values),
        by point_value_sql's rule; `default`: its Value of a Point."""
        if not history:
            return default
        value = history[0][1]
        for date_from, entry_value in history:
            if date_from <= day:
                value = entry_value
        return value
