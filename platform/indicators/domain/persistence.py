"""Persistence: how many periods in a row a PI has been off target, up to the latest.

One red quarter may be noise; several in a row is what a scrutiny committee asks about.
Statuses are given oldest first. Periods that hold no observation by design (not due, not
collected, not applicable) are passed over, since nothing was measured; any other status
(on target, warning, data only, or a missing value) ends the run, because a missing value
does not show the PI was still off target.
"""

from __future__ import annotations

from collections.abc import Iterable

from goldenthread.platform.indicators.domain.status import Status

_PASSED_OVER = frozenset({Status.NOT_DUE, Status.NOT_COLLECTED, Status.NOT_APPLICABLE})


def off_target_run(statuses: Iterable[Status | str | None]) -> int:
    """The number of latest consecutive off-target periods (0 if the latest is not off target)."""
    run = 0
    for status in reversed(list(statuses)):
        if status is None:
            continue
        try:
            status = Status(status)
        except ValueError:  # not a status we know: it cannot show the PI was off target
            break
        if status in _PASSED_OVER:
            continue
        if status is not Status.OFF_TARGET:
            break
        run += 1
    return run
