"""Ending a person's sessions: when an administrator deactivates them, when they choose a new
password, and (later) when they sign out everywhere."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from ..models import User


def user_sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every live session of `user` in the current schema (sessions live in each
    organisation's own schema), except `keep_session_key`; returns how many ended.

    Sessions are rows whose user id is inside the signed data, so each live one is decoded;
    an organisation has hundreds of live sessions, not millions."""
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.session_key != keep_session_key
        and str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
