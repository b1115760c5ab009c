"""What every reporting page shares: sign-in, the read check, and domain errors as pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.platform.core.errors import DomainError

from .. import permissions


def reporting_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, an active member (`permissions.require_read`), and a DomainError shown as a
    page with its status: 404 for another organisation's definition, 403 for a refused role."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            permissions.require_read(request.user)
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(
                request,
                "reporting/error.html",
                {"message": error.message, "status": error.status_code},
                status=error.status_code,
            )

    return wrapper
