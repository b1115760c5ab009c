"""The golden thread below chosen strategy nodes: which PIs, actions and risks hang from each
(linked to it or to any node beneath it; an action also through a plan attached to one).

For reports scoped by priority or theme. Five queries whatever the size of the tree or the
number of items: the nodes, and the PI, action, plan-action and risk links of the nodes
beneath the chosen ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Action, PlanningSettings, StrategyIndicatorLink, StrategyNode


@dataclass(frozen=True)
class ThreadNode:
    """A chosen node with everything beneath it, each list in a stable order (by id) and
    each item once."""

    id: int
    code: str
    title: str
    level: int
    level_name: str
    indicator_ids: tuple[int, ...]
    action_ids: tuple[int, ...]
    risk_ids: tuple[int, ...]


def golden_thread(*, node_ids: Iterable[int]) -> list[ThreadNode]:
    """The chosen nodes (unknown ids are skipped) in tree order (level, position, code), each
    with the ids of the PIs, actions and risks linked to it or to any node beneath it."""
    wanted = set(node_ids)
    if not wanted:
        return []
    nodes = list(StrategyNode.objects.values_list("id", "parent_id", "code", "title", "level"))
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id, *_ in nodes:
        children[parent_id].append(pk)
    chosen = [node for node in nodes if node[0] in wanted]
    below: dict[int, set[int]] = {}
    for node in chosen:
        found, stack = set(), [node[0]]
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(children.get(pk, ()))
        below[node[0]] = found
    reachable = set().union(*below.values()) if below else set()
    pis = _by_node(
        StrategyIndicatorLink.objects.filter(node_id__in=reachable).values_list(
            "node_id", "indicator_id"
        )
    )
    actions = _by_node(
        StrategyNode.actions.through.objects.filter(strategynode_id__in=reachable).values_list(
            "strategynode_id", "action_id"
        ),
        Action.objects.filter(plan__strategy_node_id__in=reachable).values_list(
            "plan__strategy_node_id", "pk"
        ),
    )
    risks = _by_node(
        StrategyNode.risks.through.objects.filter(strategynode_id__in=reachable).values_list(
            "strategynode_id", "risk_id"
        )
    )
    settings = PlanningSettings.load()
    order = {pk: index for index, (pk, *_) in enumerate(nodes)}
    result = []
    for pk, _parent, code, title, level in sorted(
        chosen, key=lambda node: (node[4], order[node[0]])
    ):
        result.append(
            ThreadNode(
                id=pk,
                code=code,
                title=title,
                level=level,
                level_name=settings.level_name(level),
                indicator_ids=_gather(pis, below[pk]),
                action_ids=_gather(actions, below[pk]),
                risk_ids=_gather(risks, below[pk]),
            )
        )
    return result


def _by_node(*rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for source in rows:
        for node_id, item_id in source:
            found[node_id].add(item_id)
    return found


def _gather(by_node: dict[int, set[int]], node_ids: set[int]) -> tuple[int, ...]:
    return tuple(sorted(set().union(*(by_node.get(pk, set()) for pk in node_ids))))
