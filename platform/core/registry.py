"""A registry: the one way an app plugs something into another app that must not import it.

The lower app (publication, say) owns a `Registry` and asks it; the higher app (partnerships,
benchmarking, indicators) registers into it from its `AppConfig.ready()`. That keeps imports
pointing one way: the owner of the registry never imports the apps that register.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """An ordered set of registered things. Registering the same one twice has no effect
    (`ready()` can run more than once in tests); iteration is over a copy, so an entry may
    unregister itself while being called."""

    def __init__(self, what: str):
        self.what = what  # names the entries in errors ("snapshot source")
        self._entries: list[T] = []

    def register(self, entry: T) -> None:
        if entry not in self._entries:
            self._entries.append(entry)

    def unregister(self, entry: T) -> None:
        if entry in self._entries:
            self._entries.remove(entry)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def only(self) -> T:
        """The one registered entry, for a registry meant to hold exactly one; a missing or a
        second registration is a wiring mistake and fails loudly."""
        if len(self._entries) != 1:
            raise LookupError(
                f"Expected exactly one registered {self.what}, found {len(self._entries)}."
            )
        return self._entries[0]
