"""Choosing how each kind of notification is e-mailed, and the unsubscribe link.

The unsubscribe link carries a token signed with the site's secret (Django's `signing`, its
own salt) naming the organisation's schema, the person and the kind. It works without signing
in — that is the point of it — and only on the organisation's own host; a token altered in
any way is refused. Following it turns those kinds' e-mails off for that person (the in-app
list keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import connection, transaction

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError

from ..domain.choices import Delivery, Kind
from ..models import NotificationPreference

UNSUBSCRIBE_SALT = "goldenthread.notifications.unsubscribe"


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, str]) -> dict[str, str]:
    """Set `user`'s delivery for each kind named in `choices` (kind -> delivery); an unknown
    kind or delivery is refused, naming it, and nothing is changed."""
    problems = [
        f"{kind!r} is not a kind of notification" for kind in choices if kind not in Kind.values
    ] + [
        f"{delivery!r} is not immediate, digest or off"
        for delivery in choices.values()
        if delivery not in Delivery.values
    ]
    if problems:
        raise DomainError("; ".join(problems) + ".", code="invalid_preference")
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
    return dict(choices)


def unsubscribe_token(*, user: User, kinds: list[str]) -> str:
    """The token of the unsubscribe link in `user`'s e-mails of `kinds` (one kind for a
    notification's e-mail, those it gathers for a digest), in this schema."""
    return signing.dumps(
        {"s": connection.schema_name, "u": user.pk, "k": sorted(set(kinds))},
        salt=UNSUBSCRIBE_SALT,
    )


@dataclass(frozen=True)
class Unsubscription:
    user: User
    kinds: list[Kind]

    @property
    def kind_labels(self) -> list[str]:
        return [kind.label for kind in self.kinds]


def unsubscribe_read(*, token: str) -> Unsubscription:
    """Who and what a token is about, in this organisation; DomainError for a token that was
    altered, belongs to another organisation or names someone who is no longer here."""
    refused = DomainError(
        "This unsubscribe link is not valid. Sign in and choose your e-mails on the "
        "notification settings page instead.",
        code="invalid_token",
    )
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise refused from None
    if not isinstance(data, dict) or data.get("s") != connection.schema_name:
        raise refused
    kinds = data.get("k")
    if not isinstance(kinds, list) or not kinds or any(k not in Kind.values for k in kinds):
        raise refused
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise refused
    return Unsubscription(user=user, kinds=[Kind(kind) for kind in kinds])


@transaction.atomic
def unsubscribe(*, token: str) -> Unsubscription:
    """Turn off the e-mails the token names (see the module docstring)."""
    found = unsubscribe_read(token=token)
    preferences_set(user=found.user, choices={kind: Delivery.OFF for kind in found.kinds})
    return found
