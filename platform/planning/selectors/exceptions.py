"""Exception views: what needs attention, each list in a fixed number of queries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from goldenthread.platform.indicators.domain.status import Status
from goldenthread.platform.indicators.models import Indicator
from goldenthread.platform.indicators.selectors.data_quality import quality_by_indicator
from goldenthread.platform.indicators.selectors.spc import persistence_by_indicator

from ..domain.choices import ActionState, RiskState
from ..models import Action, PlanningSettings, Risk
from .indicators import indicators_with_status
from .risks import RISK_RELATED, decorate_risks


@dataclass(frozen=True)
class PersonOverdue:
    user_id: int | None
    name: str
    open: int
    overdue: int

    @property
    def proportion(self) -> Decimal:
        return (Decimal(self.overdue) * 100 / self.open).quantize(Decimal(1)) if self.open else 0


@dataclass(frozen=True)
class TrendPoint:
    on: date
    live: int
    overdue: int

    @property
    def proportion(self) -> Decimal | None:
        if not self.live:
            return None
        return (Decimal(self.overdue) * 100 / self.live).quantize(Decimal(1))


def overdue_by_person(*, role: str, today: date | None = None) -> list[PersonOverdue]:
    """People with overdue actions, by `role` ("assigned_to" or "managed_by"), most first,
    with how many open actions they have in that role (one grouped query)."""
    if role not in ("assigned_to", "managed_by"):
        raise ValueError(role)
    today = today or timezone.localdate()
    rows = (
        Action.objects.filter(state=ActionState.OPEN)
        .values(role, f"{role}__full_name", f"{role}__email")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)))
        .filter(overdue__gt=0)
        .order_by("-overdue", f"{role}__full_name")
    )
    return [
        PersonOverdue(
            user_id=row[role],
            name=row[f"{role}__full_name"] or row[f"{role}__email"] or "Nobody (unassigned)",
            open=row["open"],
            overdue=row["overdue"],
        )
        for row in rows
    ]


def _month_ends(today: date, months: int) -> list[date]:
    points = [today]
    year, month = today.year, today.month
    for _ in range(months - 1):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        points.append(date(year, month, calendar.monthrange(year, month)[1]))
    return list(reversed(points))


def overdue_trend(*, today: date | None = None, months: int = 12) -> list[TrendPoint]:
    """The proportion of live actions that were overdue at each of the last `months` month
    ends (the last point is today), from the actions' dates in one query.

    An action counts as live on a day when it had started and was not yet completed (by its
    completion date); deferred and cancelled actions are left out, as their dates of change
    are not recorded. So the history is reconstructed, not a snapshot."""
    today = today or timezone.localdate()
    points = _month_ends(today, months)
    counted = Action.objects.exclude(state__in=[ActionState.DEFERRED, ActionState.CANCELLED])
    aggregates = {}
    for index, on in enumerate(points):
        live = Q(start_date__lte=on) & (Q(completed_on__isnull=True) | Q(completed_on__gt=on))
        aggregates[f"live_{index}"] = Count("id", filter=live)
        aggregates[f"overdue_{index}"] = Count("id", filter=live & Q(due_date__lt=on))
    totals = counted.aggregate(**aggregates)
    return [
        TrendPoint(on=on, live=totals[f"live_{i}"], overdue=totals[f"overdue_{i}"])
        for i, on in enumerate(points)
    ]


def pis_off_target_without_action(*, limit: int | None = None) -> QuerySet[Indicator]:
    """Active PIs whose latest status is off target and which no open action is linked to."""
    open_link = Action.indicators.through.objects.filter(
        indicator_id=OuterRef("pk"), action__state=ActionState.OPEN
    )
    qs = (
        indicators_with_status()
        .filter(is_active=True, latest_status=Status.OFF_TARGET)
        .exclude(Exists(open_link))
        .order_by("code")
    )
    return qs[:limit] if limit else qs


@dataclass(frozen=True)
class Capped:
    """Up to a page's limit of items, with how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _with_persistence(items: list[Indicator]) -> list[Indicator]:
    """Each PI marked with `off_target_periods` (in a row, up to its latest) and
    `special_cause_concerning` (its SPC chart); two queries for the lot."""
    persistence = persistence_by_indicator(items)
    for item in items:
        item.off_target_periods = persistence[item.pk].off_target_periods
        item.special_cause_concerning = persistence[item.pk].special_cause_concerning
    return items


def pis_off_target(*, limit: int) -> Capped:
    """Every active PI whose latest status is off target (by code), each marked with whether
    an open action is linked to it, how long it has been off target, whether SPC says special
    cause concerning, and its data-quality score (`data_quality`); eight queries (two here,
    two for persistence, four for the scores)."""
    open_link = Action.indicators.through.objects.filter(
        indicator_id=OuterRef("pk"), action__state=ActionState.OPEN
    )
    qs = (
        indicators_with_status()
        .filter(is_active=True, latest_status=Status.OFF_TARGET)
        .annotate(has_open_action=Exists(open_link))
        .order_by("code")
    )
    return Capped(with_insight(list(qs[:limit])), qs.count())


def with_insight(items: list[Indicator]) -> list[Indicator]:
    """`_with_persistence`, and each PI's data-quality score as `data_quality`; six queries
    for the lot (the page's lists and REST's pages alike)."""
    _with_persistence(items)
    scores = quality_by_indicator(items)
    for pi in items:
        pi.data_quality = scores[pi.pk]
    return items


def pis_special_cause_concerning(*, limit: int | None = None) -> Capped:
    """Every active PI whose SPC chart says special cause concerning at its latest value,
    whatever its status against target (a signal can come before a target is missed); three
    queries. Judged in Python over every active PI's values, since the rules need the series."""
    candidates = list(
        Indicator.objects.filter(is_active=True).select_related("owner").order_by("code")
    )
    concerning = [pi for pi in _with_persistence(candidates) if pi.special_cause_concerning]
    return Capped(concerning[:limit] if limit else concerning, len(concerning))


def high_risks(*, limit: int, today: date | None = None) -> Capped:
    """Every open risk whose current score is high on the organisation's matrix
    (`RiskMatrix.high_risk_score`), highest first; three queries with the settings."""
    matrix = PlanningSettings.load().matrix
    qs = (
        Risk.objects.select_related(*RISK_RELATED)
        .filter(state=RiskState.OPEN, current_score__gte=matrix.high_risk_score)
        .order_by("-current_score", "review_date", "code")
    )
    return Capped(decorate_risks(qs[:limit], matrix=matrix, today=today), qs.count())
