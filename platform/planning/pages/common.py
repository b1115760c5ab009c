"""What every planning page shares: sign-in, the role check, and domain errors as pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import permissions
from ..errors import DomainError


def error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(
        request,
        "planning/error.html",
        {"message": error.message, "status": error.status_code},
        status=error.status_code,
    )


def planning_page(*, records: bool = False) -> Callable:
    """Decorate a page view: signed in, allowed to see reports (or, with `records=True`,
    the record pages councillors do not get), and any DomainError shown as a page with its
    status (404 for another organisation's id, 403 for a refused role)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if records:
                    permissions.require_records(request.user)
                else:
                    permissions.require_reports(request.user)
                return view(request, *args, **kwargs)
            except DomainError as error:
                return error_page(request, error)

        return wrapper

    return decorate
