"""Create and edit pages for the strategy tree: nodes and what is linked to them."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from ..errors import DomainError
from ..models import PlanningSettings, StrategyNode
from ..selectors.actions import action_get
from ..selectors.common import indicator_get
from ..selectors.risks import risk_get
from ..selectors.strategy import node_links, strategy_node_get
from ..services import strategy as services
from .common import planning_page
from .editing import form_page, submit
from .forms import ActionLinkForm, IndicatorLinkForm, RiskLinkForm, StrategyNodeForm


def _parents(user, *, exclude: StrategyNode | None = None) -> QuerySet[StrategyNode]:
    """Where this user may place a node: anywhere for configurers, else under their own."""
    qs = StrategyNode.objects.order_by("level", "position", "code")
    if not permissions.can_configure(user):
        qs = qs.filter(owner=user)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


@planning_page()
def node_create_page(request: HttpRequest) -> HttpResponse:
    """A new top-level item (configurers), or an item beneath one the user owns."""
    user = request.user
    raw_parent = request.GET.get("parent")
    parent = strategy_node_get(pk=raw_parent) if raw_parent else None
    configurer = permissions.can_configure(user)
    parents = _parents(user)
    if parent is not None and not configurer:
        permissions.require_edit_node(user, parent)
    elif not configurer and (permissions.is_read_only(user) or not parents.exists()):
        permissions.require_configure(user)
    names = PlanningSettings.load().strategy_level_names
    initial = {"level": 1, "position": 0}
    if parent is not None:
        initial.update(parent=parent.pk, level=min(parent.level + 1, len(names)))
    form = StrategyNodeForm(
        request.POST or None, initial=initial, level_names=names, parents=parents
    )
    if not configurer:
        # Only configurers add top-level items; others add beneath items they own.
        form.fields["parent"].required = True
        form.fields["parent"].empty_label = "Choose the item it is part of"
        form.fields["parent"].error_messages["required"] = "Choose the item it is part of."
    if request.method == "POST":
        node = submit(form, lambda data: services.strategy_node_create(actor=user, **data))
        if node is not None:
            messages.success(request, f"{node.code} added to the strategy.")
            return redirect("planning:node", pk=node.pk)
    back = reverse("planning:node", args=[parent.pk]) if parent else reverse("planning:strategy")
    return form_page(
        request,
        form,
        title="Add to the strategy",
        submit_label="Add to the strategy",
        back_url=back,
        caption=f"Beneath {parent.code} {parent.title}" if parent else "Strategy",
    )


@planning_page()
def node_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    node = strategy_node_get(pk=pk)
    user = request.user
    permissions.require_edit_node(user, node)
    names = PlanningSettings.load().strategy_level_names
    initial = {
        "level": node.level,
        "parent": node.parent_id,
        "code": node.code,
        "title": node.title,
        "description": node.description,
        "owner": node.owner_id,
        "position": node.position,
    }
    form = StrategyNodeForm(
        request.POST or None,
        initial=initial,
        level_names=names,
        parents=_parents(user, exclude=node),
    )
    if not permissions.can_configure(user):
        # Moving a branch is for configurers; the owner sees where it sits but cannot move it.
        form.fields["parent"].disabled = True
        form.fields["parent"].queryset = StrategyNode.objects.filter(pk=node.parent_id)
        form.fields["parent"].help_text = "Only a performance officer can move an item."
    if request.method == "POST":
        saved = submit(
            form, lambda data: services.strategy_node_update(actor=user, node=node, **data)
        )
        if saved is not None:
            messages.success(request, f"{saved.code} saved.")
            return redirect("planning:node", pk=node.pk)
    return form_page(
        request,
        form,
        title=f"Edit {node.code}",
        submit_label="Save changes",
        back_url=reverse("planning:node", args=[node.pk]),
        caption=f"{node.code} {node.title}",
        template="planning/node_form.html",
        node=node,
        can_delete=permissions.can_configure(user),
    )


@require_POST
@planning_page()
def node_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    node = strategy_node_get(pk=pk)
    try:
        services.strategy_node_delete(actor=request.user, node=node)
    except DomainError as error:
        if error.status_code not in (400, 409):
            raise
        messages.error(request, error.message)
        return redirect("planning:node-edit", pk=node.pk)
    messages.success(request, f"{node.code} deleted.")
    return redirect("planning:strategy")


LINK_FORMS = {"indicator": IndicatorLinkForm, "action": ActionLinkForm, "risk": RiskLinkForm}


def _link(user, node: StrategyNode, kind: str, data: dict) -> str:
    """Link the chosen item; returns its code for the confirmation."""
    if kind == "indicator":
        services.strategy_link_indicator(
            actor=user, node=node, indicator=data["indicator"], weight=data["weight"]
        )
    else:
        services.strategy_link(actor=user, node=node, **{kind: data[kind]})
    return data[kind].code


@planning_page()
def node_links_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Link PIs (with weights), actions and risks to a node, or unlink them."""
    node = strategy_node_get(pk=pk)
    permissions.require_edit_node(request.user, node)
    kind = request.POST.get("link") if request.method == "POST" else None
    forms = {
        name: form_class(request.POST if name == kind else None, prefix=name)
        for name, form_class in LINK_FORMS.items()
    }
    if kind in forms:
        linked = submit(forms[kind], lambda data: _link(request.user, node, kind, data))
        if linked:
            messages.success(request, f"{linked} linked to {node.code}.")
            return redirect("planning:node-links", pk=node.pk)
    status = 400 if kind in forms else 200
    return render(
        request,
        "planning/node_links.html",
        {"node": node, "forms": forms, "failed": kind, **node_links(node)},
        status=status,
    )


UNLINK_GETTERS = {"indicator": indicator_get, "action": action_get, "risk": risk_get}


@require_POST
@planning_page()
def node_unlink_page(request: HttpRequest, pk: int) -> HttpResponse:
    node = strategy_node_get(pk=pk)
    kind = request.POST.get("kind", "")
    if kind not in UNLINK_GETTERS:
        raise DomainError("Say what to unlink: a PI, an action or a risk.")
    item = UNLINK_GETTERS[kind](pk=request.POST.get("id"))
    services.strategy_unlink(actor=request.user, node=node, **{kind: item})
    messages.success(request, f"{item.code} unlinked from {node.code}.")
    return redirect("planning:node-links", pk=node.pk)
