"""Each person's delivery per kind (no row: the default)."""

from __future__ import annotations

from collections.abc import Iterable

from goldenthread.platform.accounts.models import User

from ..domain.choices import DEFAULT_DELIVERY, Kind
from ..models import NotificationPreference


def deliveries_for(*, users: Iterable[User], kind: str) -> dict[int, str]:
    """user id -> delivery for `kind`, one query for everyone."""
    ids = [user.pk for user in users]
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, DEFAULT_DELIVERY) for pk in ids}


def preferences_of(*, user: User) -> dict[str, str]:
    """kind -> delivery for every kind, for `user`."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY) for kind in Kind.values}
