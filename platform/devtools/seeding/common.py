"""What the content seeders share: the demo users of an organisation, and a tally to report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from goldenthread.platform.accounts.models import User

from ..demo_data import DEMO_PEOPLE


@dataclass
class Tally:
    """Counts of what a seeder created, for the one-line summaries `demo_seed` prints."""

    created: Counter = field(default_factory=Counter)

    def add(self, what: str, count: int = 1) -> None:
        self.created[what] += count

    @property
    def changed(self) -> bool:
        return any(self.created.values())

    def line(self, area: str) -> str:
        if not self.changed:
            return f"{area}: nothing new"
        parts = ", ".join(f"{count} {what}" for what, count in self.created.items() if count)
        return f"{area}: created {parts}"


@dataclass(frozen=True)
class Cast:
    """The demo users of one organisation, by the part they play in the seeded content."""

    admin: User
    data: User
    verifier: User
    manager: User
    councillor: User


def cast_for(slug: str) -> Cast:
    """Look the demo people up in the current schema (the caller sets the schema)."""
    mailboxes = {person.mailbox for person in DEMO_PEOPLE}
    users = {
        user.email.split("@", 1)[0]: user
        for user in User.objects.filter(email__in=[f"{m}@{slug}.example" for m in mailboxes])
    }
    return Cast(
        admin=users["admin"],
        data=users["data"],
        verifier=users["verifier"],
        manager=users["manager"],
        councillor=users["councillor"],
    )
