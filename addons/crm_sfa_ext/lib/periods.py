"""Calendar periods (month, quarter, year) used by targets and forecast snapshots."""

from datetime import date, timedelta

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_start(day: date, period_type: str) -> date:
    """First day of the month, quarter or year that contains ``day``."""
    if period_type == "year":
        return day.replace(month=1, day=1)
    if period_type == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(day=1)


def period_end(start: date, period_type: str) -> date:
    """Last day of the period starting on ``start``."""
    months = start.month - 1 + PERIOD_MONTHS[period_type]
    following = date(start.year + months // 12, months % 12 + 1, 1)
    return following - timedelta(days=1)
