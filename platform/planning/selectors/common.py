"""Fetching one item by id: a missing or malformed id is a NotFound naming what was asked for.

Every lookup runs in the current organisation's schema, so another organisation's id is simply
not found (404), never refused with a hint that it exists."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator

from ..errors import NotFound


def as_id(raw: Any, what: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise NotFound(f"There is no {what} with the id '{raw}'.") from None
    if value < 1:
        raise NotFound(f"There is no {what} with the id '{raw}'.")
    return value


def get_one(queryset: QuerySet | type[Model], raw_id: Any, what: str) -> Any:
    qs = queryset.objects.all() if isinstance(queryset, type) else queryset
    obj = qs.filter(pk=as_id(raw_id, what)).first()
    if obj is None:
        raise NotFound(f"There is no {what} with the id '{raw_id}'.")
    return obj


def user_get(*, pk: Any) -> User:
    return get_one(User.objects.filter(is_active=True), pk, "user")


def optional_user(raw: Any) -> User | None:
    return None if raw in (None, "") else user_get(pk=raw)


def indicator_get(*, pk: Any) -> Indicator:
    return get_one(Indicator, pk, "PI")


def indicators_by_ids(raw_ids: Any) -> list[Indicator]:
    ids = [as_id(raw, "PI") for raw in (raw_ids or [])]
    found = list(Indicator.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {indicator.pk for indicator in found})
    if missing:
        raise NotFound(f"There is no PI with the id {missing[0]}.")
    return found
