"""Credit scoring from payment behaviour: the plain-Python definition of the score, grade
and suggested credit limit that the refresh computes in SQL
(`models/crm_customer_score_credit.py`), kept here for the tests and the readme. No Odoo.

A customer is rated once an invoice of theirs has fallen due (paid, or open past its due
date). From the customer invoices of the look-back window and those still open:
    late_share    share of the paid invoices paid after their due date (0..1)
    days_late     average days past the due date of the paid invoices (0 when on time)
    overdue       amount of the invoices past due and still open, today
    invoiced      amount invoiced in the window

    score = 100 x (0.5 x (1 - late_share)
                   + 0.3 x (1 - min(days_late, LATE_DAYS_CAP) / LATE_DAYS_CAP)
                   + 0.2 x (1 - min(overdue / invoiced, 1)))

rounded to a whole number (halves up, as in SQL); grades A to E by GRADES; the suggested
credit limit is the monthly average invoiced in the window times the grade's months (A 3
months of sales, E none), rounded to two significant digits, and never below the company's
lowest credit limit (`floor`, above 0): in Odoo a credit limit of 0 means no limit at all,
so the worst payers (grade E, no months of sales) get the lowest limit, not unlimited
credit.
"""

import math

LATE_DAYS_CAP = 60
WEIGHTS = (0.5, 0.3, 0.2)
# (grade, lowest score, months of sales as credit limit)
GRADES = (("a", 85, 3.0), ("b", 70, 2.0), ("c", 55, 1.0), ("d", 40, 0.5), ("e", 0, 0.0))
DAYS_PER_MONTH = 365.25 / 12


def score(late_share, days_late, overdue, invoiced):
    """The 0-100 credit score (see the module's docstring)."""
    punctual = 1 - min(max(late_share, 0.0), 1.0)
    prompt = 1 - min(max(days_late, 0.0), LATE_DAYS_CAP) / LATE_DAYS_CAP
    if overdue <= 0:
        settled = 1.0
    elif invoiced <= 0:
        settled = 0.0
    else:
        settled = 1 - min(overdue / invoiced, 1.0)
    late_weight, delay_weight, overdue_weight = WEIGHTS
    return half_up(
        100 * (late_weight * punctual + delay_weight * prompt + overdue_weight * settled)
    )


def grade(value):
    """The letter of a score."""
    return next(letter for letter, lowest, _months in GRADES if value >= lowest)


def suggested_limit(grade_letter, invoiced, window_days, floor):
    """The credit limit a grade suggests: its months of the window's average monthly
    sales, to two significant digits, at least `floor` (the lowest limit, above 0)."""
    if floor <= 0:
        raise ValueError("the lowest credit limit must be above 0: 0 means no limit")
    months = next(m for letter, _lowest, m in GRADES if letter == grade_letter)
    return max(round_significant(invoiced / (window_days / DAYS_PER_MONTH) * months), floor)


def round_significant(value, digits=2):
    """A limit that reads like one: 12,345 -> 12,000."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return float(half_up(value / magnitude) * magnitude)


def half_up(value):
    """Rounded to a whole number, halves away from zero, as PostgreSQL rounds."""
    return math.floor(value + 0.5)
