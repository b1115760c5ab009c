"""Time-limited access and the auditor's access log.

`AuditorAccessMiddleware` runs after Django's authentication middleware, on organisation hosts
only (the log lives in each organisation's schema):

* A session whose user can no longer sign in — access ended, or account deactivated — is
  ended there and then. The sign-in backend already refuses such users (so `request.user` is
  anonymous), but the session itself would otherwise live on and spring back to life if the
  end date were extended; an auditor whose access has ended is told so plainly (403).
* Every request an auditor makes (pages and API alike, whatever the outcome) is written to
  `AuditorAccessLog` after the response is produced, so refused requests are logged too.
"""

from __future__ import annotations

import logging

from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.door import organisation_of
from goldenthread.platform.core.responses import error_response

logger = logging.getLogger(__name__)


def _access_ended(request: HttpRequest, user: User) -> HttpResponse:
    logout(request)
    ended = timezone.localtime(user.access_expires_at)
    return error_response(
        request,
        status=403,
        message=f"Your access ended on {ended:%d %B %Y at %H:%M}. Ask the organisation's "
        "administrator if you need it extended.",
        template="planning/access_ended.html",
        code="access_ended",
    )


class AuditorAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if organisation_of(request) is None or not hasattr(request, "user"):
            return self.get_response(request)
        refused = self._refuse_ended_session(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        # DRF copies an API-key user onto the request, so API calls are logged as well.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and Role.AUDITOR in (user.roles or []):
            self._log(request, user, response.status_code)
        return response

    def _refuse_ended_session(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if user.is_authenticated:
            if user.access_has_expired:
                return _access_ended(request, user)
            return None
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return None
        # The session names a user the backend no longer accepts: end it.
        stale = User.objects.filter(pk=session[SESSION_KEY]).first()
        if stale is not None and stale.access_has_expired:
            return _access_ended(request, stale)
        logout(request)
        return None

    def _log(self, request: HttpRequest, user: User, status_code: int) -> None:
        from ..models import AuditorAccessLog

        try:
            AuditorAccessLog.objects.create(
                user=user,
                user_email=user.email,
                method=request.method[:10],
                path=request.path[:2000],
                query_string=request.META.get("QUERY_STRING", "")[:2000],
                status_code=status_code,
            )
        except Exception:  # the page was served; losing a log row must be visible, not fatal
            logger.exception("Could not record an auditor's access to %s", request.path)
