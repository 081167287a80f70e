"""What every step of the customer-insight refresh shares: the days it computes for, the
PostgreSQL settings it runs with, and the timing of its steps. No model here."""

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from odoo.tools import SQL

# PostgreSQL settings of the refresh transaction, handed back when it ends: sorts and hashes
# of a million customers fit in memory instead of spilling to disk; the big scans and joins
# run on parallel workers (PostgreSQL's default costs keep a million-row result on one
# core); no JIT, whose compile time these few large statements do not win back (measured);
# no nested loops: the planner misjudges the size of aggregates and of temporary tables
# just rewritten, and a nested loop over a million customers is quadratic, where every
# join of the refresh is meant to be a hash join
REFRESH_SETTINGS = {
    "work_mem": "256MB",
    "jit": "off",
    "parallel_setup_cost": "100",
    "parallel_tuple_cost": "0.001",
    "enable_nestloop": "off",
}
# steps that read a few thousand rows through the indexes turn nested loops back on
INDEXED = {"enable_nestloop": "on"}
# above this many customers with changed sales, one pass over every sale is cheaper than
# reading theirs through the indexes
INCREMENTAL_MAX_CUSTOMERS = 100_000
SET_CONFIG = (
    "SELECT set_config(name, value, TRUE) FROM unnest(%s::text[], %s::text[]) AS s(name, value)"
)


@dataclass(frozen=True)
class Window:
    """The days one refresh of one company computes for, worked out once and passed to
    every step.

    as_of      the day of the figures (recency counts to it)
    start      the first day of the look-back window (`as_of` - the window's length)
    previous   the day of the stored figures, None before the first refresh
    recount    every customer and every month's product pairs computed from the sales
    """

    as_of: date
    start: date
    previous: date | None
    recount: bool

    @classmethod
    def of(cls, company, as_of, recount=False):
        return cls(
            as_of=as_of,
            start=as_of - timedelta(days=company.crm_lookback_days),
            previous=company.crm_figures_as_of or None,
            recount=recount,
        )

    @property
    def previous_start(self):
        """The first day of the window of the stored figures."""
        return self.previous - (self.as_of - self.start) if self.previous else None


# the context key in which the refresh gives the day it computes for, {company id: date},
# to the steps that compile domains and to other addons' extra figures
FIGURES_DAY_KEY = "crm_figures_as_of"


def figures_days(context):
    """{company id: day} of the refresh running, from the context: only date values under
    integer keys, which server code alone can put there (a client's context is JSON: its
    days are strings, left out), so that no client makes a figure use another day."""
    given = context.get(FIGURES_DAY_KEY)
    if not isinstance(given, dict):
        return {}
    return {
        company: day
        for company, day in given.items()
        if isinstance(company, int) and isinstance(day, date) and not isinstance(day, datetime)
    }


@contextmanager
def local_settings(cr, settings):
    """PostgreSQL settings with these values inside the block (in this transaction), and
    back to what they were after it. A block that fails leaves them: the rollback that
    follows a failed statement undoes them."""
    names, values = list(settings), list(settings.values())
    cr.execute(SQL("SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name", names))
    previous = dict(cr.fetchall())
    cr.execute(SQL(SET_CONFIG, names, values))
    yield
    cr.execute(SQL(SET_CONFIG, list(previous), list(previous.values())))


@dataclass
class StepTimes:
    """Seconds spent in each named step: `with times("write"): ...` adds the block's wall
    time to the step (a step may run in several blocks)."""

    seconds: dict = field(default_factory=dict)

    @contextmanager
    def __call__(self, name):
        begun = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - begun
