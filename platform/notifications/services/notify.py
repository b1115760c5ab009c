"""Recording an event for the people it concerns, and queueing their e-mails.

`notify` is called by the service that changes something, inside its transaction: the
notifications are written with the change (a refused or rolled-back change notifies nobody),
and the e-mails of those who want them straight away are queued on commit. Each notification
is unique per (recipient, event key), so an event emitted twice — a retried worker, a service
called again — is recorded and e-mailed once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.outbox import queue_after_commit

from ..domain.choices import EmailState, Kind, email_state_for
from ..models import Notification
from ..selectors.preferences import deliveries_for


@dataclass(frozen=True)
class Event:
    """What happened, in words: `title` is the in-app line and the e-mail's subject,
    `context` what the kind's e-mail template shows, `link` a path on the organisation's host."""

    kind: Kind
    key: str
    title: str
    link: str = ""
    context: dict = field(default_factory=dict)


_quiet: ContextVar[bool] = ContextVar("notifications_quiet", default=False)


@contextmanager
def notifications_quiet() -> Iterator[None]:
    """Record nothing while loading history (the demo seed's past quarters): steps taken
    long ago are not news, and nobody should get hundreds of e-mails about them."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def reachable(users: Iterable[User | None]) -> list[User]:
    """Active people whose access has not ended, each once, in id order."""
    found: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active and not user.access_has_expired:
            found[user.pk] = user
    return [found[pk] for pk in sorted(found)]


def _record(event: Event, recipients: list[User], *, states: dict[int, str]) -> None:
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=event.kind,
                event_key=event.key[:120],
                title=event.title[:300],
                context=event.context,
                link=event.link,
                email_state=states[user.pk],
            )
            for user in recipients
        ],
        # The event was already recorded for this person: nothing more to do.
        ignore_conflicts=True,
    )


def notify(*, event: Event, recipients: Iterable[User | None]) -> int:
    """Tell `recipients` about `event` (in-app always; by e-mail as each chose). Returns how
    many people it concerns. Call inside the transaction that made the change."""
    from ..tasks import send_notification_email

    if _quiet.get():
        return 0
    people = reachable(recipients)
    if not people:
        return 0
    deliveries = deliveries_for(users=people, kind=event.kind)
    _record(
        event, people, states={user.pk: email_state_for(deliveries[user.pk]) for user in people}
    )
    to_email = list(
        Notification.objects.filter(
            event_key=event.key[:120],
            recipient__in=[user.pk for user in people],
            email_state=EmailState.PENDING,
        ).values_list("pk", flat=True)
    )
    for pk in to_email:
        # Queued through the outbox (sent after commit, the worker must see the row; by the
        # relay later if the broker is down), in this organisation's schema, captured now.
        # A duplicate delivery sends nothing twice: the task claims the pending e-mail.
        queue_after_commit(send_notification_email, pk)
    return len(people)


def notify_and_let_caller_send(*, event: Event, recipients: Iterable[User | None]) -> list[User]:
    """For senders that e-mail by themselves (reminders, the overdue-actions digest): record
    the event for each person and return those who want the e-mail straight away, whom the
    caller e-mails now, in the same transaction (their notification is marked sent with it;
    a failed send rolls both back). Those who chose the digest get it in the daily digest;
    those who chose off only see it in the app."""
    if _quiet.get():
        return reachable(recipients)  # as before notifications existed
    people = reachable(recipients)
    if not people:
        return []
    deliveries = deliveries_for(users=people, kind=event.kind)
    states = {}
    for user in people:
        state = email_state_for(deliveries[user.pk])
        states[user.pk] = EmailState.SENT if state == EmailState.PENDING else state
    _record(event, people, states=states)
    return [user for user in people if states[user.pk] == EmailState.SENT]
