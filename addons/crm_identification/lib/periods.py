"""Gregorian months, quarters and years: the suite's periods when the company's calendar is
not Solar Hijri (base_solar_hijri not installed, or the company does not use it)."""

import datetime

from dateutil.relativedelta import relativedelta

GRANULARITIES = ("month", "quarter", "year")
MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_start(day, granularity="month"):
    """First day of the month, quarter or year holding ``day``."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"Unknown period {granularity!r}: use one of {GRANULARITIES}")
    if isinstance(day, datetime.datetime):
        day = day.date()
    month = {"month": day.month, "quarter": 3 * ((day.month - 1) // 3) + 1, "year": 1}
    return datetime.date(day.year, month[granularity], 1)


def period_end(day, granularity="month"):
    """Last day (inclusive) of the month, quarter or year holding ``day``."""
    start = period_start(day, granularity)
    return start + relativedelta(months=MONTHS[granularity], days=-1)


def period_starts(first, last, granularity="month"):
    """Every period start from the period of ``first`` to the period of ``last``."""
    current = period_start(first, granularity)
    last = period_start(last, granularity)
    starts = []
    while current <= last:
        starts.append(current)
        current += relativedelta(months=MONTHS[granularity])
    return starts
