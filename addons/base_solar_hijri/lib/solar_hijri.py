"""Solar Hijri (Jalali) calendar arithmetic, shared by the Python API and the database.

``jdatetime`` converts single dates. This module adds what it lacks: periods (month,
quarter, year) and month arithmetic in either calendar, formatting with LDML patterns
(the patterns Odoo's ``format_date`` and QWeb date widgets use), and the SQL functions that
group a date by its Solar Hijri period inside PostgreSQL.

The calendar is the arithmetic 33-year cycle that ``jdatetime`` uses: year ``y`` is leap
when ``y % 33`` is one of 1, 5, 9, 13, 17, 22, 26, 30, so the number of days before
1 Farvardin of year ``y`` is ``(12053 * (y - 1) + 29) // 33`` counted from 1 Farvardin 1
(Gregorian 622-03-21), and the year of day number ``n`` is ``(33 * n + 3) // 12053 + 1``.
Months 1-6 have 31 days, 7-11 have 30, Esfand 29 or 30. The SQL functions below use
exactly this formula; a test holds them equal to ``jdatetime`` on every day of 30 years
and this module's periods equal to ``jdatetime`` on every day from 1300 to 1500.
"""

import datetime
import re

import babel.dates
import jdatetime
from dateutil.relativedelta import relativedelta

GRANULARITIES = ("month", "quarter", "year")

MONTHS_FA = tuple(jdatetime.date.j_months_fa)
MONTHS_EN = tuple(jdatetime.date.j_months_en)
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# Gregorian day of 1 Farvardin 1 and the day of year each Solar Hijri month starts on
EPOCH = datetime.date(622, 3, 21)
MONTH_START_DAYS = (0, 31, 62, 93, 124, 155, 186, 216, 246, 276, 306, 336)


