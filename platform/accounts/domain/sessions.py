"""When a signed-in session ends. Pure rules, no clock or storage: the middleware asks these.

- A session ends `absolute_seconds` after its sign-in, however active (a platform setting).
- It ends after `idle_seconds` without a request (the organisation's setting); organisation
  hosts only, so `idle_seconds` is None elsewhere.
- Activity is written to the session at most once per `resolution_seconds`, so a page that
  makes many requests does not write the session on each; the idle clock is that coarse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

IDLE = "idle"
ABSOLUTE = "absolute"


@dataclass(frozen=True)
class SessionTimes:
    signed_in_at: float
    last_seen_at: float


# Where the clock is kept in the session (seconds since the epoch).
SIGNED_IN_AT = "gt_signed_in_at"
LAST_SEEN_AT = "gt_last_seen_at"


def session_times(session: Mapping[str, Any]) -> SessionTimes | None:
    """The session's clock, or None for a session stamped before the clock existed."""
    try:
        return SessionTimes(
            signed_in_at=float(session[SIGNED_IN_AT]), last_seen_at=float(session[LAST_SEEN_AT])
        )
    except (KeyError, TypeError, ValueError):
        return None


def session_ended_by(
    *, times: SessionTimes, now: float, idle_seconds: int | None, absolute_seconds: int
) -> str | None:
    """`ABSOLUTE`, `IDLE`, or None while the session lives."""
    if now - times.signed_in_at >= absolute_seconds:
        return ABSOLUTE
    if idle_seconds is not None and now - times.last_seen_at >= idle_seconds:
        return IDLE
    return None


def seconds_left(
    *, times: SessionTimes, now: float, idle_seconds: int | None, absolute_seconds: int
) -> int:
    """How long until the session ends if nothing more happens."""
    left = times.signed_in_at + absolute_seconds - now
    if idle_seconds is not None:
        left = min(left, times.last_seen_at + idle_seconds - now)
    return max(0, int(left))


def activity_worth_writing(*, times: SessionTimes, now: float, resolution_seconds: int) -> bool:
    return now - times.last_seen_at >= resolution_seconds


ENDED_MESSAGE = {
    IDLE: "You were signed out because the page was left for {minutes} minutes without "
    "activity. Sign in again to carry on.",
    ABSOLUTE: "You were signed out because you signed in more than {hours} hours ago. "
    "Sign in again to carry on.",
}
