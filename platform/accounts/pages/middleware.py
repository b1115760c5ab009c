"""Ending sessions that have lived too long or sat idle (`domain.sessions`).

`SessionLifetimeMiddleware` runs after authentication, on every host, for requests carrying
a signed-in session (API-key requests have no session and are not its business):

* a session older than `SESSION_ABSOLUTE_LIFETIME_SECONDS` since its sign-in is ended;
* on an organisation's host, a session with no request for the organisation's idle timeout
  is ended;
* an ended session's page request is sent to sign in with a message saying why; an API
  request (or one asking for JSON) answers 401 in the API error body;
* otherwise the request counts as activity (written at most once a minute), except the
  warning's status poll, which marks itself passive so that an open tab does not keep its
  own session alive.

The idle timeout in seconds is left on `request.session_idle_seconds` for the warning.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

from goldenthread.platform.core.door import organisation_of
from goldenthread.platform.core.responses import error_body, wants_json

from ..domain.sessions import (
    ENDED_MESSAGE,
    activity_worth_writing,
    session_ended_by,
    session_times,
)
from ..services.session_lifetime import idle_seconds_for, session_stamp, session_touch

PASSIVE = "session_passive"


def _signed_in_by_session(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    return (
        session is not None
        and user is not None
        and user.is_authenticated
        and str(session.get(SESSION_KEY)) == str(user.pk)
    )


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _signed_in_by_session(request):
            return self.get_response(request)
        now = time.time()
        idle_seconds = idle_seconds_for(organisation=organisation_of(request))
        request.session_idle_seconds = idle_seconds
        times = session_times(request.session)
        if times is None:  # signed in before sessions had a clock: start it now
            session_stamp(session=request.session, now=now)
        else:
            reason = session_ended_by(
                times=times,
                now=now,
                idle_seconds=idle_seconds,
                absolute_seconds=settings.SESSION_ABSOLUTE_LIFETIME_SECONDS,
            )
            if reason is not None:
                return self._end(request, reason=reason, idle_seconds=idle_seconds)
        response = self.get_response(request)
        times = session_times(request.session)
        if (
            times is not None
            and not getattr(request, PASSIVE, False)
            and _signed_in_by_session(request)
            and activity_worth_writing(
                times=times,
                now=now,
                resolution_seconds=settings.SESSION_ACTIVITY_RESOLUTION_SECONDS,
            )
        ):
            session_touch(session=request.session, now=now)
        return response

    @staticmethod
    def _end(request: HttpRequest, *, reason: str, idle_seconds: int | None) -> HttpResponse:
        logout(request)
        message = ENDED_MESSAGE[reason].format(
            minutes=(idle_seconds or 0) // 60,
            hours=settings.SESSION_ABSOLUTE_LIFETIME_SECONDS // 3600,
        )
        if wants_json(request):
            return JsonResponse(error_body(message, code="session_ended"), status=401)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path())
