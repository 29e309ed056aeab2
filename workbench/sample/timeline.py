"""The sample company's calendar: six reported quarters plus the quarter before them."""
from __future__ import annotations

import datetime as dt
import random

#: the quarters the sample data reports on, oldest first
QUARTERS = ["2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
#: the quarter before the first reported one: ARR snapshots start here so NRR exists for every quarter
BASE_QUARTER = "2025Q1"


def bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter such as '2026Q3'."""
    year, q = int(quarter[:4]), int(quarter[-1])
    first = dt.date(year, 3 * q - 2, 1)
    next_first = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return first, next_first - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def random_day(rng: random.Random, quarter: str, *, weekday: bool = False, avoid_last: bool = False) -> dt.date:
    """A day in the quarter; ``weekday`` keeps it Monday to Friday, ``avoid_last`` keeps it off the last day."""
    first, last = bounds(quarter)
    if avoid_last:
        last -= dt.timedelta(days=1)
    while True:
        day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
        if not weekday or day.weekday() < 5:
            return day


def random_moment(rng: random.Random, day: dt.date, first_hour: int = 7, last_hour: int = 19) -> dt.datetime:
    """A time of day on ``day`` between ``first_hour``:00 and ``last_hour``:59:59."""
    seconds = rng.randint(first_hour * 3600, last_hour * 3600 + 3599)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
