"""When a scheduled pack is due: N working days after each quarter end, where working days
skip weekends and England and Wales bank holidays (the `holidays` package, which follows the
GOV.UK list, including substitute days). Pure: the caller passes today."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from goldenthread.platform.core.periods import (
    Period,
    PeriodType,
    period_containing,
    previous_period,
)

MAX_WORKING_DAYS = 60  # about three months: a pack later than that belongs to the next quarter


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list; the package's "ENG" subdivision is that list.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_after(day: date, count: int) -> date:
    """The `count`-th working day after `day` (day itself not counted)."""
    current, left = day, count
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def quarter_due_date(quarter: Period, working_days: int) -> date:
    return working_days_after(quarter.end, working_days)


def due_quarter(*, today: date, working_days: int, since: date) -> Period | None:
    """The quarter whose scheduled pack is due by `today`: the latest quarter whose due date
    has come, provided it came on or after `since` (when the schedule started, so a new
    schedule does not publish packs of quarters long gone). None when nothing is due."""
    quarter = previous_period(period_containing(PeriodType.QUARTER, today))
    for _ in range(2):
        due = quarter_due_date(quarter, working_days)
        if due <= today:
            return quarter if due >= since else None
        quarter = previous_period(quarter)
    return None
