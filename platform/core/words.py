"""Lists said as people say them: "A, B and C" (never a Python list's `['a', 'b']`)."""

from __future__ import annotations

from collections.abc import Iterable


def joined(items: Iterable[str], *, empty: str = "None") -> str:
    """ "A", "A and B", "A, B and C"; items that hold commas themselves are separated by
    semicolons ("Performance indicators; Plans, actions and risks and Partnerships" would be
    ambiguous, so: "Performance indicators; Plans, actions and risks; and Partnerships")."""
    items = [str(item) for item in items if str(item)]
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    if any("," in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]
