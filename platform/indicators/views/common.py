"""What the performance pages share: finding objects, refusing users, showing domain errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from goldenthread.platform.core.errors import DomainError, NotFound

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


def refuse_unless(allowed: bool, message: str) -> None:
    """Raise a 403 with `message` unless `allowed` (signed-in users only reach this)."""
    if not allowed:
        raise PermissionDenied(message)


def add_domain_error(
    form: forms.Form, error: DomainError, *, field_map: dict[str, str] | None = None
) -> None:
    """Show a refused request on the form: field by field when the service named the fields
    (a model validation error), otherwise above the form."""
    fields = error.extra.get("fields")
    field_map = field_map or {}
    placed = False
    if isinstance(fields, dict):
        for name, messages in fields.items():
            target = field_map.get(name, name)
            if target in form.fields and not form.fields[target].disabled:
                for message in messages if isinstance(messages, list) else [messages]:
                    form.add_error(target, message)
                placed = True
    if not placed:
        form.add_error(None, error.message)


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
