"""What the partnership management pages share: sign-in, and refusals as HTTP answers.

A `NotFound` from a service or selector becomes a 404 page and a `PermissionDenied` a 403
page; other refusals are shown on the form by each view (`forms.show_domain_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from goldenthread.platform.core.errors import DomainError, NotFound, PermissionDenied

from .models import Partnership
from .selectors import partnership_get


def partnership_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from None

    return wrapper


def visible_partnership(request: HttpRequest, partnership_id: int) -> Partnership:
    """The partnership when the host's organisation is a member; otherwise it does not
    exist (404), whoever asks."""
    partnership = partnership_get(organisation=request.tenant, partnership_id=partnership_id)
    if partnership is None:
        raise NotFound("There is no such partnership.")
    return partnership


def deny_unless(allowed: bool, message: str) -> None:
    """Refuse before reading a form, so that a refused user gets 403 whatever they post."""
    if not allowed:
        raise PermissionDenied(message)


def reraise_refusal(error: DomainError) -> None:
    """Not found and not allowed are answers about the request, not about the form."""
    if isinstance(error, NotFound | PermissionDenied):
        raise error
