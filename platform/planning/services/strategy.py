"""Building the strategy tree and linking PIs, actions and risks to its nodes."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator

from .. import permissions
from ..errors import Conflict, DomainError
from ..models import Action, PlanningSettings, Risk, StrategyIndicatorLink, StrategyNode
from .common import apply_fields, clean_and_save, refuse_unknown_fields, unique_code

NODE_FIELDS = ("code", "title", "description", "owner", "parent", "level", "position")


def _check_place(*, level: int, parent: StrategyNode | None, node: StrategyNode | None) -> None:
    names = PlanningSettings.load().strategy_level_names
    if not isinstance(level, int) or not 1 <= level <= len(names):
        raise DomainError(
            f"The level must be from 1 to {len(names)} ({', '.join(names)}), not {level}."
        )
    if parent is None:
        return
    if parent.level >= level:
        raise DomainError(
            f"A {names[level - 1].lower()} cannot sit under a {names[parent.level - 1].lower()}: "
            "a child must be at a deeper level than its parent."
        )
    ancestor: StrategyNode | None = parent
    while node is not None and ancestor is not None:
        if ancestor.pk == node.pk:
            raise DomainError("A node cannot be placed under itself or one of its own children.")
        ancestor = ancestor.parent


@transaction.atomic
def strategy_node_create(
    *,
    actor: User,
    code: str,
    title: str,
    level: int,
    parent: StrategyNode | None = None,
    owner: User | None = None,
    description: str = "",
    position: int = 0,
) -> StrategyNode:
    """Add a node. Top levels (with no parent) need the configure role; below an existing
    node, that node's owner may add children (a service plan's owner adds team plans)."""
    if parent is None:
        permissions.require_configure(actor)
    else:
        permissions.require_edit_node(actor, parent)
    _check_place(level=level, parent=parent, node=None)
    node = StrategyNode(
        code=unique_code(StrategyNode, code),
        title=title,
        level=level,
        parent=parent,
        owner=owner,
        description=description,
        position=position,
    )
    clean_and_save(node)
    return node


@transaction.atomic
def strategy_node_update(*, actor: User, node: StrategyNode, **fields: Any) -> StrategyNode:
    permissions.require_edit_node(actor, node)
    refuse_unknown_fields(fields, NODE_FIELDS)
    if "parent" in fields and fields["parent"] != node.parent:
        # Moving a node re-parents a whole branch: configurers only.
        permissions.require_configure(actor)
    if "code" in fields:
        fields["code"] = unique_code(StrategyNode, fields["code"], exclude_pk=node.pk)
    level = fields.get("level", node.level)
    parent = fields.get("parent", node.parent)
    _check_place(level=level, parent=parent, node=node)
    if "level" in fields and node.children.filter(level__lte=level).exists():
        raise DomainError("Some children of this node are not at a deeper level than that.")
    apply_fields(node, fields)
    clean_and_save(node)
    return node


@transaction.atomic
def strategy_node_delete(*, actor: User, node: StrategyNode) -> None:
    permissions.require_configure(actor)
    if node.children.exists():
        raise Conflict(f"{node.code} has child nodes; move or delete them first.")
    node.delete()


def _weight(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        weight = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise DomainError(f"The weight must be a number, not '{raw}'.") from None
    if not weight.is_finite() or weight < 0:
        raise DomainError(f"The weight must be zero or more, not '{raw}'.")
    return weight


@transaction.atomic
def strategy_link_indicator(
    *, actor: User, node: StrategyNode, indicator: Indicator, weight: Any = None
) -> StrategyIndicatorLink:
    """Link a PI to a node (or change its weight if already linked)."""
    permissions.require_edit_node(actor, node)
    link, _ = StrategyIndicatorLink.objects.get_or_create(node=node, indicator=indicator)
    link.weight = _weight(weight)
    clean_and_save(link)
    return link


@transaction.atomic
def strategy_link(
    *,
    actor: User,
    node: StrategyNode,
    action: Action | None = None,
    risk: Risk | None = None,
) -> None:
    permissions.require_edit_node(actor, node)
    if action is not None:
        node.actions.add(action)
    if risk is not None:
        node.risks.add(risk)


@transaction.atomic
def strategy_unlink(
    *,
    actor: User,
    node: StrategyNode,
    indicator: Indicator | None = None,
    action: Action | None = None,
    risk: Risk | None = None,
) -> None:
    permissions.require_edit_node(actor, node)
    if indicator is not None:
        StrategyIndicatorLink.objects.filter(node=node, indicator=indicator).delete()
    if action is not None:
        node.actions.remove(action)
    if risk is not None:
        node.risks.remove(risk)
