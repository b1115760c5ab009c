"""The action status rule at its boundaries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from goldenthread.platform.planning.domain.action_status import (
    ACTION_STATUS_PRESENTATION,
    ActionStatus,
    action_status,
    expected_progress,
)

START = date(2025, 1, 1)
DUE = date(2025, 4, 11)  # 100 days after START


def status(*, today, progress=0, state="open", tolerance=10, start=START, due=DUE):
    return action_status(
        state=state,
        start_date=start,
        due_date=due,
        progress=progress,
        today=today,
        tolerance_points=tolerance,
    )


def test_the_span_used_below_is_100_days():
    assert (DUE - START).days == 100


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("cancelled", ActionStatus.CANCELLED),
        ("deferred", ActionStatus.DEFERRED),
        ("completed", ActionStatus.COMPLETED),
    ],
)
def test_recorded_decisions_win_over_dates(state, expected):
    # Even long past its due date with no progress
    assert status(today=DUE + timedelta(days=300), state=state) == expected


def test_the_due_date_itself_is_not_overdue_but_the_day_after_is():
    assert status(today=DUE, progress=100) == ActionStatus.IN_PROGRESS
    assert status(today=DUE + timedelta(days=1), progress=99) == ActionStatus.OVERDUE


def test_before_the_start_date_an_action_is_not_started_even_with_progress():
    assert status(today=START - timedelta(days=1), progress=20) == ActionStatus.NOT_STARTED


def test_on_the_start_date_nothing_is_expected_yet():
    assert expected_progress(start_date=START, due_date=DUE, today=START) == 0
    assert status(today=START) == ActionStatus.NOT_STARTED


def test_behind_by_exactly_the_tolerance_is_still_in_progress():
    # Day 50 of 100: 50% expected; 40% is 10 points behind, not more.
    today = START + timedelta(days=50)
    assert expected_progress(start_date=START, due_date=DUE, today=today) == Decimal(50)
    assert status(today=today, progress=40) == ActionStatus.IN_PROGRESS


def test_behind_by_more_than_the_tolerance_is_check_progress():
    today = START + timedelta(days=50)
    assert status(today=today, progress=39) == ActionStatus.CHECK_PROGRESS


def test_the_tolerance_is_the_organisations():
    today = START + timedelta(days=50)
    assert status(today=today, progress=39, tolerance=15) == ActionStatus.IN_PROGRESS
    assert status(today=today, progress=45, tolerance=0) == ActionStatus.CHECK_PROGRESS


def test_no_progress_within_tolerance_is_not_started_and_behind_it_is_check_progress():
    assert status(today=START + timedelta(days=10), progress=0) == ActionStatus.NOT_STARTED
    assert status(today=START + timedelta(days=11), progress=0) == ActionStatus.CHECK_PROGRESS


def test_an_action_due_on_its_start_day_expects_everything_that_day():
    assert expected_progress(start_date=START, due_date=START, today=START) == 0
    assert status(today=START, start=START, due=START, progress=0) == ActionStatus.NOT_STARTED


def test_every_status_has_words_and_an_icon():
    for value in ActionStatus:
        presentation = ACTION_STATUS_PRESENTATION[value]
        assert presentation.label and presentation.icon and presentation.css_class


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError):
        status(today=START, state="paused")
