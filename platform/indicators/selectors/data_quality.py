"""Data-quality scores (`domain.data_quality`) for many PIs in a fixed number of queries:
the settings, the PIs' last few submitted overall values, which of those periods were
reopened after approval, and which have commentary (four queries, however many PIs)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from goldenthread.platform.core.periods import parse_period

from ..domain.choices import AuditAction, ValueState, WorkflowStatus
from ..domain.data_quality import (
    PI_WINDOW,
    QualityScore,
    ValueFacts,
    area_quality,
    indicator_quality,
)
from ..domain.status import Status
from ..models import AuditEntry, Commentary, Indicator, IndicatorValue, PerformanceSettings
from .due import due_date_for


def _facts(row: IndicatorValue, indicator: Indicator, settings, reopened, commented) -> ValueFacts:
    key = (row.indicator_id, row.period_code)
    handed_in = row.submitted_at or row.approved_at
    return ValueFacts(
        period_code=row.period_code,
        due_date=due_date_for(indicator, parse_period(row.period_code), settings),
        submitted_on=handed_in.date() if handed_in else None,
        has_value=row.state == ValueState.ENTERED and row.value is not None,
        is_calculated=indicator.is_calculated,
        has_numerator=row.numerator is not None,
        has_denominator=row.denominator is not None,
        restated=key in reopened,
        # Out of range, far from the previous period, or far from its history or its peers.
        confirmed_unusual=(
            row.out_of_range_confirmed or row.large_change_confirmed or row.anomaly_confirmed
        ),
        confirmation_note=row.out_of_range_note,
        off_target=row.status == Status.OFF_TARGET,
        has_commentary=key in commented,
        # No PI can require evidence yet (see domain.data_quality).
        evidence_required=False,
    )


def quality_by_indicator(
    indicators: Iterable[Indicator], *, window: int = PI_WINDOW
) -> dict[int, QualityScore]:
    """Each PI's score over its last `window` submitted or approved overall values, by PI id.
    A PI with none is "not yet assessed"."""
    by_id = {pi.pk: pi for pi in indicators}
    if not by_id:
        return {}
    settings = PerformanceSettings.load()
    ranked = (
        IndicatorValue.objects.filter(indicator_id__in=by_id, sub_area__isnull=True)
        .exclude(workflow_status=WorkflowStatus.DRAFT)
        .annotate(
            recent=Window(
                RowNumber(), partition_by=[F("indicator_id")], order_by=F("period_start").desc()
            )
        )
        .filter(recent__lte=window)
        .order_by("indicator_id", "period_start")
    )
    rows = list(ranked)
    periods = Q()
    for row in rows:
        periods |= Q(indicator_id=row.indicator_id, period_code=row.period_code)
    reopened: set[tuple[int, str]] = set()
    commented: set[tuple[int, str]] = set()
    if rows:
        reopened = set(
            AuditEntry.objects.filter(periods, action=AuditAction.REOPENED)
            .order_by()
            .values_list("indicator_id", "period_code")
        )
        commented = set(
            Commentary.objects.filter(periods).order_by().values_list("indicator_id", "period_code")
        )
    facts: dict[int, list[ValueFacts]] = defaultdict(list)
    for row in rows:
        pi = by_id[row.indicator_id]
        facts[row.indicator_id].append(_facts(row, pi, settings, reopened, commented))
    return {pk: indicator_quality(facts.get(pk, []), window=window) for pk in by_id}


@dataclass(frozen=True)
class AreaQuality:
    """A service area's PIs with their scores, and the area's own (their average)."""

    name: str
    score: QualityScore
    indicators: list[tuple[Indicator, QualityScore]]


def data_quality_report(*, service_area_id: int | None = None) -> list[AreaQuality]:
    """The data-quality report: active PIs by service area (by name; PIs by code), each with
    its score; five queries."""
    pis = Indicator.objects.filter(is_active=True).select_related("service_area")
    if service_area_id is not None:
        pis = pis.filter(service_area_id=service_area_id)
    pis = list(pis.order_by("service_area__name", "code"))
    scores = quality_by_indicator(pis)
    areas: dict[str, list[tuple[Indicator, QualityScore]]] = defaultdict(list)
    for pi in pis:
        name = pi.service_area.name if pi.service_area else "No service area"
        areas[name].append((pi, scores[pi.pk]))
    return [
        AreaQuality(name, area_quality(s for _, s in items), items) for name, items in areas.items()
    ]