def to_jalali(day):
    """The Solar Hijri date (a ``jdatetime.date``) of a Gregorian date or datetime."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    return jdatetime.date.fromgregorian(date=day)


def to_gregorian(year, month, day):
    """The Gregorian ``datetime.date`` of a Solar Hijri year, month and day."""
    return jdatetime.date(year, month, day).togregorian()


def month_length(year, month):
    """Number of days of a Solar Hijri month."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def _solar_hijri_start(jday, granularity):
    month = {"month": jday.month, "quarter": 3 * ((jday.month - 1) // 3) + 1, "year": 1}
    return jdatetime.date(jday.year, month[granularity], 1)


def period_start(day, granularity, solar_hijri=True):
    """First day (a Gregorian ``date``) of the month, quarter or year holding ``day``."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"Unknown period {granularity!r}: use one of {GRANULARITIES}")
    if isinstance(day, datetime.datetime):
        day = day.date()
    if solar_hijri:
        return _solar_hijri_start(to_jalali(day), granularity).togregorian()
    month = {"month": day.month, "quarter": 3 * ((day.month - 1) // 3) + 1, "year": 1}
    return datetime.date(day.year, month[granularity], 1)


def next_period_start(day, granularity, solar_hijri=True):
    """First day of the period after the one holding ``day``."""
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    return add_months(period_start(day, granularity, solar_hijri), months, solar_hijri)


def period_end(day, granularity, solar_hijri=True):
    """Last day (inclusive) of the month, quarter or year holding ``day``."""
    return next_period_start(day, granularity, solar_hijri) - datetime.timedelta(days=1)


def add_months(day, months, solar_hijri=True):
    """``day`` plus ``months`` calendar months; the day is clamped to the target month's
    length (31 Shahrivar + 1 month = 30 Mehr, as 31 January + 1 month = 28/29 February).
    A datetime keeps its time of day."""
    if not solar_hijri:
        return day + relativedelta(months=months)
    jday = to_jalali(day)
    index = jday.year * 12 + jday.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    target = to_gregorian(year, month, min(jday.day, month_length(year, month)))
    if isinstance(day, datetime.datetime):
        return datetime.datetime.combine(target, day.time(), day.tzinfo)
    return target


def period_starts(first, last, granularity, solar_hijri=True):
    """Every period start from the period of ``first`` to the period of ``last``."""
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    current = period_start(first, granularity, solar_hijri)
    last = period_start(last, granularity, solar_hijri)
    starts = []
    while current <= last:
        starts.append(current)
        current = add_months(current, months, solar_hijri)
    return starts


def month_name(month, persian=False):
    return (MONTHS_FA if persian else MONTHS_EN)[month - 1]


def persian_digits(text):
    return text.translate(PERSIAN_DIGITS)


# LDML (the pattern language of babel and Odoo's format_date): the calendar-dependent
# fields. Everything else (weekday, hours, quoted text) is left to babel.
_LDML_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")
_CALENDAR_FIELDS = set("yYuMLdDQqG")


def _quote(text):
    return "'" + text.replace("'", "''") + "'"


def _field_text(letter, width, jday, persian):
    if letter in "yYu":
        return f"{jday.year % 100:02d}" if width == 2 else f"{jday.year:0{width}d}"
    if letter in "ML":
        if width >= 3:
            return month_name(jday.month, persian)
        return f"{jday.month:0{width}d}"
    if letter == "d":
        return f"{jday.day:0{width}d}"
    if letter == "D":
        return f"{jday.yday():0{width}d}"
    if letter in "Qq":
        return f"{(jday.month - 1) // 3 + 1}"
    # G: era
    return "ه‍.ش." if persian else "AP"


def solar_hijri_pattern(pattern, day, persian=False):
    """Rewrite an LDML pattern so that its date fields print ``day`` in Solar Hijri.

    Calendar fields (year, month, day, day of year, quarter, era) become quoted text; the
    rest of the pattern (weekday, time, literals) stays for babel to format, so
    ``babel.dates.format_datetime(value, solar_hijri_pattern(p, value), locale)`` prints
    a Solar Hijri date with the locale's time and weekday.
    """
    jday = to_jalali(day)
    parts = []
    for match in _LDML_TOKEN.finditer(pattern):
        token = match.group(0)
        if match.group(1) and token[0] in _CALENDAR_FIELDS:
            parts.append(_quote(_field_text(token[0], len(token), jday, persian)))
        else:
            parts.append(token)
    return "".join(parts)


# The database side. solar_hijri_day_of_year(d): 0-based day of d in its Solar Hijri year.
# solar_hijri_{month,quarter,year}_start(d date): Gregorian first day of d's Solar Hijri
# period, immutable inlinable SQL (one SELECT, not STRICT) that PostgreSQL expands into the
# grouping query: as fast as date_trunc on a column. The body names its argument several
# times, so an expensive argument (a datetime converted to the user's time zone) would be
# computed several times: for those, the (ts timestamp) overloads take the converted value
# once, in plpgsql, and call the date version. Valid from 622-03-21 (1 Farvardin 1) on.
SQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION solar_hijri_day_of_year(d date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (d - DATE '0622-03-21')
        - (12053 * ((33 * (d - DATE '0622-03-21') + 3) / 12053) + 29) / 33
$$;
CREATE OR REPLACE FUNCTION solar_hijri_month_start(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT d - CASE WHEN solar_hijri_day_of_year(d) < 186
        THEN solar_hijri_day_of_year(d) % 31
        ELSE (solar_hijri_day_of_year(d) - 186) % 30 END
$$;
CREATE OR REPLACE FUNCTION solar_hijri_quarter_start(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT d - CASE WHEN solar_hijri_day_of_year(d) < 186
        THEN solar_hijri_day_of_year(d) % 93
        ELSE (solar_hijri_day_of_year(d) - 186) % 90 END
$$;
CREATE OR REPLACE FUNCTION solar_hijri_year_start(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT d - solar_hijri_day_of_year(d)
$$;
CREATE OR REPLACE FUNCTION solar_hijri_month_start(ts timestamp) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN RETURN solar_hijri_month_start(ts::date)::timestamp; END
$$;
CREATE OR REPLACE FUNCTION solar_hijri_quarter_start(ts timestamp) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN RETURN solar_hijri_quarter_start(ts::date)::timestamp; END
$$;
CREATE OR REPLACE FUNCTION solar_hijri_year_start(ts timestamp) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN RETURN solar_hijri_year_start(ts::date)::timestamp; END
$$;
"""

SQL_START_FUNCTION = {
    "month": "solar_hijri_month_start",
    "quarter": "solar_hijri_quarter_start",
    "year": "solar_hijri_year_start",
}


def ldml_pattern(locale, fmt, kind="datetime"):
    """The LDML pattern of a babel named format ('short', 'medium', 'long', 'full') or
    ``fmt`` itself when it already is a pattern."""
    if fmt not in ("short", "medium", "long", "full"):
        return fmt
    date_pattern = locale.date_formats[fmt].pattern
    if kind == "date":
        return date_pattern
    time_pattern = locale.time_formats[fmt].pattern
    return (
        str(locale.datetime_formats[fmt]).replace("{1}", date_pattern).replace("{0}", time_pattern)
    )


def format_solar_hijri(value, pattern, locale, digits=False):
    """``value`` (a date, or a datetime already in its time zone) printed with an LDML
    ``pattern`` whose date fields are Solar Hijri; Persian month names in Persian locales;
    Persian digits when ``digits``."""
    persian = locale.language == "fa"
    pattern = solar_hijri_pattern(pattern, value, persian)
    if isinstance(value, datetime.datetime):
        text = babel.dates.format_datetime(value, format=pattern, locale=locale)
    else:
        text = babel.dates.format_date(value, format=pattern, locale=locale)
    return persian_digits(text) if digits else text


SQL_DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS solar_hijri_month_start(timestamp);
DROP FUNCTION IF EXISTS solar_hijri_quarter_start(timestamp);
DROP FUNCTION IF EXISTS solar_hijri_year_start(timestamp);
DROP FUNCTION IF EXISTS solar_hijri_month_start(date);
DROP FUNCTION IF EXISTS solar_hijri_quarter_start(date);
DROP FUNCTION IF EXISTS solar_hijri_year_start(date);
DROP FUNCTION IF EXISTS solar_hijri_day_of_year(date);
"""
