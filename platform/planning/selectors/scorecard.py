"""The scorecard: each strategic priority (a top-level node of the strategy tree) with how its
PIs, actions and risks stand, and what is wrong beneath it — the PIs off target and the high
risks — each linked to its page. The councillor's home.

A fixed number of queries whatever the size of the tree: the tree and its roll-ups
(`strategy_tree`), then one query for the off-target PIs and one for the high risks linked
anywhere beneath the priorities.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef

from goldenthread.platform.indicators.domain.status import Status
from goldenthread.platform.indicators.models import Indicator

from ..domain.choices import ActionState, RiskState
from ..models import Action, PlanningSettings, Risk, StrategyIndicatorLink, StrategyNode
from .indicators import ShownStatus, latest_status_subquery, status_presentation
from .risks import decorate_risks
from .strategy import Rollup, TreeNode, strategy_tree

# Each priority lists at most this many PIs and risks in its exceptions; the counts are whole.
EXCEPTIONS_SHOWN = 10


# PIs with no rating: no value yet, data only, not due, missing.
NOT_RATED = ShownStatus("not_rated", "Not rated", "status-not-collected", "\u2298")


@dataclass(frozen=True)
class StatusCount:
    shown: ShownStatus
    count: int


@dataclass
class Priority:
    node: StrategyNode
    level_name: str
    rollup: Rollup
    off_target: list[Indicator] = field(default_factory=list)
    high_risks: list[Risk] = field(default_factory=list)
    high_risk_count: int = 0

    @property
    def status_counts(self) -> list[StatusCount]:
        """PI counts by status, in words with their icons (no status: no value yet)."""
        return [
            StatusCount(status_presentation(Status.ON_TARGET), self.rollup.pis_on_target),
            StatusCount(status_presentation(Status.WARNING), self.rollup.pis_warning),
            StatusCount(status_presentation(Status.OFF_TARGET), self.rollup.pis_off_target),
            StatusCount(NOT_RATED, self.rollup.pis_other),
        ]

    @property
    def exceptions_count(self) -> int:
        return self.rollup.pis_off_target + self.high_risk_count


def _beneath(item: TreeNode) -> set[int]:
    found, stack = set(), [item]
    while stack:
        current = stack.pop()
        found.add(current.node.pk)
        stack.extend(current.children)
    return found


def scorecard(*, today: date | None = None) -> list[Priority]:
    """The priorities in the tree's order, each with its roll-up and its exceptions."""
    roots = strategy_tree(today=today)
    if not roots:
        return []
    matrix = PlanningSettings.load().matrix
    priority_of: dict[int, int] = {}
    for root in roots:
        for node_id in _beneath(root):
            priority_of[node_id] = root.node.pk

    off_target_links = (
        StrategyIndicatorLink.objects.annotate(latest_status=latest_status_subquery("indicator_id"))
        .filter(latest_status=Status.OFF_TARGET)
        .select_related("indicator", "indicator__owner")
        .annotate(
            has_open_action=Exists(
                Action.indicators.through.objects.filter(
                    indicator_id=OuterRef("indicator_id"), action__state=ActionState.OPEN
                )
            )
        )
        .order_by("indicator__code")
    )
    pis: dict[int, dict[int, Indicator]] = defaultdict(dict)
    for link in off_target_links:
        link.indicator.has_open_action = link.has_open_action
        pis[priority_of[link.node_id]][link.indicator_id] = link.indicator

    risk_links = (
        StrategyNode.risks.through.objects.filter(
            risk__state=RiskState.OPEN, risk__current_score__gte=matrix.high_risk_score
        )
        .select_related("risk", "risk__register", "risk__owner")
        .order_by("-risk__current_score", "risk__code")
    )
    risks: dict[int, dict[int, Risk]] = defaultdict(dict)
    for link in risk_links:
        risks[priority_of[link.strategynode_id]][link.risk_id] = link.risk

    priorities = []
    for root in roots:
        high = list(risks[root.node.pk].values())
        priorities.append(
            Priority(
                node=root.node,
                level_name=root.level_name,
                rollup=root.rollup,
                off_target=list(pis[root.node.pk].values())[:EXCEPTIONS_SHOWN],
                high_risks=decorate_risks(high[:EXCEPTIONS_SHOWN], matrix=matrix, today=today),
                high_risk_count=len(high),
            )
        )
    return priorities
