"""Create and edit pages for risk registers and risks, and the risk review page."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .. import permissions
from ..models import PlanningSettings, RiskRegister
from ..selectors.risks import register_get, risk_get
from ..services import risks as services
from .common import planning_page
from .editing import form_page, submit
from .forms import RiskForm, RiskRegisterEditForm, RiskRegisterForm, RiskReviewForm


@planning_page()
def register_create_page(request: HttpRequest) -> HttpResponse:
    permissions.require_create(request.user)
    form = RiskRegisterForm(request.POST or None)
    if request.method == "POST":
        register = submit(
            form, lambda data: services.risk_register_create(actor=request.user, **data)
        )
        if register is not None:
            messages.success(request, f"Register {register.name} created.")
            return redirect("planning:heat-map", pk=register.pk)
    return form_page(
        request,
        form,
        title="New risk register",
        submit_label="Create the register",
        back_url=reverse("planning:registers"),
    )


@planning_page()
def register_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    register = register_get(pk=pk)
    permissions.require_edit_register(request.user, register)
    initial = {
        "name": register.name,
        "kind": register.kind,
        "description": register.description,
        "owner": register.owner_id,
    }
    form = RiskRegisterEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: services.risk_register_update(
                actor=request.user, register=register, **data
            ),
        )
        if saved is not None:
            messages.success(request, f"Register {saved.name} saved.")
            return redirect("planning:heat-map", pk=register.pk)
    return form_page(
        request,
        form,
        title=f"Edit {register.name}",
        submit_label="Save changes",
        back_url=reverse("planning:heat-map", args=[register.pk]),
        caption="Risk register",
    )


def registers_open_to(user) -> QuerySet[RiskRegister]:
    """The registers this user may add risks to: all for creators, else the ones they own
    (`services.risks.risk_create` applies the same rule)."""
    qs = RiskRegister.objects.order_by("name")
    if permissions.is_read_only(user) or not permissions.is_active_member(user):
        return qs.none()
    if permissions.can_create(user):
        return qs
    return qs.filter(owner=user)


@planning_page()
def risk_create_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    registers = registers_open_to(user)
    if not registers.exists():
        permissions.require_create(user)
    matrix = PlanningSettings.load().matrix
    initial = {}
    raw_register = request.GET.get("register")
    if raw_register:
        initial["register"] = register_get(pk=raw_register).pk
    form = RiskForm(request.POST or None, initial=initial, matrix=matrix, registers=registers)
    if request.method == "POST":
        risk = submit(form, lambda data: services.risk_create(actor=user, **data))
        if risk is not None:
            messages.success(request, f"Risk {risk.code} added.")
            return redirect("planning:risk", pk=risk.pk)
    back = (
        reverse("planning:heat-map", args=[initial["register"]])
        if raw_register
        else reverse("planning:registers")
    )
    return form_page(
        request,
        form,
        title="New risk",
        submit_label="Add the risk",
        back_url=back,
        intro=f"Likelihood and impact are scored from 1 to {matrix.size}; the score is "
        "likelihood × impact.",
    )


RISK_DETAIL_FIELDS = (
    "code",
    "title",
    "description",
    "causes",
    "consequences",
    "inherent_likelihood",
    "inherent_impact",
    "target_likelihood",
    "target_impact",
    "controls",
    "review_date",
    "state",
)


@planning_page()
def risk_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    risk = risk_get(pk=pk)
    permissions.require_edit_risk(request.user, risk)
    matrix = PlanningSettings.load().matrix
    initial = {name: getattr(risk, name) for name in RISK_DETAIL_FIELDS}
    initial.update(
        owner=risk.owner_id,
        mitigating_actions=[action.pk for action in risk.mitigating],
        indicators=[pi.pk for pi in risk.indicators.all()],
    )
    form = RiskForm(request.POST or None, initial=initial, matrix=matrix, editing=True)

    def save(data: dict):
        links = {name: data.pop(name) for name in ("mitigating_actions", "indicators")}
        return services.risk_update(actor=request.user, risk=risk, **links, **data)

    if request.method == "POST" and submit(form, save) is not None:
        messages.success(request, f"Risk {risk.code} saved.")
        return redirect("planning:risk", pk=risk.pk)
    return form_page(
        request,
        form,
        title=f"Edit {risk.code}",
        submit_label="Save changes",
        back_url=reverse("planning:risk", args=[risk.pk]),
        caption=f"{risk.code} {risk.title}",
        intro=f"The current score ({risk.current_score}) changes only through a review, so "
        "that every change of rating has a date and a note.",
    )


@planning_page()
def risk_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a review: the current likelihood and impact, a note, the next review date."""
    risk = risk_get(pk=pk)
    permissions.require_edit_risk(request.user, risk)
    matrix = PlanningSettings.load().matrix
    initial = {
        "likelihood": risk.current_likelihood,
        "impact": risk.current_impact,
        "controls": risk.controls,
    }
    form = RiskReviewForm(request.POST or None, matrix=matrix, initial=initial)
    if request.method == "POST":
        review = submit(
            form, lambda data: services.risk_review(actor=request.user, risk=risk, **data)
        )
        if review is not None:
            messages.success(
                request, f"Review of {risk.code} recorded on {timezone.localdate():%d %B %Y}."
            )
            return redirect("planning:risk", pk=risk.pk)
    return form_page(
        request,
        form,
        title=f"Review {risk.code}",
        submit_label="Save review",
        back_url=reverse("planning:risk", args=[risk.pk]),
        caption=f"{risk.code} {risk.title}",
        template="planning/risk_review.html",
        risk=risk,
    )
