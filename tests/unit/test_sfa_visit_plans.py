"""Plain unit tests of crm_sfa_ext's visit-plan spreading and day routing (no Odoo, no
database): even spreading over working days, neighbours sharing a day, route order with
travel, customers without coordinates after the routed ones."""

from datetime import date, datetime, timedelta

from lib_loader import load_lib

visit_slots = load_lib("crm_sfa_ext", "visit_slots")
visit_routes = load_lib("crm_sfa_ext", "visit_routes")

MONDAY = date(2030, 1, 7)
HOUR = timedelta(hours=1)
HOME = (35.70, 51.00)


def mornings(count=5, first=MONDAY):
    """(day, free time) of `count` days from `first`, 08:00-12:00 each."""
    days = []
    for n in range(count):
        start = datetime.combine(first + timedelta(days=n), datetime.min.time())
        days.append((start.date(), [(start + 8 * HOUR, start + 12 * HOUR)]))
    return days


def week_visits(count, duration=HOUR):
    start = datetime.combine(MONDAY, datetime.min.time())
    return [(n, start, start + timedelta(days=7), duration) for n in range(count)]


def test_ten_visits_over_five_days_are_two_a_day():
    day_of, unplanned = visit_slots.spread(mornings(), week_visits(10))
    assert unplanned == []
    assert sorted(list(day_of.values()).count(day) for day, _free in mornings()) == [2] * 5


def test_a_day_off_takes_nothing_and_too_many_visits_are_left_out():
    days = [day for day in mornings() if day[0] != MONDAY + timedelta(days=1)]
    day_of, unplanned = visit_slots.spread(days, week_visits(20))
    assert MONDAY + timedelta(days=1) not in day_of.values()
    assert len(day_of) == 16 and len(unplanned) == 4
    # the first visits are served first when the time is short
    assert unplanned == [16, 17, 18, 19]


def test_neighbours_share_a_day():
    near = {n: n // 2 for n in range(10)}  # 0 and 1 close together, 2 and 3, ...
    day_of, _unplanned = visit_slots.spread(mornings(), week_visits(10), near)
    for n in range(0, 10, 2):
        assert day_of[n] == day_of[n + 1]


def test_a_day_follows_the_line_with_travel_between():
    days = mornings(1)
    visits = week_visits(3, duration=HOUR / 2)
    places = {0: (35.70, 51.06), 1: (35.70, 51.03), 2: (35.70, 51.09)}
    routed, left_out = visit_routes.route_days(days, visits, dict.fromkeys(range(3), MONDAY),
                                               places, HOME)  # fmt: skip
    assert left_out == []
    order = [visit.key for visit in sorted(routed, key=lambda visit: visit.sequence)]
    assert order in ([1, 0, 2], [2, 0, 1])
    for before, after in zip(routed, routed[1:], strict=False):
        assert after.travel > 0
        assert after.start == before.end + timedelta(seconds=after.travel)


def test_visits_without_coordinates_come_after_the_routed_ones():
    days = mornings(1)
    visits = week_visits(3, duration=HOUR / 2)
    places = {0: (35.70, 51.03), 1: (35.70, 51.06)}
    routed, left_out = visit_routes.route_days(days, visits, dict.fromkeys(range(3), MONDAY),
                                               places, HOME)  # fmt: skip
    assert left_out == []
    last = max(routed, key=lambda visit: visit.sequence)
    assert (last.key, last.routed, last.travel, last.sequence) == (2, False, 0, 3)
    assert last.start >= max(visit.end for visit in routed if visit.routed)
