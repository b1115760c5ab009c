from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import permissions
from ..errors import DomainError
from ..forms import EvidenceForm, RiskReviewForm
from ..models import PlanningSettings
from ..selectors.risks import (
    heat_map,
    register_get,
    register_list,
    risk_get,
    risk_list,
    risks_review_overdue,
)
from ..services.risks import risk_review
from .common import planning_page

FILTERS = ("register", "owner", "likelihood", "impact", "band", "review_overdue", "q", "state")


@planning_page()
def register_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "planning/register_list.html",
        {"registers": register_list(), "heat_map": heat_map()},
    )


@planning_page()
def heat_map_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A register's heat map: a table-based grid with words and counts in every cell, and the
    same facts as plain text tables below it."""
    register = register_get(pk=pk)
    return render(
        request,
        "planning/heat_map.html",
        {"register": register, "heat_map": heat_map(register=register)},
    )


@planning_page()
def risk_list_page(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    return render(
        request,
        "planning/risk_list.html",
        {"risks": risk_list(filters=filters), "filters": filters},
    )


@planning_page()
def review_overdue_page(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/review_overdue.html", {"risks": risks_review_overdue()})


def _risk_context(request: HttpRequest, risk, *, review_form=None) -> dict:
    matrix = PlanningSettings.load().matrix
    return {
        "risk": risk,
        "can_edit": permissions.can_edit_risk(request.user, risk),
        "can_see_records": permissions.can_view_records(request.user),
        "review_form": review_form
        or RiskReviewForm(
            matrix=matrix,
            initial={
                "likelihood": risk.current_likelihood,
                "impact": risk.current_impact,
                "controls": risk.controls,
            },
        ),
        "evidence_form": EvidenceForm(),
        "matrix": matrix,
    }


@planning_page()
def risk_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "planning/risk.html", _risk_context(request, risk_get(pk=pk)))


@require_POST
@planning_page()
def risk_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    risk = risk_get(pk=pk)
    permissions.require_edit_risk(request.user, risk)
    form = RiskReviewForm(request.POST, matrix=PlanningSettings.load().matrix)
    if form.is_valid():
        try:
            risk_review(actor=request.user, risk=risk, **form.cleaned_data)
        except DomainError as error:
            if error.status_code != 400:
                raise
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"Review of {risk.code} recorded on {timezone.localdate():%d %B %Y}."
            )
            return redirect("planning:risk", pk=risk.pk)
    return render(
        request, "planning/risk.html", _risk_context(request, risk, review_form=form), status=400
    )
