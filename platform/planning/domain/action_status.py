"""The status of an action: the one place it is decided.

How councils read an action:

* Cancelled, deferred and completed are decisions someone recorded; they win over dates.
* An open action past its due date is overdue (the due date itself is still in time).
* Otherwise progress is compared with a straight line from 0% on the start date to 100% on the
  due date. Progress behind that line by MORE than the organisation's tolerance (percentage
  points, 10 by default) is "check progress"; exactly at the tolerance is still in progress.
* An action with no progress recorded that is not yet behind is "not started", as is any
  action whose start date has not come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class ActionState(StrEnum):
    """What a person recorded about an action (stored); the status is derived from it."""

    OPEN = "open"
    COMPLETED = "completed"
    DEFERRED = "deferred"
    CANCELLED = "cancelled"


class ActionStatus(StrEnum):
    COMPLETED = "completed"
    OVERDUE = "overdue"
    CHECK_PROGRESS = "check_progress"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    DEFERRED = "deferred"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ActionStatusPresentation:
    """Words and an icon always; colour only as well (WCAG 1.4.1)."""

    label: str
    icon: str
    css_class: str
    on_track: bool | None  # None: not counted in "% on track" (closed or parked)


ACTION_STATUS_PRESENTATION: dict[ActionStatus, ActionStatusPresentation] = {
    ActionStatus.COMPLETED: ActionStatusPresentation(
        "Completed", "\u2714", "action-completed", None
    ),
    ActionStatus.OVERDUE: ActionStatusPresentation("Overdue", "\u2716", "action-overdue", False),
    ActionStatus.CHECK_PROGRESS: ActionStatusPresentation(
        "Check progress", "\u26a0", "action-check-progress", False
    ),
    ActionStatus.IN_PROGRESS: ActionStatusPresentation(
        "In progress", "\u25b6", "action-in-progress", True
    ),
    ActionStatus.NOT_STARTED: ActionStatusPresentation(
        "Not started", "\u25cb", "action-not-started", True
    ),
    ActionStatus.DEFERRED: ActionStatusPresentation("Deferred", "\u23f8", "action-deferred", None),
    ActionStatus.CANCELLED: ActionStatusPresentation(
        "Cancelled", "\u2298", "action-cancelled", None
    ),
}

DEFAULT_TOLERANCE_POINTS = 10


def expected_progress(*, start_date: date, due_date: date, today: date) -> Decimal:
    """Where a straight line from 0% at the start to 100% at the due date is today (0–100)."""
    if today <= start_date:
        return Decimal(0)
    if today >= due_date:
        return Decimal(100)
    elapsed = Decimal((today - start_date).days)
    span = Decimal((due_date - start_date).days)
    return (elapsed * 100 / span).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def action_status(
    *,
    state: str,
    start_date: date,
    due_date: date,
    progress: int,
    today: date,
    tolerance_points: int = DEFAULT_TOLERANCE_POINTS,
) -> ActionStatus:
    """The status of one action on `today` (see the module docstring for the rules)."""
    state = ActionState(state)
    if state is ActionState.CANCELLED:
        return ActionStatus.CANCELLED
    if state is ActionState.DEFERRED:
        return ActionStatus.DEFERRED
    if state is ActionState.COMPLETED:
        return ActionStatus.COMPLETED
    if today > due_date:
        return ActionStatus.OVERDUE
    if today < start_date:
        return ActionStatus.NOT_STARTED
    behind = expected_progress(start_date=start_date, due_date=due_date, today=today) - progress
    if behind > tolerance_points:
        return ActionStatus.CHECK_PROGRESS
    return ActionStatus.NOT_STARTED if progress == 0 else ActionStatus.IN_PROGRESS
