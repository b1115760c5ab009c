"""Signed-in sessions: their clock (sign-in time and last activity, kept in the session
itself), the organisation's idle timeout, and "sign out everywhere".

The clock is stamped at every sign-in, whichever door signed the person in (password, MFA,
SSO: all end in `django.contrib.auth.login`, which sends `user_logged_in`), so the sign-in
views need not know about it. `pages.middleware.SessionLifetimeMiddleware` reads it on each
request and ends sessions by the rules of `domain.sessions`.
"""

from __future__ import annotations

import time

from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.throttling import client_address

from ..domain.choices import OrganisationSetting, UserAuditAction
from ..domain.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from ..models import AuthenticationEventKind, SessionSettings, User
from ..permissions import require_administer_users
from .authentication_events import authentication_event_record
from .organisation_settings import setting_change_record
from .sessions import user_sessions_end
from .users import user_audit_record


def session_stamp(*, session: SessionBase, now: float | None = None) -> None:
    """Start the clock: signed in, and active, now."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now


def session_touch(*, session: SessionBase, now: float | None = None) -> None:
    """Record activity (saved with the session at the end of the request)."""
    session[LAST_SEEN_AT] = time.time() if now is None else now


@receiver(user_logged_in, dispatch_uid="accounts.sessions.stamp")
def _stamp_at_sign_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_stamp(session=request.session)


def session_settings_get() -> SessionSettings:
    return SessionSettings.load()


def idle_seconds_for(*, organisation) -> int | None:
    """The idle timeout on this host: the organisation's setting; none on the public host."""
    if organisation is None:
        return None
    return SessionSettings.load().idle_timeout_minutes * 60


@transaction.atomic
def session_settings_update(*, actor: User, idle_timeout_minutes: int) -> SessionSettings:
    """Change the organisation's idle timeout (administrators only; audited old → new when it
    changes). Sessions already open follow the new timeout from their next request."""
    require_administer_users(actor)
    settings, _ = SessionSettings.objects.select_for_update().get_or_create(
        id=SessionSettings.SINGLETON_ID
    )
    old = settings.idle_timeout_minutes
    settings.idle_timeout_minutes = idle_timeout_minutes
    try:
        settings.full_clean()
    except ValidationError as error:
        messages = error.message_dict.get("idle_timeout_minutes", error.messages)
        raise DomainError(
            messages[0], extra={"fields": {"idle_timeout_minutes": messages}}
        ) from None
    if old == idle_timeout_minutes:
        return settings
    settings.save()
    setting_change_record(
        actor=actor, setting=OrganisationSetting.IDLE_TIMEOUT, old=old, new=idle_timeout_minutes
    )
    return settings


def sign_out_everywhere(*, request: HttpRequest) -> int:
    """The signed-in person ends all their sessions in this organisation, this one included.
    Recorded in their sign-in history. Returns how many sessions ended."""
    user = request.user
    ended = user_sessions_end(user=user)
    authentication_event_record(
        kind=AuthenticationEventKind.SIGNED_OUT_EVERYWHERE,
        email=user.email,
        address=client_address(request),
        user=user,
        detail={"sessions_ended": ended},
    )
    logout(request)  # this session's row is gone already; this clears the request too
    return ended


@transaction.atomic
def user_sign_out_everywhere(*, actor: User, user: User) -> int:
    """An administrator ends all of `user`'s sessions (audited). API keys are not touched:
    revoking those is a separate, deliberate act. Returns how many sessions ended."""
    require_administer_users(actor)
    ended = user_sessions_end(user=user)
    user_audit_record(
        actor=actor,
        action=UserAuditAction.SIGNED_OUT_EVERYWHERE,
        user=user,
        new={"sessions_ended": ended},
    )
    return ended
