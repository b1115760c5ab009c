"""The strategy tree with each node's roll-up of the PIs, actions and risks beneath it.

A node's roll-up counts everything linked to it or to any node below it (each item once), plus
the actions of plans attached to those nodes. The whole tree is computed from five queries
whatever its size: nodes, PI links with their latest status, action links, plan actions, and
risk links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from goldenthread.platform.indicators.domain.status import Status

from ..domain.action_status import ACTION_STATUS_PRESENTATION, action_status
from ..domain.choices import ActionState, RiskState
from ..domain.risk_matrix import RiskBand, RiskMatrix
from ..domain.scores import weighted_basket_score
from ..models import Action, PlanningSettings, StrategyIndicatorLink, StrategyNode
from .common import get_one
from .indicators import latest_status_subquery, status_presentation


@dataclass
class Rollup:
    pis_on_target: int = 0
    pis_warning: int = 0
    pis_off_target: int = 0
    pis_other: int = 0
    actions_counted: int = 0
    actions_on_track: int = 0
    risks_by_band: list[tuple[RiskBand, int]] = field(default_factory=list)
    weighted_score: Decimal | None = None

    @property
    def pis_total(self) -> int:
        return self.pis_on_target + self.pis_warning + self.pis_off_target + self.pis_other

    @property
    def actions_on_track_pct(self) -> Decimal | None:
        if not self.actions_counted:
            return None
        return (Decimal(self.actions_on_track) * 100 / self.actions_counted).quantize(Decimal(1))

    @property
    def risks_present(self) -> list[tuple[RiskBand, int]]:
        """The bands that have risks, highest first."""
        return [(band, count) for band, count in self.risks_by_band if count]

    @property
    def risks_total(self) -> int:
        return sum(count for _, count in self.risks_by_band)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pis": {
                "total": self.pis_total,
                "on_target": self.pis_on_target,
                "warning": self.pis_warning,
                "off_target": self.pis_off_target,
                "other": self.pis_other,
            },
            "actions": {
                "counted": self.actions_counted,
                "on_track": self.actions_on_track,
                "on_track_percent": self.actions_on_track_pct,
            },
            "risks": [
                {"band": band.name, "colour": band.colour, "count": count}
                for band, count in self.risks_by_band
            ],
            "weighted_score": self.weighted_score,
        }


@dataclass
class TreeNode:
    node: StrategyNode
    level_name: str
    children: list[TreeNode] = field(default_factory=list)
    rollup: Rollup = field(default_factory=Rollup)


def _descendants(nodes: list[StrategyNode]) -> dict[int, set[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node.pk)
    below: dict[int, set[int]] = {}

    def walk(pk: int) -> set[int]:
        if pk not in below:
            found = {pk}
            for child in children.get(pk, []):
                found |= walk(child)
            below[pk] = found
        return below[pk]

    for node in nodes:
        walk(node.pk)
    return below


def strategy_tree(*, today: date | None = None) -> list[TreeNode]:
    """The whole tree (roots first, children by position), every node with its roll-up."""
    today = today or timezone.localdate()
    settings = PlanningSettings.load()
    matrix = settings.matrix
    nodes = list(StrategyNode.objects.select_related("owner"))
    if not nodes:
        return []
    pi_links = list(
        StrategyIndicatorLink.objects.annotate(
            latest_status=latest_status_subquery("indicator_id")
        ).values_list("node_id", "indicator_id", "weight", "latest_status")
    )
    action_fields = ("state", "start_date", "due_date", "progress")
    action_links = list(
        StrategyNode.actions.through.objects.values_list(
            "strategynode_id",
            "action_id",
            *(f"action__{name}" for name in action_fields),
        )
    )
    plan_actions = list(
        Action.objects.filter(plan__strategy_node__isnull=False).values_list(
            "plan__strategy_node_id", "pk", *action_fields
        )
    )
    risk_links = list(
        StrategyNode.risks.through.objects.filter(risk__state=RiskState.OPEN).values_list(
            "strategynode_id", "risk_id", "risk__current_score"
        )
    )

    pis_at: dict[int, list[tuple[int, Decimal | None, str | None]]] = defaultdict(list)
    for node_id, indicator_id, weight, status in pi_links:
        pis_at[node_id].append((indicator_id, weight, status))
    actions_at: dict[int, dict[int, tuple]] = defaultdict(dict)
    for node_id, action_id, *facts in [*action_links, *plan_actions]:
        actions_at[node_id][action_id] = tuple(facts)
    risks_at: dict[int, dict[int, int]] = defaultdict(dict)
    for node_id, risk_id, score in risk_links:
        risks_at[node_id][risk_id] = score

    on_track_by_action: dict[int, bool | None] = {}
    for facts_by_id in actions_at.values():
        for action_id, (state, start, due, progress) in facts_by_id.items():
            if action_id not in on_track_by_action:
                status = action_status(
                    state=state,
                    start_date=start,
                    due_date=due,
                    progress=progress,
                    today=today,
                    tolerance_points=settings.action_tolerance_points,
                )
                on_track_by_action[action_id] = ACTION_STATUS_PRESENTATION[status].on_track

    below = _descendants(nodes)
    tree = {
        node.pk: TreeNode(node=node, level_name=settings.level_name(node.level)) for node in nodes
    }
    for node in nodes:
        tree[node.pk].rollup = _rollup(
            below[node.pk], pis_at, actions_at, risks_at, on_track_by_action, matrix
        )
    roots = []
    for node in sorted(nodes, key=lambda n: (n.position, n.code)):
        item = tree[node.pk]
        if node.parent_id is None or node.parent_id not in tree:
            roots.append(item)
        else:
            tree[node.parent_id].children.append(item)
    return roots


def _rollup(
    node_ids: set[int],
    pis_at: dict,
    actions_at: dict,
    risks_at: dict,
    on_track_by_action: dict[int, bool | None],
    matrix: RiskMatrix,
) -> Rollup:
    rollup = Rollup()
    statuses: dict[int, str | None] = {}
    weighted: list[tuple[str | None, Decimal | None]] = []
    action_ids: set[int] = set()
    risk_scores: dict[int, int] = {}
    for node_id in node_ids:
        for indicator_id, weight, status in pis_at.get(node_id, ()):
            statuses[indicator_id] = status
            weighted.append((status, weight))
        action_ids.update(actions_at.get(node_id, {}))
        risk_scores.update(risks_at.get(node_id, {}))
    for status in statuses.values():
        if status == Status.ON_TARGET:
            rollup.pis_on_target += 1
        elif status == Status.WARNING:
            rollup.pis_warning += 1
        elif status == Status.OFF_TARGET:
            rollup.pis_off_target += 1
        else:
            rollup.pis_other += 1
    for action_id in action_ids:
        on_track = on_track_by_action[action_id]
        if on_track is not None:
            rollup.actions_counted += 1
            rollup.actions_on_track += int(on_track)
    counts: dict[str, int] = defaultdict(int)
    for score in risk_scores.values():
        counts[matrix.band_for(score).name] += 1
    rollup.risks_by_band = [(band, counts.get(band.name, 0)) for band in reversed(matrix.bands)]
    rollup.weighted_score = weighted_basket_score(weighted)
    return rollup


def find_in_tree(roots: list[TreeNode], pk: int) -> TreeNode | None:
    stack = list(roots)
    while stack:
        item = stack.pop()
        if item.node.pk == pk:
            return item
        stack.extend(item.children)
    return None


def strategy_node_get(*, pk: Any) -> StrategyNode:
    return get_one(StrategyNode.objects.select_related("owner", "parent"), pk, "strategy node")


def strategy_node_list() -> QuerySet[StrategyNode]:
    return StrategyNode.objects.select_related("owner")


def node_links(node: StrategyNode) -> dict[str, list]:
    """What is linked directly to one node, for its page (three queries)."""
    from .actions import decorate
    from .risks import decorate_risks

    links = list(
        node.indicator_links.select_related("indicator", "indicator__owner").annotate(
            latest_status=latest_status_subquery("indicator_id")
        )
    )
    actions = decorate(
        node.actions.select_related("plan", "assigned_to", "managed_by").exclude(
            state=ActionState.CANCELLED
        )
    )
    for link in links:
        link.shown = status_presentation(link.latest_status)
    risks = decorate_risks(node.risks.select_related("register", "owner"))
    return {"indicator_links": links, "actions": actions, "risks": risks}
