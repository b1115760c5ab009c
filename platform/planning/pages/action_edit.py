"""Create and edit pages for action plans, actions and milestones."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import permissions
from ..models import ActionPlan
from ..selectors.actions import action_get, milestone_get, plan_get
from ..services import actions as services
from .common import planning_page
from .editing import form_page, submit
from .forms import ActionForm, ActionPlanEditForm, ActionPlanForm, MilestoneEditForm, MilestoneForm


@planning_page()
def plan_create_page(request: HttpRequest) -> HttpResponse:
    permissions.require_create(request.user)
    form = ActionPlanForm(request.POST or None)
    if request.method == "POST":
        plan = submit(form, lambda data: services.action_plan_create(actor=request.user, **data))
        if plan is not None:
            messages.success(request, f"Action plan {plan.code} created.")
            return redirect("planning:plan", pk=plan.pk)
    return form_page(
        request,
        form,
        title="New action plan",
        submit_label="Create the plan",
        back_url=reverse("planning:plans"),
    )


@planning_page()
def plan_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(pk=pk)
    permissions.require_edit_plan(request.user, plan)
    initial = {
        "code": plan.code,
        "title": plan.title,
        "description": plan.description,
        "owner": plan.owner_id,
        "strategy_node": plan.strategy_node_id,
        "is_active": plan.is_active,
    }
    form = ActionPlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.action_plan_update(actor=request.user, plan=plan, **data),
        )
        if saved is not None:
            messages.success(request, f"Action plan {saved.code} saved.")
            return redirect("planning:plan", pk=plan.pk)
    return form_page(
        request,
        form,
        title=f"Edit {plan.code}",
        submit_label="Save changes",
        back_url=reverse("planning:plan", args=[plan.pk]),
        caption=f"{plan.code} {plan.title}",
    )


def plans_open_to(user) -> QuerySet[ActionPlan]:
    """The plans this user may add actions to: every active plan for creators, else the
    plans they own (`services.actions.action_create` applies the same rule)."""
    qs = ActionPlan.objects.filter(is_active=True).order_by("code")
    if permissions.can_create(user) and not permissions.is_read_only(user):
        return qs
    if permissions.is_read_only(user):
        return qs.none()
    return qs.filter(owner=user)


@planning_page()
def action_create_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    plans = plans_open_to(user)
    if not plans.exists():
        permissions.require_create(user)
    initial = {"start_date": timezone.localdate(), "monitoring_zone": 1, "priority": "medium"}
    raw_plan = request.GET.get("plan")
    if raw_plan:
        initial["plan"] = plan_get(pk=raw_plan).pk
    form = ActionForm(request.POST or None, initial=initial, plans=plans)
    if request.method == "POST":
        action = submit(form, lambda data: services.action_create(actor=user, **data))
        if action is not None:
            messages.success(request, f"Action {action.code} created.")
            return redirect("planning:action", pk=action.pk)
    back = reverse("planning:plan", args=[raw_plan]) if raw_plan else reverse("planning:actions")
    return form_page(
        request, form, title="New action", submit_label="Create the action", back_url=back
    )


@planning_page()
def action_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get(pk=pk)
    permissions.require_edit_action(request.user, action)
    initial = {
        name: getattr(action, name)
        for name in ("code", "title", "description", "start_date", "due_date", "source")
    }
    initial.update(
        priority=action.priority,
        assigned_to=action.assigned_to_id,
        managed_by=action.managed_by_id,
        lead_councillor=action.lead_councillor_id,
        indicators=[pi.pk for pi in action.indicators.all()],
    )
    form = ActionForm(request.POST or None, initial=initial, editing=True)

    def save(data: dict):
        indicators = data.pop("indicators")
        return services.action_update(
            actor=request.user, action=action, indicators=indicators, **data
        )

    if request.method == "POST" and submit(form, save) is not None:
        messages.success(request, f"Action {action.code} saved.")
        return redirect("planning:action", pk=action.pk)
    return form_page(
        request,
        form,
        title=f"Edit {action.code}",
        submit_label="Save changes",
        back_url=reverse("planning:action", args=[action.pk]),
        caption=f"{action.code} {action.title}",
        intro="Progress and state change through a status update on the action's page; the "
        f"monitoring zone ({action.get_monitoring_zone_display()}) changes by escalation.",
    )


@planning_page()
def milestones_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An action's milestones: add one, edit one, mark one complete or not."""
    action = action_get(pk=pk)
    permissions.require_edit_action(request.user, action)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST":
        milestone = submit(
            form,
            lambda data: services.milestone_add(actor=request.user, action=action, **data),
        )
        if milestone is not None:
            messages.success(request, f"Milestone '{milestone.title}' added.")
            return redirect("planning:milestones", pk=action.pk)
    return form_page(
        request,
        form,
        title=f"Milestones of {action.code}",
        submit_label="Add the milestone",
        back_url=reverse("planning:action", args=[action.pk]),
        caption=f"{action.code} {action.title}",
        template="planning/milestones.html",
        action=action,
    )


@planning_page()
def milestone_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_get(pk=pk)
    permissions.require_edit_action(request.user, milestone.action)
    initial = {
        "title": milestone.title,
        "due_date": milestone.due_date,
        "completed_on": milestone.completed_on,
    }
    form = MilestoneEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.milestone_update(actor=request.user, milestone=milestone, **data),
        )
        if saved is not None:
            messages.success(request, f"Milestone '{saved.title}' saved.")
            return redirect("planning:milestones", pk=milestone.action_id)
    return form_page(
        request,
        form,
        title="Edit milestone",
        submit_label="Save changes",
        back_url=reverse("planning:milestones", args=[milestone.action_id]),
        caption=f"{milestone.action.code} {milestone.action.title}",
    )


@require_POST
@planning_page()
def milestone_complete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a milestone complete today (`completed=yes`) or not complete (`completed=no`)."""
    milestone = milestone_get(pk=pk)
    done = request.POST.get("completed") == "yes"
    services.milestone_set_completed(
        actor=request.user,
        milestone=milestone,
        completed_on=timezone.localdate() if done else None,
    )
    state = "complete" if done else "not complete"
    messages.success(request, f"Milestone '{milestone.title}' marked {state}.")
    return redirect("planning:milestones", pk=milestone.action_id)
