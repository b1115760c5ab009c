"""The "my items" home page: what I own, what I must update and by when, what is overdue."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.selectors.approvals import approvals_waiting_count
from goldenthread.platform.indicators.selectors.owed import owed_by

from ..domain.action_status import ActionStatus
from ..domain.choices import ActionState, RiskState
from ..models import Action, ActionPlan, Milestone, PlanningSettings, Risk, StrategyNode
from .actions import ACTION_RELATED, decorate
from .indicators import indicators_with_status, status_presentation
from .risks import decorate_risks

LIST_LIMIT = 50
SOON_DAYS = 14


@dataclass
class MyItems:
    actions: list = field(default_factory=list)
    managed_attention: list = field(default_factory=list)
    councillor_actions: list = field(default_factory=list)
    risks: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    nodes: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    late_values: list = field(default_factory=list)
    values_due_soon: list = field(default_factory=list)
    values_sent_back: list = field(default_factory=list)
    value_drafts: list = field(default_factory=list)
    # Submitted values this person may approve or send back (verifiers, the team).
    approvals_waiting: int = 0

    @property
    def overdue_actions(self) -> list:
        return [a for a in self.actions if a.status == ActionStatus.OVERDUE]

    @property
    def overdue_reviews(self) -> list:
        return [r for r in self.risks if r.review_overdue]

    @property
    def overdue_count(self) -> int:
        late_sent_back = [due for due in self.values_sent_back if due.days_late]
        return (
            len(self.overdue_actions)
            + len(self.overdue_reviews)
            + len(self.late_values)
            + len(late_sent_back)
        )

    @property
    def to_update(self) -> list[dict]:
        """Everything I must update, soonest first: my actions' next milestone or due date,
        my risks' review dates, and PI values I provide: sent back, missing or due, and
        drafts to submit."""
        items = []
        for action in self.actions:
            milestone = action.open_milestones[0] if action.open_milestones else None
            when = milestone.due_date if milestone else action.due_date
            what = f"Milestone: {milestone.title}" if milestone else "Action due"
            items.append({"kind": "action", "item": action, "when": when, "what": what})
        for risk in self.risks:
            items.append({"kind": "risk", "item": risk, "when": risk.review_date, "what": "Review"})
        for due in self.values_sent_back:
            items.append(
                {
                    "kind": "value",
                    "item": due.indicator,
                    "due": due,
                    "when": due.due_date,
                    "what": f"Sent back: value for {due.period.code}",
                    "reason": due.value.returned_reason,
                }
            )
        for due in [*self.late_values, *self.values_due_soon]:
            what = f"Value for {due.period.code}"
            if due.value is not None:
                what += " (draft saved, not submitted)"
            elif due.days_late:
                what += " (missing)"
            items.append(
                {
                    "kind": "value",
                    "item": due.indicator,
                    "due": due,
                    "when": due.due_date,
                    "what": what,
                }
            )
        for due in self.value_drafts:
            items.append(
                {
                    "kind": "value",
                    "item": due.indicator,
                    "due": due,
                    "when": due.due_date,
                    "what": f"Draft to submit: value for {due.period.code}",
                }
            )
        return sorted(items, key=lambda entry: entry["when"])


def my_items(
    *, user: User, today: date | None = None, parts: Collection[str] | None = None
) -> MyItems:
    """The signed-in user's items; a fixed number of queries however much they own.
    `parts` (`home_parts`: actions, risks, strategy, indicators, values, approvals)
    limits them to what the organisation's modules allow; what is left out is not queried.
    None: every part."""
    today = today or timezone.localdate()

    def wanted(part: str) -> bool:
        return parts is None or part in parts

    items = MyItems()
    settings = PlanningSettings.load() if wanted("actions") or wanted("risks") else None
    if wanted("actions"):
        _add_actions(items, user=user, today=today, tolerance=settings.action_tolerance_points)
    if wanted("risks"):
        items.risks = decorate_risks(
            Risk.objects.select_related("register", "owner")
            .filter(owner=user, state=RiskState.OPEN)
            .order_by("review_date", "code")[:LIST_LIMIT],
            matrix=settings.matrix,
            today=today,
        )
    if wanted("indicators"):
        items.indicators = list(
            indicators_with_status()
            .filter(Q(owner=user) | Q(data_providers=user), is_active=True)
            .distinct()
            .order_by("code")[:LIST_LIMIT]
        )
        for indicator in items.indicators:
            indicator.status_presentation = status_presentation(indicator.latest_status)
    if wanted("values"):
        owed = owed_by(user=user, today=today, within_days=SOON_DAYS)
        items.late_values = owed.late[:LIST_LIMIT]
        items.values_due_soon = owed.due_soon[:LIST_LIMIT]
        items.values_sent_back = owed.sent_back[:LIST_LIMIT]
        items.value_drafts = owed.drafts[:LIST_LIMIT]
    if wanted("strategy"):
        items.nodes = list(
            StrategyNode.objects.filter(owner=user).order_by("level", "code")[:LIST_LIMIT]
        )
        items.plans = list(ActionPlan.objects.filter(owner=user, is_active=True)[:LIST_LIMIT])
    if wanted("approvals"):
        items.approvals_waiting = approvals_waiting_count(user=user)
    return items


def _add_actions(items: MyItems, *, user: User, today: date, tolerance) -> None:
    """My open actions, my team's that need attention, and those I lead as councillor."""
    open_milestones = Prefetch(
        "milestones",
        queryset=Milestone.objects.filter(completed_on__isnull=True).order_by("due_date"),
        to_attr="open_milestones",
    )
    items.actions = decorate(
        Action.objects.select_related(*ACTION_RELATED)
        .prefetch_related(open_milestones)
        .filter(assigned_to=user, state=ActionState.OPEN)
        .order_by("due_date", "code")[:LIST_LIMIT],
        today=today,
        tolerance=tolerance,
    )
    # For managers: the open actions of the people they manage that are overdue or behind.
    managed = decorate(
        Action.objects.select_related(*ACTION_RELATED)
        .filter(managed_by=user, state=ActionState.OPEN, start_date__lte=today)
        .exclude(assigned_to=user)
        .order_by("due_date", "code")[: LIST_LIMIT * 4],
        today=today,
        tolerance=tolerance,
    )
    items.managed_attention = [
        a for a in managed if a.status in (ActionStatus.OVERDUE, ActionStatus.CHECK_PROGRESS)
    ][:LIST_LIMIT]
    if user.has_role("councillor"):
        items.councillor_actions = decorate(
            Action.objects.select_related(*ACTION_RELATED)
            .filter(lead_councillor=user)
            .exclude(state=ActionState.CANCELLED)
            .order_by("due_date", "code")[:LIST_LIMIT],
            today=today,
            tolerance=tolerance,
        )
