"""Session pages: sign out everywhere, and the idle warning's status and keep-alive
(`static/accounts/session-timeout.js`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from goldenthread.platform.core.responses import error_body

from ..selectors.sessions import session_status
from ..services.session_lifetime import session_touch, sign_out_everywhere


@login_required
@require_POST
def sign_out_everywhere_page(request: HttpRequest) -> HttpResponse:
    """End every session of the signed-in person in this organisation, this one included."""
    ended = sign_out_everywhere(request=request)
    messages.success(
        request,
        f"You are signed out everywhere ({ended} session{'s' if ended != 1 else ''} ended). "
        "Sign in again to carry on.",
    )
    return redirect("accounts:sign-in")


def _not_signed_in() -> JsonResponse:
    return JsonResponse(error_body("You are not signed in.", code="not_authenticated"), status=401)


@require_GET
def session_status_view(request: HttpRequest) -> HttpResponse:
    """For the idle warning: how long this session has left. Asking is not activity (the
    middleware does not count it), so an open tab does not keep itself signed in."""
    request.session_passive = True
    if not request.user.is_authenticated:
        return _not_signed_in()
    return JsonResponse(session_status(request=request))


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """The warning's "Stay signed in": counts as activity now."""
    if not request.user.is_authenticated:
        return _not_signed_in()
    session_touch(session=request.session)
    return JsonResponse(session_status(request=request))
