from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goldenthread.platform.core.exporting import download_query, export_response, requested_export

from .. import permissions
from ..domain.action_status import ACTION_STATUS_PRESENTATION
from ..domain.choices import ActionSource, MonitoringZone
from ..errors import DomainError
from ..selectors.actions import action_get, action_list, plan_get, plan_list
from ..selectors.exports import action_sheet
from ..services.actions import action_escalate, action_record_update
from .common import planning_page
from .editing import planning_flags
from .forms import ActionUpdateForm, EscalateForm, EvidenceForm

FILTERS = ("plan", "assigned_to", "managed_by", "status", "source", "zone", "q")


@planning_page()
def plan_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "planning/plan_list.html",
        {"plans": plan_list(), **planning_flags(request.user)},
    )


@planning_page()
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(pk=pk)
    actions = action_list(filters={"plan": plan.pk})
    can_edit = permissions.can_edit_plan(request.user, plan)
    return render(
        request,
        "planning/plan.html",
        {
            "plan": plan,
            "actions": actions,
            "can_edit_plan": can_edit,
            "can_add_action": can_edit or planning_flags(request.user)["can_create"],
        },
    )


@planning_page()
def action_list_page(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    download = requested_export(request)
    if download:
        sheet = action_sheet(actions=action_list(filters=filters))
        return export_response(fmt=download, stem="actions", sheet=sheet)
    return render(
        request,
        "planning/action_list.html",
        {
            "actions": action_list(filters=filters),
            "filters": filters,
            "statuses": [(s.value, p.label) for s, p in ACTION_STATUS_PRESENTATION.items()],
            "sources": ActionSource.choices,
            "zones": MonitoringZone.choices,
            **planning_flags(request.user),
            "download_query": download_query(request),
        },
    )


def _action_context(request: HttpRequest, action, **forms) -> dict:
    can_edit = permissions.can_edit_action(request.user, action)
    higher = [(v, label) for v, label in MonitoringZone.choices if v > action.monitoring_zone]
    update_form = forms.get("update_form") or ActionUpdateForm(
        initial={"progress": action.progress, "state": action.state}
    )
    escalate_form = forms.get("escalate_form") or EscalateForm()
    escalate_form.fields["to_zone"].choices = higher
    return {
        "action": action,
        "can_edit": can_edit,
        "can_see_records": permissions.can_view_records(request.user),
        "update_form": update_form,
        "escalate_form": escalate_form,
        "can_escalate": can_edit and bool(higher),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
    }


@planning_page()
def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get(pk=pk)
    return render(request, "planning/action.html", _action_context(request, action))


@require_POST
@planning_page()
def action_update_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get(pk=pk)
    permissions.require_edit_action(request.user, action)
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            action_record_update(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as error:
            if error.status_code != 400:
                raise
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Update recorded for {action.code}.")
            return redirect("planning:action", pk=action.pk)
    context = _action_context(request, action, update_form=form)
    return render(request, "planning/action.html", context, status=400)


@require_POST
@planning_page()
def action_escalate_page(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get(pk=pk)
    permissions.require_edit_action(request.user, action)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            escalation = action_escalate(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as error:
            if error.status_code != 400:
                raise
            form.add_error(None, error.message)
        else:
            zone = escalation.get_to_zone_display()
            messages.success(request, f"{action.code} escalated to {zone}.")
            return redirect("planning:action", pk=action.pk)
    context = _action_context(request, action, escalate_form=form)
    return render(request, "planning/action.html", context, status=400)
