"""Reads about sessions and sign-ins: the sign-in history in words, and what the idle
warning needs to know."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime

from ..domain.choices import SsoRefusal
from ..domain.sessions import seconds_left, session_times
from ..models import AuthenticationEvent, AuthenticationEventKind, User

HISTORY_LIMIT = 50

_DOOR = {"sign_in": "password", "mfa": "second step (MFA)", "password_reset": "password reset"}


@dataclass(frozen=True)
class SignInRow:
    at: datetime
    email: str
    what: str
    address: str
    succeeded: bool


def _until(detail: dict) -> str:
    moment = parse_datetime(detail.get("until") or "")
    if moment is None:
        return ""
    return " until " + formats.date_format(timezone.localtime(moment), "j M Y, H:i")


def describe(event: AuthenticationEvent) -> str:
    """One event in words a person reads, not codes."""
    detail = event.detail or {}
    door = _DOOR.get(detail.get("door", ""), "")
    kind = event.kind
    passkey = detail.get("with") == "passkey"
    if kind == AuthenticationEventKind.SIGNED_IN:
        if passkey:
            return "Signed in with a passkey"
        return "Signed in" + (" with the second step (MFA)" if detail.get("door") == "mfa" else "")
    if kind == AuthenticationEventKind.SIGN_IN_FAILED:
        if passkey:
            return "Sign-in refused: the passkey was not accepted"
        return "Sign-in refused: wrong e-mail address or password"
    if kind in _SSO_KINDS:
        return _describe_sso(kind, detail)
    if kind == AuthenticationEventKind.MFA_FAILED:
        return "Sign-in refused: wrong second-step (MFA) code"
    if kind in (AuthenticationEventKind.LOCKED, AuthenticationEventKind.REFUSED_WHILE_LOCKED):
        what = "the account" if detail.get("locked") == "account" else "the network address"
        head = (
            "Locked after repeated failures"
            if kind == AuthenticationEventKind.LOCKED
            else "Refused because it was locked"
        )
        return f"{head} ({door}): {what}{_until(detail)}"
    if kind in (
        AuthenticationEventKind.SECURITY_KEY_ADDED,
        AuthenticationEventKind.SECURITY_KEY_REMOVED,
        AuthenticationEventKind.SECURITY_KEY_CLONED,
    ):
        name = detail.get("key")
        return event.get_kind_display() + (f" ({name})" if name else "")
    if kind == AuthenticationEventKind.PASSWORD_RESET_REQUESTED:
        return "Password reset requested"
    if kind == AuthenticationEventKind.SIGNED_OUT_EVERYWHERE:
        count = detail.get("sessions_ended")
        if count is None:
            return "Signed out everywhere"
        return f"Signed out everywhere ({count} session{'s' if count != 1 else ''} ended)"
    return event.get_kind_display()


_SSO_KINDS = {
    AuthenticationEventKind.SSO_SIGNED_IN,
    AuthenticationEventKind.SSO_ACCEPTED,
    AuthenticationEventKind.SSO_REFUSED,
}
_PROTOCOL = {"oidc": "OpenID Connect", "saml": "SAML"}


def _describe_sso(kind: str, detail: dict) -> str:
    protocol = _PROTOCOL.get(detail.get("protocol", ""), "")
    by = f"single sign-on ({protocol})" if protocol else "single sign-on"
    if kind == AuthenticationEventKind.SSO_SIGNED_IN:
        return f"Signed in by {by}"
    if kind == AuthenticationEventKind.SSO_ACCEPTED:
        return f"Accepted by {by}; the second step (MFA) was asked"
    reason = dict(SsoRefusal.choices).get(detail.get("reason", ""), "")
    return f"Refused at {by}" + (f": {reason[0].lower()}{reason[1:]}" if reason else "")


def _rows(events) -> list[SignInRow]:
    return [
        SignInRow(
            at=event.created_at,
            email=event.email,
            what=describe(event),
            address=event.address or "unknown",
            succeeded=event.kind
            in (AuthenticationEventKind.SIGNED_IN, AuthenticationEventKind.SSO_SIGNED_IN),
        )
        for event in events
    ]


def sign_in_history(*, user: User, limit: int = HISTORY_LIMIT) -> list[SignInRow]:
    """The user's recent sign-ins, failures, locks and resets in this schema, newest first:
    events linked to the account and those typed with its address (before it existed, too).
    Callers check who may read it (the person, or their organisation's administrator)."""
    events = AuthenticationEvent.objects.filter(Q(user=user) | Q(email=user.email.lower()))
    return _rows(events[:limit])


def sign_in_history_all(*, limit: int = 200) -> list[SignInRow]:
    """Every event in this schema, newest first (on the public host: platform staff's)."""
    return _rows(AuthenticationEvent.objects.all()[:limit])


def session_status(*, request: HttpRequest) -> dict:
    """What the idle warning needs: seconds until this session ends if left alone."""
    times = session_times(request.session)
    left = (
        seconds_left(
            times=times,
            now=time.time(),
            idle_seconds=getattr(request, "session_idle_seconds", None),
            absolute_seconds=settings.SESSION_ABSOLUTE_LIFETIME_SECONDS,
        )
        if times is not None
        else settings.SESSION_ABSOLUTE_LIFETIME_SECONDS
    )
    return {"seconds_left": left, "warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS}
