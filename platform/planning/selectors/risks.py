"""Risks with their ratings, registers, heat maps and review lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ..domain.choices import RiskState
from ..domain.risk_matrix import DIRECTION_PRESENTATION, Direction, RiskBand, RiskMatrix
from ..models import PlanningSettings, Risk, RiskRegister, RiskReview
from .common import as_id, get_one

RISK_RELATED = ("register", "owner")


def decorate_risks(
    risks: Iterable[Risk], *, matrix: RiskMatrix | None = None, today: date | None = None
) -> list[Risk]:
    """Set each risk's bands (inherent, current, target), direction words and icon, and
    whether its review is overdue."""
    matrix = matrix or PlanningSettings.load().matrix
    today = today or timezone.localdate()
    items = list(risks)
    for risk in items:
        risk.current_band = matrix.band_for(risk.current_score)
        risk.inherent_band = matrix.band_for(risk.inherent_score)
        risk.target_band = matrix.band_for(risk.target_score)
        risk.direction_icon, risk.direction_label = DIRECTION_PRESENTATION[
            Direction(risk.direction)
        ]
        risk.review_overdue = risk.state == RiskState.OPEN and risk.review_date < today
        risk.likelihood_label = _label(matrix.likelihood_labels, risk.current_likelihood)
        risk.impact_label = _label(matrix.impact_labels, risk.current_impact)
    return items


def _label(labels: tuple[str, ...], level: int) -> str:
    return labels[level - 1] if 1 <= level <= len(labels) else str(level)


def register_list() -> QuerySet[RiskRegister]:
    return RiskRegister.objects.select_related("owner").annotate(
        open_count=Count("risks", filter=Q(risks__state=RiskState.OPEN))
    )


def register_get(*, pk: Any) -> RiskRegister:
    return get_one(RiskRegister.objects.select_related("owner"), pk, "risk register")


def risk_list(*, filters: Mapping[str, Any] | None = None, today: date | None = None) -> list[Risk]:
    """Risks, highest current score first. Filters: `register`, `owner` (ids), `state`
    (default open; `all` for every state), `likelihood`, `impact`, `band` (name),
    `review_overdue`, `q` (code or title)."""
    today = today or timezone.localdate()
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    qs = Risk.objects.select_related(*RISK_RELATED)
    state = filters.get("state", RiskState.OPEN)
    if state != "all":
        qs = qs.filter(state=state)
    if "register" in filters:
        qs = qs.filter(register_id=as_id(filters["register"], "risk register"))
    if "owner" in filters:
        qs = qs.filter(owner_id=as_id(filters["owner"], "user"))
    for axis in ("likelihood", "impact"):
        if axis in filters:
            qs = qs.filter(**{f"current_{axis}": as_id(filters[axis], axis)})
    if str(filters.get("review_overdue", "")).lower() in ("1", "true", "yes"):
        qs = qs.filter(review_date__lt=today)
    if "q" in filters:
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(code__icontains=text) | Q(title__icontains=text))
    matrix = PlanningSettings.load().matrix
    if "band" in filters:
        wanted = str(filters["band"]).lower()
        bands = [band for band in matrix.bands if wanted in (band.name.lower(), band.slug)]
        if not bands:
            return []
        qs = qs.filter(current_score__gte=bands[0].min_score, current_score__lte=bands[0].max_score)
    return decorate_risks(qs, matrix=matrix, today=today)


def risk_get(*, pk: Any) -> Risk:
    qs = Risk.objects.select_related(*RISK_RELATED, "register__owner").prefetch_related(
        Prefetch("reviews", queryset=RiskReview.objects.select_related("reviewed_by")),
        "mitigating_actions__assigned_to",
        "indicators",
        "strategy_nodes",
        "evidence_documents__uploaded_by",
    )
    risk = get_one(qs, pk, "risk")
    decorate_risks([risk])
    from .actions import decorate

    risk.mitigating = decorate(risk.mitigating_actions.all())
    return risk


def risks_review_overdue(*, today: date | None = None, limit: int | None = None) -> list[Risk]:
    """Open risks whose review date has passed, longest overdue first."""
    today = today or timezone.localdate()
    qs = (
        Risk.objects.select_related(*RISK_RELATED)
        .filter(state=RiskState.OPEN, review_date__lt=today)
        .order_by("review_date", "code")
    )
    if limit:
        qs = qs[:limit]
    risks = decorate_risks(qs, today=today)
    for risk in risks:
        risk.days_overdue = (today - risk.review_date).days
    return risks


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    likelihood_label: str
    impact_label: str
    score: int
    band: RiskBand
    count: int


@dataclass(frozen=True)
class HeatMap:
    matrix: RiskMatrix
    rows: list[list[HeatCell]]  # highest likelihood first, impact ascending across
    band_counts: list[tuple[RiskBand, int]]  # highest band first
    total: int

    @property
    def occupied_cells(self) -> list[HeatCell]:
        cells = [cell for row in self.rows for cell in row if cell.count]
        return sorted(cells, key=lambda cell: (-cell.score, -cell.likelihood, -cell.impact))

    @property
    def impact_headers(self) -> list[tuple[int, str]]:
        return list(enumerate(self.matrix.impact_labels, start=1))


def heat_map(*, register: RiskRegister | None = None) -> HeatMap:
    """Counts of open risks in each likelihood x impact cell (two queries: settings and one
    grouped count)."""
    matrix = PlanningSettings.load().matrix
    qs = Risk.objects.filter(state=RiskState.OPEN)
    if register is not None:
        qs = qs.filter(register=register)
    counts = {
        (row["current_likelihood"], row["current_impact"]): row["n"]
        for row in qs.values("current_likelihood", "current_impact").annotate(n=Count("id"))
    }
    rows = []
    for likelihood in range(matrix.size, 0, -1):
        row = []
        for impact in range(1, matrix.size + 1):
            score = likelihood * impact
            row.append(
                HeatCell(
                    likelihood=likelihood,
                    impact=impact,
                    likelihood_label=matrix.likelihood_labels[likelihood - 1],
                    impact_label=matrix.impact_labels[impact - 1],
                    score=score,
                    band=matrix.band_for(score),
                    count=counts.get((likelihood, impact), 0),
                )
            )
        rows.append(row)
    by_band: dict[str, int] = {}
    for (likelihood, impact), count in counts.items():
        # Levels beyond the matrix cannot be stored through the services; skip defensively.
        if 1 <= likelihood <= matrix.size and 1 <= impact <= matrix.size:
            name = matrix.band_for(likelihood * impact).name
            by_band[name] = by_band.get(name, 0) + count
    band_counts = [(band, by_band.get(band.name, 0)) for band in reversed(matrix.bands)]
    return HeatMap(matrix=matrix, rows=rows, band_counts=band_counts, total=sum(by_band.values()))
