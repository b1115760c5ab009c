"""Actions with their derived status, plans, and the lists built on them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ..domain.action_status import (
    ACTION_STATUS_PRESENTATION,
    ActionStatus,
    action_status,
    expected_progress,
)
from ..domain.choices import ActionState
from ..models import Action, ActionPlan, Milestone, PlanningSettings
from .common import as_id, get_one

ACTION_RELATED = ("plan", "assigned_to", "managed_by", "lead_councillor")


def decorate(
    actions: Iterable[Action], *, today: date | None = None, tolerance: int | None = None
) -> list[Action]:
    """Set `status`, `status_presentation` and `expected_progress` on each action, using the
    one status rule (`domain.action_status`)."""
    today = today or timezone.localdate()
    if tolerance is None:
        tolerance = PlanningSettings.load().action_tolerance_points
    items = list(actions)
    for action in items:
        action.status = action_status(
            state=action.state,
            start_date=action.start_date,
            due_date=action.due_date,
            progress=action.progress,
            today=today,
            tolerance_points=tolerance,
        )
        action.status_presentation = ACTION_STATUS_PRESENTATION[action.status]
        action.expected_progress = expected_progress(
            start_date=action.start_date, due_date=action.due_date, today=today
        )
    return items


def _status_prefilter(qs: QuerySet[Action], status: str, today: date) -> QuerySet[Action]:
    """Narrow in SQL to rows that may have `status`; the rule itself then decides."""
    if status in (ActionStatus.COMPLETED, ActionStatus.DEFERRED, ActionStatus.CANCELLED):
        return qs.filter(state=status)
    if status == ActionStatus.OVERDUE:
        return qs.filter(state=ActionState.OPEN, due_date__lt=today)
    return qs.filter(state=ActionState.OPEN, due_date__gte=today)


def action_list(
    *, filters: Mapping[str, Any] | None = None, today: date | None = None
) -> list[Action]:
    """Actions ordered by due date, with status. Filters: `plan`, `assigned_to`,
    `managed_by`, `lead_councillor` (ids), `status`, `source`, `zone`, `q` (code/title)."""
    today = today or timezone.localdate()
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    qs = Action.objects.select_related(*ACTION_RELATED)
    for name in ("plan", "assigned_to", "managed_by", "lead_councillor"):
        if name in filters:
            qs = qs.filter(**{f"{name}_id": as_id(filters[name], name.replace("_", " "))})
    if "source" in filters:
        qs = qs.filter(source=filters["source"])
    if "zone" in filters:
        qs = qs.filter(monitoring_zone=as_id(filters["zone"], "monitoring zone"))
    if "q" in filters:
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(code__icontains=text) | Q(title__icontains=text))
    status = filters.get("status")
    if status:
        qs = _status_prefilter(qs, str(status), today)
    items = decorate(qs, today=today)
    if status:
        items = [action for action in items if action.status == status]
    return items


def action_get(*, pk: Any, today: date | None = None) -> Action:
    qs = Action.objects.select_related(*ACTION_RELATED, "plan__owner").prefetch_related(
        "milestones",
        Prefetch("updates", queryset=_history("updates")),
        Prefetch("escalations", queryset=_history("escalations")),
        "indicators",
        "mitigated_risks",
        "strategy_nodes",
        "evidence_documents__uploaded_by",
    )
    action = get_one(qs, pk, "action")
    decorate([action], today=today)
    return action


def _history(name: str) -> QuerySet:
    from ..models import ActionEscalation, ActionUpdate

    model = ActionUpdate if name == "updates" else ActionEscalation
    author = "author" if name == "updates" else "escalated_by"
    return model.objects.select_related(author)


def plan_list() -> QuerySet[ActionPlan]:
    # Explicit order: Meta.ordering is not applied to an aggregating query, and pages of an
    # unordered list may repeat or skip plans.
    return (
        ActionPlan.objects.select_related("owner", "strategy_node")
        .annotate(
            action_count=Count("actions"),
            open_count=Count("actions", filter=Q(actions__state=ActionState.OPEN)),
        )
        .order_by("code", "pk")
    )


def plan_get(*, pk: Any) -> ActionPlan:
    return get_one(ActionPlan.objects.select_related("owner", "strategy_node"), pk, "action plan")


def milestone_get(*, pk: Any) -> Milestone:
    return get_one(Milestone.objects.select_related("action__plan"), pk, "milestone")


def overdue_actions(*, today: date | None = None) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return Action.objects.filter(state=ActionState.OPEN, due_date__lt=today)


def actions_behind(*, today: date | None = None, limit: int | None = None) -> list[Action]:
    """Open actions in their delivery window whose progress is behind the straight line by
    more than the tolerance ("check progress"), furthest behind first.

    The rule runs over light (id, dates, progress) rows first; only the actions it picks are
    then loaded in full. Two queries, however many actions are open."""
    today = today or timezone.localdate()
    tolerance = PlanningSettings.load().action_tolerance_points
    candidates = Action.objects.filter(
        state=ActionState.OPEN, start_date__lte=today, due_date__gte=today, progress__lt=100
    ).values_list("pk", "code", "start_date", "due_date", "progress")
    behind = []
    for pk, code, start, due, progress in candidates:
        status = action_status(
            state=ActionState.OPEN,
            start_date=start,
            due_date=due,
            progress=progress,
            today=today,
            tolerance_points=tolerance,
        )
        if status == ActionStatus.CHECK_PROGRESS:
            gap = progress - expected_progress(start_date=start, due_date=due, today=today)
            behind.append((gap, code, pk))
    behind.sort()
    chosen = [pk for _, _, pk in (behind[:limit] if limit else behind)]
    by_pk = {
        action.pk: action
        for action in decorate(
            Action.objects.select_related(*ACTION_RELATED).filter(pk__in=chosen),
            today=today,
            tolerance=tolerance,
        )
    }
    return [by_pk[pk] for pk in chosen if pk in by_pk]
