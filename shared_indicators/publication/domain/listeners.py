"""Who is told when the store changes.

Publication knows nothing about what other apps derive from the store. An app that keeps
something derived (benchmarking's ranking table) registers a listener in its
`AppConfig.ready()`; `publish_value` calls every listener inside its own transaction, after
the value and its grants are written, so the derived data change in the same transaction as
the store. A listener must not commit, and raising aborts the publication.

A listener may also take its locks first (`register_store_lock_taker`): `publish_value` calls
every lock taker before it locks anything of its own, so an app whose listener locks derived
data (benchmarking's ranking locks) takes them in the same order in every transaction that
writes the store and that data, and two such transactions cannot deadlock.

Withdrawing a basis (`withdraw_basis`) does not call listeners: the app that owns the basis
withdraws it and updates what it derived from it in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from goldenthread.platform.core.registry import Registry


class StoreListener(Protocol):
    def __call__(
        self, *, organisation_id: int, indicator_code: str, period_type: str, start: date, end: date
    ) -> None: ...


class StoreLockTaker(Protocol):
    def __call__(self, *, organisation_id: int, indicator_code: str) -> None: ...


_listeners: Registry[StoreListener] = Registry("store listener")
_lock_takers: Registry[StoreLockTaker] = Registry("store lock taker")


def register_store_lock_taker(taker: StoreLockTaker) -> None:
    """Add a lock taker, called at the start of every publication of the code."""
    _lock_takers.register(taker)


def unregister_store_lock_taker(taker: StoreLockTaker) -> None:
    _lock_takers.unregister(taker)


def store_will_change(*, organisation_id: int, indicator_code: str) -> None:
    """A value of the organisation for the code is about to be published: lock first."""
    for taker in _lock_takers:
        taker(organisation_id=organisation_id, indicator_code=indicator_code)


def register_store_listener(listener: StoreListener) -> None:
    """Add a listener (registering the same one twice has no effect)."""
    _listeners.register(listener)


def unregister_store_listener(listener: StoreListener) -> None:
    _listeners.unregister(listener)


def store_changed(
    *, organisation_id: int, indicator_code: str, period_type: str, start: date, end: date
) -> None:
    """One whole-area value's key was published, restated or lost its grants."""
    for listener in _listeners:
        listener(
            organisation_id=organisation_id,
            indicator_code=indicator_code,
            period_type=period_type,
            start=start,
            end=end,
        )
