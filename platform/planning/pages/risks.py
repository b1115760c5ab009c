from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.platform.core.exporting import download_query, export_response, requested_export

from .. import permissions
from ..models import PlanningSettings
from ..selectors.exports import risk_sheet
from ..selectors.risks import (
    heat_map,
    register_get,
    register_list,
    risk_get,
    risk_list,
    risks_review_overdue,
)
from .common import planning_page
from .editing import planning_flags
from .forms import EvidenceForm, RiskReviewForm

FILTERS = ("register", "owner", "likelihood", "impact", "band", "review_overdue", "q", "state")


@planning_page()
def register_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "planning/register_list.html",
        {"registers": register_list(), "heat_map": heat_map(), **planning_flags(request.user)},
    )


@planning_page()
def heat_map_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A register's heat map: a table-based grid with words and counts in every cell, and the
    same facts as plain text tables below it."""
    register = register_get(pk=pk)
    return render(
        request,
        "planning/heat_map.html",
        {
            "register": register,
            "heat_map": heat_map(register=register),
            "can_edit_register": permissions.can_edit_register(request.user, register),
            **planning_flags(request.user),
        },
    )


@planning_page()
def risk_list_page(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    download = requested_export(request)
    if download:
        sheet = risk_sheet(risks=risk_list(filters=filters))
        return export_response(fmt=download, stem="risks", sheet=sheet)
    return render(
        request,
        "planning/risk_list.html",
        {
            "risks": risk_list(filters=filters),
            "filters": filters,
            "download_query": download_query(request),
            **planning_flags(request.user),
        },
    )


@planning_page()
def review_overdue_page(request: HttpRequest) -> HttpResponse:
    return render(request, "planning/review_overdue.html", {"risks": risks_review_overdue()})


def _risk_context(request: HttpRequest, risk) -> dict:
    matrix = PlanningSettings.load().matrix
    return {
        "risk": risk,
        "can_edit": permissions.can_edit_risk(request.user, risk),
        "can_see_records": permissions.can_view_records(request.user),
        "review_form": RiskReviewForm(
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
