from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .health import check_health


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the broker, each with its own verdict; 503 if either fails.

    Needs no sign-in and answers on every organisation's host (suspended ones too, see
    `OrganisationMiddleware`) and on the public host, so a load balancer can probe any of them.
    """
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/public_home.html")
