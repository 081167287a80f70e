"""Grouping by Solar Hijri month, quarter and year for the users who use that calendar.

The ORM groups a date by ``date_trunc('month', ...)``; for a Solar Hijri user the group
key becomes the Gregorian first day of the Solar Hijri period instead, computed in the
database by the SQL functions of ``lib/solar_hijri.py`` (created in ``res.company.init``).
``read_group`` then labels each group ("Farvardin 1405") and gives it the period's range
and domain, and ``fill_temporal`` fills the gaps with Solar Hijri periods.
"""

import datetime

import pytz
from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from ..lib import solar_hijri

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class Base(models.AbstractModel):
    _inherit = "base"

    def _solar_hijri_granularity(self, groupby_spec):
        """The Solar Hijri period ('month', 'quarter', 'year') this group-by means for the
        current user, or None when the ORM's Gregorian grouping applies."""
        fname, property_name, granularity = parse_read_group_spec(groupby_spec)
        field = self._fields.get(fname)
        if (
            granularity not in PERIOD_MONTHS
            or property_name
            or field is None
            or field.type not in ("date", "datetime")
            or not self.env["res.users"]._uses_solar_hijri()
        ):
            return None
        return granularity

    def _read_group_groupby(self, groupby_spec, query):
        granularity = self._solar_hijri_granularity(groupby_spec)
        if not granularity:
            return super()._read_group_groupby(groupby_spec, query)
        fname = parse_read_group_spec(groupby_spec)[0]
        field = self._fields[fname]
        function = SQL.identifier(solar_hijri.SQL_START_FUNCTION[granularity])
        column = self._field_to_sql(self._table, fname, query)
        if field.type == "date":
            return SQL("%s(%s)", function, column)
        # datetime: the ORM's group keys are naive timestamps in the user's time zone
        tz = self.env.context.get("tz")
        if tz in pytz.all_timezones_set:
            # the converted value goes once to the timestamp version (see lib/solar_hijri.py)
            return SQL("%s(timezone(%s, timezone('UTC', %s)))", function, tz, column)
        return SQL("(%s((%s)::date))::timestamp", function, column)

    def _read_group_fill_temporal(
        self, data, groupby, annoted_aggregates, fill_from=False, fill_to=False, min_groups=False
    ):
        granularity = self._solar_hijri_granularity(groupby[0])
        if not granularity:
            return super()._read_group_fill_temporal(
                data, groupby, annoted_aggregates, fill_from, fill_to, min_groups
            )
        first_group = groupby[0]
        is_datetime = self._fields[first_group.split(":")[0]].type == "datetime"
        existing = [row[first_group] for row in data if row[first_group]]
        bounds = [
            datetime.date.fromisoformat(str(bound)[:10]) for bound in (fill_from, fill_to) if bound
        ]
        days = sorted(
            [value.date() if isinstance(value, datetime.datetime) else value for value in existing]
            + bounds
        )
        if not days:
            return data
        starts = solar_hijri.period_starts(days[0], days[-1], granularity)
        if min_groups and len(starts) < min_groups:
            first = datetime.date.fromisoformat(str(fill_from)[:10]) if fill_from else starts[0]
            starts = [
                solar_hijri.add_months(
                    solar_hijri.period_start(first, granularity), i * PERIOD_MONTHS[granularity]
                )
                for i in range(min_groups)
            ]
        if is_datetime:
            starts = [datetime.datetime.combine(start, datetime.time()) for start in starts]
        keys = sorted(set(existing) | set(starts))
        empty_item = {
            name: self._read_group_empty_value(spec) for name, spec in annoted_aggregates.items()
        }
        for group in groupby[1:]:
            empty_item[group] = self._read_group_empty_value(group)
        by_key = {}
        for row in data:
            by_key.setdefault(row[first_group], []).append(row)
        result = []
        for key in keys:
            result.extend(by_key.get(key) or [dict(empty_item, **{first_group: key})])
        result.extend(by_key.get(False, []))
        return result

    def _read_group_format_result(self, rows_dict, lazy_groupby):
        solar_groups = {
            group: granularity
            for group in lazy_groupby
            if (granularity := self._solar_hijri_granularity(group))
        }
        raw_values = {group: [row[group] for row in rows_dict] for group in solar_groups}
        result = super()._read_group_format_result(rows_dict, lazy_groupby)
        for group, granularity in solar_groups.items():
            for row, value in zip(rows_dict, raw_values[group], strict=True):
                if value and isinstance(value, datetime.date):
                    self._solar_hijri_format_group(row, group, granularity, value)
        return result

    def _solar_hijri_format_group(self, row, group, granularity, value):
        """Label a Solar Hijri group and replace the Gregorian range the ORM gave it."""
        fname = group.split(":")[0]
        is_datetime = self._fields[fname].type == "datetime"
        # the end the ORM computed (value + a Gregorian month, quarter or year)
        gregorian_end = value + relativedelta(months=PERIOD_MONTHS[granularity])
        end = solar_hijri.next_period_start(value, granularity)
        start = value
        if is_datetime:
            end = datetime.datetime.combine(end, datetime.time())
            tz = self.env.context.get("tz")
            if tz in pytz.all_timezones_set:
                tzinfo = pytz.timezone(tz)
                start = tzinfo.localize(start).astimezone(pytz.utc)
                end = tzinfo.localize(end).astimezone(pytz.utc)
                gregorian_end = tzinfo.localize(gregorian_end).astimezone(pytz.utc)
            fmt = "%Y-%m-%d %H:%M:%S"
        else:
            fmt = "%Y-%m-%d"
        old_leaf = (fname, "<", gregorian_end.strftime(fmt))
        new_leaf = (fname, "<", end.strftime(fmt))
        row["__domain"] = [
            new_leaf if isinstance(leaf, list | tuple) and tuple(leaf) == old_leaf else leaf
            for leaf in row["__domain"]
        ]
        row.setdefault("__range", {})[group] = {
            "from": start.strftime(fmt),
            "to": end.strftime(fmt),
        }
        row[group] = self.env["res.users"]._solar_hijri_period_label(value, granularity)
        return row
