"""The page for a form sent with a missing or stale CSRF token (`CSRF_FAILURE_VIEW`), most
often because the session expired while someone was typing.

Django's default page is unstyled and loses what was typed. Ours is in the site layout, says
what happened in plain words, and shows the values sent back (escaped by the template) so they
can be copied into the form again. Passwords, one-time codes and the CSRF token itself are
never echoed. Nothing is saved: the request was refused.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

# Field names whose values are never shown back (compared in lower case, as substrings).
SECRET_NAME_PARTS = ("password", "csrf", "token", "secret", "otp", "recovery")


def _kept_values(request: HttpRequest) -> list[tuple[str, str]]:
    try:
        sent = request.POST
    except Exception:  # an unreadable body (too many fields, broken multipart): show nothing
        return []
    kept = []
    for name in sent:
        if any(part in name.lower() for part in SECRET_NAME_PARTS):
            continue
        for value in sent.getlist(name):
            if value.strip():
                kept.append((name.replace("_", " ").replace("-", " ").capitalize(), value))
    return kept


def _way_back(request: HttpRequest) -> str:
    """The page the form was on, when it is ours; otherwise the address it was sent to."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()


@never_cache
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "errors/csrf_failure.html",
        {"kept": _kept_values(request), "back_url": _way_back(request)},
        status=403,
    )
