"""The lock lengths (`accounts.domain.lockout`): doubling per recent lock, capped."""

from __future__ import annotations

import pytest

from goldenthread.platform.accounts.domain.lockout import (
    FailureLimit,
    lock_seconds,
    minutes_to_wait,
)

LIMIT = FailureLimit(failures=10, window_seconds=900, lock_seconds=900, max_lock_seconds=86400)


@pytest.mark.parametrize(
    ("previous", "seconds"),
    [(0, 900), (1, 1800), (2, 3600), (6, 57600), (7, 86400), (500, 86400)],
)
def test_each_recent_lock_doubles_the_next_up_to_the_cap(previous, seconds):
    assert lock_seconds(limit=LIMIT, previous_locks=previous) == seconds


@pytest.mark.parametrize(("seconds", "minutes"), [(1, 1), (59, 1), (60, 1), (61, 2), (900, 15)])
def test_the_wait_is_told_in_whole_minutes_never_zero(seconds, minutes):
    assert minutes_to_wait(seconds) == minutes
