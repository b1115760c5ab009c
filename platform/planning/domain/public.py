"""When something becomes visible on the public performance pages (pure rules, no ORM).

Something becomes public-worthy at a moment: the latest of its publication's approval, its
embargo, and (for a value) the value's approval. It shows from that moment on, except while a
pre-election period is running and the moment fell on or after that period's start: nothing
new appears during the period; what was public before it started stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Pause:
    starts_at: datetime
    ends_at: datetime


def shown(moment: datetime | None, *, now: datetime, pauses: Sequence[Pause]) -> bool:
    if moment is None or moment > now:
        return False
    return not any(p.starts_at <= now < p.ends_at and moment >= p.starts_at for p in pauses)


def paused_now(*, now: datetime, pauses: Sequence[Pause]) -> Pause | None:
    return next((p for p in pauses if p.starts_at <= now < p.ends_at), None)


def next_change(
    *, now: datetime, embargoes: Iterable[datetime], pauses: Sequence[Pause]
) -> datetime | None:
    """The next moment the pages may change on their own (an embargo or a pause ending), so
    that nothing is cached past it."""
    future = [m for m in embargoes if m > now] + [p.ends_at for p in pauses if p.ends_at > now]
    return min(future, default=None)
