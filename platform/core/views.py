from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .health import check_health


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database and the broker, each with its own verdict."""
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/public_home.html")


@login_required
def organisation_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/organisation_home.html")
