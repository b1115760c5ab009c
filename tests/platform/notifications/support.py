"""Helpers shared by the notification tests."""

from __future__ import annotations

from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import value_submit
from goldenthread.platform.notifications.models import Notification


def submitted(people, pi, period="2024/25 Q1", *, by=None, value="50"):
    by = by or people.provider
    row = value_enter(actor=by, indicator=pi, period_code=period, value=value)
    return value_submit(actor=by, value=row)


def told(kind: str) -> set[str]:
    """The names of everyone holding a notification of `kind` in the current schema."""
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient__full_name", flat=True)
    )
