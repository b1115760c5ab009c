"""Error responses in the two shapes the platform speaks: an HTML page or the API error body."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string


def error_body(message: str, *, code: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error body every API answers with: `{"message", "code", "extra"}`."""
    return {"message": message, "code": code, "extra": extra or {}}


def wants_json(request: HttpRequest) -> bool:
    if request.path.startswith(("/api/", "/graphql")):
        return True
    return "application/json" in request.headers.get("Accept", "")


def error_response(
    request: HttpRequest,
    *,
    status: int,
    message: str,
    template: str,
    code: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error_body(message, code=code), status=status)
    html = render_to_string(template, {"message": message, **(context or {})}, request=None)
    return HttpResponse(html, status=status)
