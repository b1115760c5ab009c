"""The one base of every per-request DataLoader. Loaders are named `<Model>By<Key>Loader`.

graphene-django executes synchronously here, so loaders batch by priming rather than by
deferring: a resolver that returns a list announces the keys its children will ask for
(`prime_keys`); the first child that asks for a key not yet loaded loads every announced key
in ONE query (`batch_load`), and the rest are answered from the request's cache. The number of
SQL queries therefore depends on the shape of the GraphQL query, never on how many rows it
returns (each domain's tests assert it).

A loader lives for one request (`for_request(info)`), so a cache never outlives the
permissions it was loaded under; `organisation` is the request's organisation, for loaders
whose rows depend on who reads.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Self

from goldenthread.tenants.models import Organisation

_REQUEST_ATTRIBUTE = "_graphql_loaders"


class BatchLoader:
    """Loads values by key, many keys per query, cached for the request."""

    def __init__(self, request):
        self.request = request
        self._cache: dict[Hashable, Any] = {}
        self._pending: set[Hashable] = set()

    @classmethod
    def for_request(cls, info) -> Self:
        """This loader for the request being answered, created on first use."""
        loaders = info.context.__dict__.setdefault(_REQUEST_ATTRIBUTE, {})
        if cls not in loaders:
            loaders[cls] = cls(info.context)
        return loaders[cls]

    @property
    def organisation(self) -> Organisation:
        return self.request.organisation

    def prime_keys(self, keys: Iterable[Hashable]) -> None:
        """Announce keys that are about to be asked for, so they load in the same batch."""
        self._pending.update(key for key in keys if key not in self._cache)

    def load(self, key: Hashable):
        if key not in self._cache:
            keys = self._pending | {key}
            self._pending = set()
            # A stable order, so that the same request runs the same SQL (keys may be tuples
            # holding None, which do not compare).
            found = self.batch_load(sorted(keys, key=repr))
            for each in keys:
                self._cache[each] = found[each] if each in found else self.default_value()
        return self._cache[key]

    def load_many(self, keys: Iterable[Hashable]) -> list:
        keys = list(keys)
        self.prime_keys(keys)
        return [self.load(key) for key in keys]

    def default_value(self):
        """The value of a key `batch_load` found nothing for (a fresh one each time)."""
        return None

    def batch_load(self, keys: list) -> dict:
        """{key: value} for the keys, in one query."""
        raise NotImplementedError


class ListBatchLoader(BatchLoader):
    """A loader whose value per key is a list (an empty one for a key without rows)."""

    def default_value(self) -> list:
        return []
