"""Brute-force protection for sign-in, the MFA step and password reset.

Security-relevant. Counts live in the shared cache (Redis in every environment but tests'
own prefix), so every web process sees the same count. Each key names the schema of the door
(and `django_tenants.cache.make_key` adds it again): the same e-mail address in two
organisations is two accounts with two counts, and a lock in one never shuts the other.
Addresses and e-mails are hashed in the keys, never stored in the cache as typed.

Rules (`domain.lockout`): failures per account and per client address within a window; at
the limit a lock, doubling for each further lock within a day, up to a cap. While locked the
door refuses before any password is checked. Every failure, lock and refusal is recorded as an
`AuthenticationEvent` in the same schema.

Usage by a door (the sign-in form, the reset form; the MFA step when it comes):
    lock = lock_for(door=SIGN_IN, email=..., address=...)      # refuse if not None
    ... check the secret ...
    lock = failure_record(door=SIGN_IN, email=..., address=...)  # on failure
    success_record(door=SIGN_IN, user=..., email=..., address=...)  # on success
A door where every request counts (password reset) calls `request_admit` instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import formats, timezone

from ..domain.lockout import FailureLimit, lock_seconds, minutes_to_wait
from ..models import AuthenticationEventKind, User
from .authentication_events import authentication_event_record

SIGN_IN = "sign_in"
MFA = "mfa"
PASSWORD_RESET = "password_reset"  # noqa: S105 (a door, not a secret)
ACCOUNT = "account"
ADDRESS = "address"

_WHAT = {
    SIGN_IN: "sign-in attempts",
    MFA: "wrong codes",
    PASSWORD_RESET: "password reset requests",
}
_SUCCEEDED_KIND = {
    SIGN_IN: AuthenticationEventKind.SIGNED_IN,
    MFA: AuthenticationEventKind.SIGNED_IN,
}
_FAILED_KIND = {
    SIGN_IN: AuthenticationEventKind.SIGN_IN_FAILED,
    MFA: AuthenticationEventKind.MFA_FAILED,
    PASSWORD_RESET: AuthenticationEventKind.PASSWORD_RESET_REQUESTED,
}


@dataclass(frozen=True)
class Lock:
    """A shut door: what is locked (`ACCOUNT` or `ADDRESS`) and until when."""

    door: str
    subject: str
    until: datetime

    @property
    def seconds_left(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds() + 0.999))

    @property
    def message(self) -> str:
        who = "this account" if self.subject == ACCOUNT else "your network address"
        minutes = minutes_to_wait(self.seconds_left)
        at = formats.time_format(timezone.localtime(self.until), "H:i")
        return (
            f"There have been too many {_WHAT[self.door]} for {who}, so it is locked for "
            f"now. Try again in {minutes} minute{'s' if minutes != 1 else ''} (at {at}). "
            "If it was not you, tell your organisation's administrator."
        )


def _limit(door: str, subject: str) -> FailureLimit:
    return FailureLimit.from_setting(settings.AUTHENTICATION_LIMITS[door][subject])


def _key(door: str, subject: str, value: str, part: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"auth-limit:{connection.schema_name}:{door}:{subject}:{digest}:{part}"


def _subjects(email: str, address: str | None) -> list[tuple[str, str]]:
    subjects = [(ACCOUNT, email)] if email.strip() else []
    if address:
        subjects.append((ADDRESS, address))
    return subjects


def lock_for(*, door: str, email: str, address: str | None) -> Lock | None:
    """The lock holding this account or address shut, if any (the account's first)."""
    for subject, value in _subjects(email, address):
        until = cache.get(_key(door, subject, value, "lock"))
        if until is not None and until > timezone.now().timestamp():
            return Lock(door=door, subject=subject, until=_moment(until))
    return None


def refusal_record(*, lock: Lock, email: str, address: str | None) -> None:
    """Record an attempt refused because the door was locked (the secret was not checked)."""
    authentication_event_record(
        kind=AuthenticationEventKind.REFUSED_WHILE_LOCKED,
        email=email,
        address=address,
        user=_account(email),
        detail={"door": lock.door, "locked": lock.subject, "until": lock.until.isoformat()},
    )


def failure_record(
    *, door: str, email: str, address: str | None, detail: dict | None = None
) -> Lock | None:
    """Count one failure (for password reset: one request) against the account and the
    address, record it (with `detail`, e.g. how it was tried), and lock whichever reached its
    limit. Returns the new lock, if any."""
    user = _account(email)
    authentication_event_record(
        kind=_FAILED_KIND[door],
        email=email,
        address=address,
        user=user,
        detail={"door": door, **(detail or {})},
    )
    new_lock = None
    for subject, value in _subjects(email, address):
        limit = _limit(door, subject)
        if limit.failures <= 0:
            continue  # 0 turns this limit off
        if _count(_key(door, subject, value, "count"), limit.window_seconds) < limit.failures:
            continue
        lock = _lock(door=door, subject=subject, value=value, limit=limit)
        if lock is not None:
            authentication_event_record(
                kind=AuthenticationEventKind.LOCKED,
                email=email,
                address=address,
                user=user,
                detail={"door": door, "locked": subject, "until": lock.until.isoformat()},
            )
            new_lock = new_lock or lock
    return new_lock


def success_record(
    *,
    door: str,
    user: User,
    email: str,
    address: str | None,
    kind: str | None = None,
    detail: dict | None = None,
) -> None:
    """After a success: record it (as `kind` when the door's usual one is not true, e.g. a
    right password that still needs a code), and forgive the account's failures (not its
    address's, so one good password does not reset a spraying address's count)."""
    authentication_event_record(
        kind=kind or _SUCCEEDED_KIND[door],
        email=email,
        address=address,
        user=user,
        detail={"door": door, **(detail or {})},
    )
    cache.delete(_key(door, ACCOUNT, email, "count"))


def request_admit(*, door: str, email: str, address: str | None) -> Lock | None:
    """For a door where every request counts (password reset): None to go on (the request is
    counted and recorded), or the lock that refuses it (the refusal is recorded)."""
    lock = lock_for(door=door, email=email, address=address)
    if lock is None:
        failure_record(door=door, email=email, address=address)
    else:
        refusal_record(lock=lock, email=email, address=address)
    return lock


def account_unlock(*, email: str) -> None:
    """Lift the sign-in and MFA locks and counts of an account whose owner has just proven
    control of its mailbox by setting a password from an e-mailed link, so that locking
    someone out is not a way to keep them out. Escalation is kept; address locks stay."""
    for door in (SIGN_IN, MFA):
        cache.delete_many([_key(door, ACCOUNT, email, "lock"), _key(door, ACCOUNT, email, "count")])


def _count(key: str, window_seconds: int) -> int:
    """Add one to a counter that lives `window_seconds` from its first count (atomic in
    Redis: INCR keeps the expiry that ADD set)."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=window_seconds)
        return 1


def _lock(*, door: str, subject: str, value: str, limit: FailureLimit) -> Lock | None:
    previous = cache.get(_key(door, subject, value, "locks")) or 0
    seconds = lock_seconds(limit=limit, previous_locks=previous)
    until = timezone.now() + timedelta(seconds=seconds)
    # Only the first of concurrent failures at the limit locks (and escalates).
    if not cache.add(_key(door, subject, value, "lock"), until.timestamp(), timeout=seconds):
        return None
    cache.set(_key(door, subject, value, "locks"), previous + 1, timeout=limit.escalation_seconds)
    cache.delete(_key(door, subject, value, "count"))
    return Lock(door=door, subject=subject, until=until)


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.get_current_timezone())


def _account(email: str) -> User | None:
    email = email.strip()
    return User.objects.filter(email__iexact=email).first() if email else None
