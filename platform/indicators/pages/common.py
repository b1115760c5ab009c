"""What the performance pages share: finding objects and the way back after a form.

Refusing a user and showing a service's refusal on a form are `core.pages` (every app's pages
share them)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from goldenthread.platform.core.errors import NotFound

from ..models import Indicator, IndicatorValue
from ..selectors.indicators import indicator_get, value_get


def indicator_or_404(pk: Any) -> Indicator:
    """A PI of the organisation on this host; another organisation's id is simply not found."""
    try:
        return indicator_get(pk=pk)
    except NotFound as missing:
        raise Http404(missing.message) from None


def value_or_404(pk: Any) -> IndicatorValue:
    try:
        return value_get(pk=pk)
    except NotFound as missing:
        raise Http404(missing.message) from None


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after a form: a `next` on this host, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
