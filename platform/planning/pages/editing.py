"""What the create and edit pages share: running a service on a valid form, turning the
refusals a user can fix into form errors, and the permission flags the pages show links by."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import permissions
from ..errors import DomainError

FORM_TEMPLATE = "planning/form_page.html"


def submit(
    form: forms.Form, call: Callable[[dict[str, Any]], Any], *, field: str | None = None
) -> Any | None:
    """`call(cleaned_data)` when the form is valid, returning what it returns; None when the
    form or the service found a problem, which is then on the form.

    A refusal naming no field of the form goes on `field` (else on the form as a whole).
    Only a bad request (400) becomes a form error: a refusal (403) or a missing item (404)
    propagates to `planning_page`, which shows the error page with that status."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except DomainError as error:
        if error.status_code != 400:
            raise
        fields = error.extra.get("fields") if isinstance(error.extra, dict) else None
        placed = False
        for name, messages in (fields or {}).items():
            if name in form.fields:
                for message in messages:
                    form.add_error(name, message)
                placed = True
        if not placed:
            form.add_error(field, error.message)
        return None


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit_label: str,
    back_url: str,
    template: str = FORM_TEMPLATE,
    **context: Any,
) -> HttpResponse:
    """Render a form page; 400 when it is shown again with problems."""
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        template,
        {
            "form": form,
            "page_title": title,
            "submit_label": submit_label,
            "back_url": back_url,
            **context,
        },
        status=status,
    )


def planning_flags(user) -> dict[str, bool]:
    """Which "New …" and settings links a page may offer this user (the services decide
    again when the form is sent)."""
    return {
        "can_create": permissions.can_create(user) and not permissions.is_read_only(user),
        "can_configure": permissions.can_configure(user),
    }
