"""Schedule computation (pure): working days skip weekends and England and Wales bank
holidays; a quarter's pack is due N working days after it ends; a schedule never runs quarters
that fell due before it started."""

from __future__ import annotations

from datetime import date

import pytest

from goldenthread.platform.reporting.domain.schedules import (
    due_quarter,
    is_working_day,
    working_days_after,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 12, 28), False),  # Boxing Day moved to the Monday
        (date(2026, 8, 31), False),  # Summer bank holiday (England and Wales, not Scotland)
        (date(2026, 8, 3), True),  # Scotland's summer bank holiday is not ours
        (date(2026, 4, 4), False),  # a Saturday
        (date(2026, 4, 7), True),
    ],
)
def test_working_days_are_england_and_wales(day, working):
    assert is_working_day(day) is working


def test_ten_working_days_after_the_march_quarter_end_skip_easter():
    # 31 March 2026 is a Tuesday; Good Friday 3 April and Easter Monday 6 April are skipped.
    assert working_days_after(date(2026, 3, 31), 10) == date(2026, 4, 16)
    assert working_days_after(date(2026, 3, 31), 0) == date(2026, 3, 31)


def test_ten_working_days_after_the_december_quarter_end_skip_new_year():
    # 1 January 2027 is a bank holiday (Friday).
    assert working_days_after(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_the_quarter_due_is_the_last_one_whose_day_has_come():
    since = date(2020, 1, 1)
    assert due_quarter(today=date(2026, 4, 16), working_days=10, since=since).code == "2025/26 Q4"
    # The day before, the March quarter is not due yet: the December one is the latest due.
    assert due_quarter(today=date(2026, 4, 15), working_days=10, since=since).code == "2025/26 Q3"


def test_a_new_schedule_does_not_run_quarters_already_due_before_it_started():
    assert due_quarter(today=date(2026, 4, 15), working_days=10, since=date(2026, 4, 1)) is None
    assert (
        due_quarter(today=date(2026, 4, 16), working_days=10, since=date(2026, 4, 1)).code
        == "2025/26 Q4"
    )
