from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from .door import NO_ORGANISATION_HERE, PlatformApi, platform_page
from .health import check_health
from .responses import error_body


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


@csrf_exempt
@platform_page
def organisation_api_on_public_host(request: HttpRequest) -> JsonResponse:
    """Every `/api/…` path the public host does not serve: the organisation API lives on the
    organisation's host, so here it is a 404 in the API error body (never a 500 from a query
    against tables the public schema does not have). CSRF-exempt because it acts on nothing:
    a POST to an unknown API path is a 404 in JSON like a GET, not the HTML CSRF page."""
    return JsonResponse(error_body(NO_ORGANISATION_HERE, code="not_found"), status=404)


class ApiSchemaApi(PlatformApi, SpectacularAPIView):
    """The OpenAPI document. A platform endpoint: it describes the API and holds no data, so
    it is served on every host to anyone (drf-spectacular's own default)."""

    permission_classes = [AllowAny]


class ApiDocsApi(PlatformApi, SpectacularSwaggerSplitView):
    """The API reference page (Swagger UI over `ApiSchemaApi`): a platform endpoint like it,
    public like the schema it draws (it holds no data), and built only from files we serve:
    Swagger UI from drf-spectacular-sidecar, pinned by the lock, and its start-up script from
    this same view (`?script`), so the page needs no inline code and no CDN. Redoc was
    dropped: it adds its styles as <style> elements at run time, which the policy refuses.
    "Try it out" is off (`SWAGGER_UI_SETTINGS`): a reference, not a console."""

    permission_classes = [AllowAny]
    template_name = "core/api_docs.html"
