"""What the partnership management pages share: sign-in, and refusals as HTTP answers.

A `NotFound` from a service or fetcher becomes a 404 page and a `PermissionDenied` a 403 page
at the organisation door (`core.door.organisation_page`, as every partnership page is
mounted); other refusals are shown on the form by each view (`core.pages.show_domain_error`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from goldenthread.platform.core.errors import DomainError, NotFound, PermissionDenied


def partnership_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users only (the door, where the pages are mounted, answers refusals)."""
    return login_required(view)


def reraise_refusal(error: DomainError) -> None:
    """Not found and not allowed are answers about the request, not about the form."""
    if isinstance(error, NotFound | PermissionDenied):
        raise error
