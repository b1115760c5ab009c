"""When values are due, and which are late or due soon (for lists, pages and reminders)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min
from django.utils import timezone

from goldenthread.platform.core.periods import Period, period_due_date, periods_between

from ..domain.choices import WorkflowStatus
from ..models import Indicator, IndicatorValue, PerformanceSettings


def due_date_for(indicator: Indicator, period: Period, settings: PerformanceSettings) -> date:
    """The PI's own due day and lag if it has them, else the organisation's."""
    day = indicator.due_day_of_following_month or settings.due_day_of_following_month
    lag = (
        indicator.due_lag_months
        if indicator.due_lag_months is not None
        else settings.due_lag_months
    )
    return period_due_date(period, day_of_following_month=day, lag_months=lag)


@dataclass(frozen=True)
class DueItem:
    """A period a PI owes an overall value for: none entered yet, or only a draft."""

    indicator: Indicator
    period: Period
    due_date: date
    value: IndicatorValue | None

    @property
    def days_late(self) -> int:
        return max((timezone.localdate() - self.due_date).days, 0)


def _owed(
    *,
    indicators: Iterable[Indicator],
    since: date | None,
    first_due: date | None,
    last_due: date,
    include_due_on: bool,
    settings: PerformanceSettings,
) -> list[DueItem]:
    indicators = list(indicators)
    if not indicators:
        return []
    first_values = _first_value_starts(indicators) if since is None else {}
    candidates: list[tuple[Indicator, Period, date]] = []
    for indicator in indicators:
        floor = since or min(indicator.created_at.date(), first_values.get(indicator.pk, date.max))
        start = floor if first_due is None else min(floor, first_due - timedelta(days=800))
        for period in periods_between(indicator.period_type, start, last_due):
            due = due_date_for(indicator, period, settings)
            if period.end < floor or (first_due is not None and due < first_due):
                continue
            if due > last_due or (due == last_due and not include_due_on):
                continue
            candidates.append((indicator, period, due))
    if not candidates:
        return []
    rows = IndicatorValue.objects.filter(
        indicator__in=indicators,
        sub_area__isnull=True,
        period_code__in={period.code for _, period, _ in candidates},
    )
    by_key = {(row.indicator_id, row.period_code): row for row in rows}
    owed = []
    for indicator, period, due in candidates:
        row = by_key.get((indicator.pk, period.code))
        if row is None or row.workflow_status == WorkflowStatus.DRAFT:
            owed.append(DueItem(indicator=indicator, period=period, due_date=due, value=row))
    return sorted(owed, key=lambda item: (item.due_date, item.indicator.code))


def _first_value_starts(indicators: list[Indicator]) -> dict[int, date]:
    """Each PI's first period with a value: a PI set up with its history (imported, seeded)
    owes the gaps from there on, not only the periods after the day it was set up."""
    return dict(
        IndicatorValue.objects.filter(indicator__in=indicators, sub_area__isnull=True)
        .values("indicator_id")
        .annotate(first=Min("period_start"))
        .values_list("indicator_id", "first")
    )


def _active(indicator_ids: Iterable[int] | None):
    qs = Indicator.objects.filter(is_active=True).prefetch_related("data_providers")
    if indicator_ids is not None:
        qs = qs.filter(pk__in=list(indicator_ids))
    return qs.select_related("owner")


def late_values(
    *,
    today: date | None = None,
    since: date | None = None,
    indicator_ids: Iterable[int] | None = None,
) -> list[DueItem]:
    """Values past their due date and not yet submitted, oldest first.

    Only periods ending on or after `since` count (by default each PI's creation date or its
    first value's period, whichever is earlier, so a newly set-up PI is not late for the
    years before it existed, but one set up with its history owes the gaps in it).
    """
    today = today or timezone.localdate()
    return _owed(
        indicators=_active(indicator_ids),
        since=since,
        first_due=None,
        last_due=today,
        include_due_on=False,
        settings=PerformanceSettings.load(),
    )


def values_due_soon(
    *,
    today: date | None = None,
    within_days: int = 14,
    since: date | None = None,
    indicator_ids: Iterable[int] | None = None,
) -> list[DueItem]:
    """Values due from today to `within_days` ahead and not yet submitted (periods ending on
    or after `since`, by default as for `late_values`)."""
    today = today or timezone.localdate()
    return _owed(
        indicators=_active(indicator_ids),
        since=since,
        first_due=today,
        last_due=today + timedelta(days=within_days),
        include_due_on=True,
        settings=PerformanceSettings.load(),
    )


def owed_between(
    *,
    indicators: Iterable[Indicator],
    today: date,
    within_days: int,
    settings: PerformanceSettings,
) -> list[DueItem]:
    """Late and due-soon values of `indicators` in one pass (the to-do lists): everything
    owed and due by `today + within_days`; split at `today` for late and soon."""
    return _owed(
        indicators=indicators,
        since=None,
        first_due=None,
        last_due=today + timedelta(days=within_days),
        include_due_on=True,
        settings=settings,
    )
