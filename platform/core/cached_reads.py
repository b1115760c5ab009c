"""Cached reads: a REST answer kept, encoded, in the serving process and given again while
the organisation's data it was built from have not changed.

Staleness is decided by PostgreSQL, not by time: each answer is kept under the change
generations of the organisation's schema and of public (`tenants.database.changes`), read in
one small statement per request, and those move on in the same transaction as any write to
the tables the read declared (`watch_models`). So a cached answer is never older than what
the database held when the request began, whichever process or task wrote. The key also
holds the organisation's id and schema (an answer is never served to another organisation),
the scheme, host and full path (the page's `next` and `previous` links), and the read's name.

Kept in process memory, not Redis: the token check already costs one statement, a second
round trip for the body would cost about what it saves, and a process's cache dies with it,
so a new release never serves an old release's shape. Bounded by `READ_CACHE_MAX_BYTES`
(least recently used first out) and by `READ_CACHE_SECONDS`, which bounds what a write made
outside the platform (psql by hand) can leave stale; and an organisation's answers are
kept under its newest generations only (`BodyCache`). `READ_CACHE_MAX_BYTES = 0` turns it
off.

Not used — the answer is built as without a cache — when the request's own connection has
written a watched table in a transaction not yet committed (it sees rows no token names), or
runs inside a transaction.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.tenants.database.changes import PUBLIC, generations_of

from .renderers import ApiJSONRenderer, EncodedJson


class BodyCache:
    """Encoded bodies by key, least recently used out first past `max_bytes`, each kept for
    `seconds` at most. Shared by a process's threads.

    Each body belongs to a group (a read of one organisation) and is stored under the
    group's version (its change generations, which only grow): a newer version drops the
    group's older bodies, which no request will ask for again, and a body built under an
    older version than the group's newest is not kept (it is already stale). So memory holds
    each organisation's current pages, not every generation's."""

    def __init__(self, *, max_bytes: int, seconds: float, clock: Callable[[], float]):
        self.max_bytes = max_bytes
        self.seconds = seconds
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, bytes, Hashable]] = OrderedDict()
        self._groups: dict[Hashable, set[Hashable]] = {}
        self._versions: dict[Hashable, tuple[int, ...]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._bytes

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, body, _ = entry
            if expires <= self._clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes, *, group: Hashable, version: tuple[int, ...]) -> None:
        # One answer may take at most an eighth of the space, so a few huge pages cannot
        # push out everything else.
        if len(body) * 8 > self.max_bytes:
            return
        with self._lock:
            newest = self._versions.get(group)
            if newest is not None and newest != version:
                if any(mine < theirs for mine, theirs in zip(version, newest, strict=True)):
                    return
                for older in list(self._groups.get(group, ())):
                    self._drop(older)
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self._clock() + self.seconds, body, group)
            self._groups.setdefault(group, set()).add(key)
            self._versions[group] = version
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._groups.clear()
            self._versions.clear()
            self._bytes = 0

    def _drop(self, key: Hashable) -> None:
        _, body, group = self._entries.pop(key)
        self._bytes -= len(body)
        keys = self._groups[group]
        keys.discard(key)
        if not keys:
            del self._groups[group]
            del self._versions[group]


_bodies: BodyCache | None = None
_bodies_lock = threading.Lock()


def bodies() -> BodyCache:
    """This process's cache, made from the settings at first use."""
    global _bodies
    if _bodies is None:
        with _bodies_lock:
            if _bodies is None:
                _bodies = BodyCache(
                    max_bytes=settings.READ_CACHE_MAX_BYTES,
                    seconds=settings.READ_CACHE_SECONDS,
                    clock=time.monotonic,
                )
    return _bodies


@dataclass(frozen=True)
class CachedRead:
    """A REST read whose answer may be kept: `name` tells reads apart in the key. Its tables
    are declared at app loading with `tenants.database.changes.watch_models`."""

    name: str

    def answer(self, request: Request, build: Callable[[], Response]) -> Response:
        """`build()`'s answer, from the cache while the organisation's data stand; only a 200
        is kept."""
        if not self._usable():
            return build()
        organisation = request.organisation
        with connection.cursor() as cursor:
            own, public = generations_of(cursor)
        key = (
            self.name,
            organisation.pk,
            organisation.schema_name,
            own,
            public,
            request.scheme,
            request.get_host(),
            request.get_full_path(),
        )
        cache = bodies()
        body = cache.get(key)
        if body is None:
            response = build()
            if response.status_code != 200:
                return response
            body = ApiJSONRenderer().render(response.data)
            cache.put(key, body, group=(self.name, organisation.pk), version=(own, public))
        return Response(EncodedJson(body))

    @staticmethod
    def _usable() -> bool:
        if settings.READ_CACHE_MAX_BYTES <= 0 or connection.in_atomic_block:
            return False
        return not connection.change_notes.pending & {connection.schema_name, PUBLIC}
