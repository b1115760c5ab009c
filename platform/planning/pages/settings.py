"""The organisation's planning settings: strategy level names, the risk matrix, the action
tolerance and the managers' digest. Configurers only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import permissions
from ..domain.risk_matrix import DEFAULT_BANDS, DEFAULT_IMPACT_LABELS, DEFAULT_LIKELIHOOD_LABELS
from ..models import PlanningSettings
from ..services.configuration import planning_settings_update
from .common import planning_page
from .editing import form_page, submit
from .forms.settings import MAX_LEVELS, ActionDigestSettingsForm, RiskMatrixForm, StrategyLevelsForm


@planning_page()
def settings_page(request: HttpRequest) -> HttpResponse:
    permissions.require_configure(request.user)
    settings = PlanningSettings.load()
    return render(
        request, "planning/settings.html", {"settings": settings, "matrix": settings.matrix}
    )


def _saved(request: HttpRequest, what: str) -> HttpResponse:
    messages.success(request, f"{what} saved.")
    return redirect("planning:settings")


@planning_page()
def levels_page(request: HttpRequest) -> HttpResponse:
    permissions.require_configure(request.user)
    names = PlanningSettings.load().strategy_level_names
    initial = {f"level_{number}": name for number, name in enumerate(names, start=1)}
    form = StrategyLevelsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = submit(
            form,
            lambda data: planning_settings_update(
                actor=request.user, strategy_level_names=data["strategy_level_names"]
            ),
        )
        if saved is not None:
            return _saved(request, "Strategy level names")
    return form_page(
        request,
        form,
        title="Strategy level names",
        submit_label="Save level names",
        back_url=reverse("planning:settings"),
        intro=f"Name each level of your strategy, top first (up to {MAX_LEVELS}). Leave the "
        "boxes below your last level blank.",
    )


@planning_page()
def digest_page(request: HttpRequest) -> HttpResponse:
    permissions.require_configure(request.user)
    settings = PlanningSettings.load()
    initial = {
        "digest_enabled": settings.digest_enabled,
        "digest_interval_days": settings.digest_interval_days,
        "action_tolerance_points": settings.action_tolerance_points,
    }
    form = ActionDigestSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = submit(form, lambda data: planning_settings_update(actor=request.user, **data))
        if saved is not None:
            return _saved(request, "Action and digest settings")
    return form_page(
        request,
        form,
        title="Actions and the managers' digest",
        submit_label="Save settings",
        back_url=reverse("planning:settings"),
    )


def _matrix_update(actor, data: dict) -> PlanningSettings:
    size = data["size"]
    if data["use_defaults"]:
        return planning_settings_update(
            actor=actor,
            risk_matrix_size=size,
            likelihood_labels=list(DEFAULT_LIKELIHOOD_LABELS[size]),
            impact_labels=list(DEFAULT_IMPACT_LABELS[size]),
            risk_bands=[dict(band) for band in DEFAULT_BANDS[size]],
        )
    return planning_settings_update(
        actor=actor,
        risk_matrix_size=size,
        likelihood_labels=data["likelihood_labels"],
        impact_labels=data["impact_labels"],
        risk_bands=data["risk_bands"],
    )


@planning_page()
def risk_matrix_page(request: HttpRequest) -> HttpResponse:
    permissions.require_configure(request.user)
    settings = PlanningSettings.load()
    form = RiskMatrixForm(request.POST or None, initial=RiskMatrixForm.initial_from(settings))
    saved = request.method == "POST" and submit(
        form, lambda data: _matrix_update(request.user, data)
    )
    if saved:
        return _saved(request, "Risk matrix")
    return form_page(
        request,
        form,
        title="Risk matrix",
        submit_label="Save the risk matrix",
        back_url=reverse("planning:settings"),
        template="planning/risk_matrix_form.html",
        matrix=settings.matrix,
    )
