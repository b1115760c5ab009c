"""What every server-rendered page shares for refusals: one way to refuse a user and one way
to put a service's refusal on a form.

Refusals about the request itself (not found, not allowed) are HTTP answers: the organisation
door (`core.door.organisation_page`) turns a service's `NotFound` into the 404 page and its
`PermissionDenied` into the 403 page. Everything else a service refuses is shown on the form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied

from .errors import DomainError


def refuse_unless(allowed: bool, message: str) -> None:
    """The 403 page with `message` unless `allowed`. Call it before reading a form, so that a
    refused user gets 403 whatever they post. Django's PermissionDenied on purpose: no
    `except DomainError` around a form can turn the refusal into a form error."""
    if not allowed:
        raise PermissionDenied(message)


def show_domain_error(
    form: forms.Form, error: DomainError, field_map: dict[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: beside each (enabled) field it names — service
    terms are mapped to form field names by `field_map` — otherwise above the form."""
    fields = (error.extra or {}).get("fields")
    field_map = field_map or {}
    placed = False
    if isinstance(fields, dict):
        for name, messages in fields.items():
            target = field_map.get(name, name)
            if target in form.fields and not form.fields[target].disabled:
                for message in messages if isinstance(messages, list | tuple) else [messages]:
                    form.add_error(target, str(message))
                placed = True
    if not placed:
        form.add_error(None, error.message)
