"""What the support pages share."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def host_base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ) and target.startswith("/"):
        return target
    return fallback
