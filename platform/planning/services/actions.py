"""Action plans, actions, milestones, status updates and escalation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator

from .. import permissions
from ..domain.choices import ActionState, MonitoringZone
from ..errors import DomainError
from ..models import Action, ActionEscalation, ActionPlan, ActionUpdate, Milestone, StrategyNode
from .common import apply_fields, clean_and_save, refuse_unknown_fields, unique_code

PLAN_FIELDS = ("code", "title", "description", "owner", "strategy_node", "is_active")
ACTION_FIELDS = (
    "code",
    "title",
    "description",
    "assigned_to",
    "managed_by",
    "lead_councillor",
    "start_date",
    "due_date",
    "source",
    "priority",
)


@transaction.atomic
def action_plan_create(
    *,
    actor: User,
    code: str,
    title: str,
    description: str = "",
    owner: User | None = None,
    strategy_node: StrategyNode | None = None,
) -> ActionPlan:
    permissions.require_create(actor)
    plan = ActionPlan(
        code=unique_code(ActionPlan, code),
        title=title,
        description=description,
        owner=owner or actor,
        strategy_node=strategy_node,
    )
    clean_and_save(plan)
    return plan


@transaction.atomic
def action_plan_update(*, actor: User, plan: ActionPlan, **fields: Any) -> ActionPlan:
    permissions.require_edit_plan(actor, plan)
    refuse_unknown_fields(fields, PLAN_FIELDS)
    if "code" in fields:
        fields["code"] = unique_code(ActionPlan, fields["code"], exclude_pk=plan.pk)
    apply_fields(plan, fields)
    clean_and_save(plan)
    return plan


@transaction.atomic
def action_create(
    *,
    actor: User,
    plan: ActionPlan,
    code: str,
    title: str,
    start_date: date,
    due_date: date,
    description: str = "",
    assigned_to: User | None = None,
    managed_by: User | None = None,
    lead_councillor: User | None = None,
    source: str = "service_plan",
    priority: str = "medium",
    monitoring_zone: int = MonitoringZone.TEAM,
    indicators: Iterable[Indicator] = (),
) -> Action:
    """Add an action to a plan: creators (managers and up) or the plan's owner."""
    if not permissions.can_edit_plan(actor, plan):
        permissions.require_create(actor)
    action = Action(
        plan=plan,
        code=unique_code(Action, code),
        title=title,
        description=description,
        start_date=start_date,
        due_date=due_date,
        assigned_to=assigned_to,
        managed_by=managed_by,
        lead_councillor=lead_councillor,
        source=source,
        priority=priority,
        monitoring_zone=monitoring_zone,
    )
    clean_and_save(action)
    indicators = list(indicators)
    if indicators:
        action.indicators.set(indicators)
    return action


@transaction.atomic
def action_update(
    *, actor: User, action: Action, indicators: Iterable[Indicator] | None = None, **fields: Any
) -> Action:
    """Change an action's details (not its progress or status: see `action_record_update`)."""
    permissions.require_edit_action(actor, action)
    refuse_unknown_fields(fields, ACTION_FIELDS)
    if "code" in fields:
        fields["code"] = unique_code(Action, fields["code"], exclude_pk=action.pk)
    apply_fields(action, fields)
    clean_and_save(action)
    if indicators is not None:
        action.indicators.set(list(indicators))
    return action


@transaction.atomic
def action_record_update(
    *,
    actor: User,
    action: Action,
    note: str,
    progress: int | None = None,
    state: str | None = None,
    today: date | None = None,
) -> ActionUpdate:
    """Record a status update: a note, and optionally new progress and state.

    Completing an action sets progress to 100 and the completion date; reopening clears it.
    The update joins the history and becomes the action's latest update.
    """
    permissions.require_edit_action(actor, action)
    note = (note or "").strip()
    if not note:
        raise DomainError("Say what has happened: a status update needs a note.")
    action = Action.objects.select_for_update().get(pk=action.pk)
    new_state = state if state is not None else action.state
    if new_state not in ActionState.values:
        raise DomainError(
            f"The state must be one of {', '.join(ActionState.values)}, not '{new_state}'."
        )
    new_progress = action.progress if progress is None else progress
    if isinstance(new_progress, bool) or not isinstance(new_progress, int):
        raise DomainError("Progress must be a whole number from 0 to 100.")
    if not 0 <= new_progress <= 100:
        raise DomainError(f"Progress must be from 0 to 100, not {new_progress}.")
    if new_state == ActionState.COMPLETED:
        new_progress = 100
        action.completed_on = action.completed_on or today or timezone.localdate()
    else:
        action.completed_on = None
    action.state = new_state
    action.progress = new_progress
    update = ActionUpdate(
        action=action, author=actor, progress=new_progress, state=new_state, note=note
    )
    clean_and_save(update)
    action.latest_update = note
    action.latest_update_at = update.at
    clean_and_save(action)
    return update


@transaction.atomic
def action_escalate(*, actor: User, action: Action, to_zone: int, reason: str) -> ActionEscalation:
    """Move an action up to a higher monitoring zone, with the reason kept in its history."""
    permissions.require_edit_action(actor, action)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason for escalating the action.")
    action = Action.objects.select_for_update().get(pk=action.pk)
    if to_zone not in MonitoringZone.values:
        raise DomainError(f"There is no monitoring zone {to_zone}.")
    if to_zone <= action.monitoring_zone:
        current = MonitoringZone(action.monitoring_zone).label
        raise DomainError(
            f"{action.code} is already monitored by {current}; escalate it to a higher zone."
        )
    escalation = ActionEscalation(
        action=action,
        from_zone=action.monitoring_zone,
        to_zone=to_zone,
        reason=reason,
        escalated_by=actor,
    )
    clean_and_save(escalation)
    action.monitoring_zone = to_zone
    action.save(update_fields=["monitoring_zone", "updated_at"])
    return escalation


@transaction.atomic
def milestone_add(*, actor: User, action: Action, title: str, due_date: date) -> Milestone:
    permissions.require_edit_action(actor, action)
    milestone = Milestone(action=action, title=title, due_date=due_date)
    clean_and_save(milestone)
    return milestone


@transaction.atomic
def milestone_update(
    *, actor: User, milestone: Milestone, title: str, due_date: date, completed_on: date | None
) -> Milestone:
    """Change a milestone's title, due date or completion date (None reopens it)."""
    permissions.require_edit_action(actor, milestone.action)
    milestone.title = title
    milestone.due_date = due_date
    milestone.completed_on = completed_on
    clean_and_save(milestone)
    return milestone


@transaction.atomic
def milestone_set_completed(
    *, actor: User, milestone: Milestone, completed_on: date | None
) -> Milestone:
    permissions.require_edit_action(actor, milestone.action)
    milestone.completed_on = completed_on
    clean_and_save(milestone)
    return milestone
