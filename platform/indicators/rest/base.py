"""What the indicator API views share: id resolution and number output."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.errors import DomainError, NotFound

from ..selectors.indicators import service_area_get, sub_area_get
from ..services.audit import plain


class IndicatorsApi(OrganisationApi):
    """Base of every indicators view: the organisation door adds nothing here. Authentication
    is required; what a user may change is decided by the services, which raise
    PermissionDenied. Lists are 50 a page, up to 500 (the door's defaults)."""


def number(value: Decimal | None) -> str | None:
    """Numbers go out as strings (exact decimals, no float rounding)."""
    return None if value is None else plain(value)


class NumberField(serializers.CharField):
    """A number sent as a string or a JSON number; the services parse and check it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            raise serializers.ValidationError("must be a number")
        return str(data) if isinstance(data, int | float) else super().to_internal_value(data)


def user_in_organisation(pk: Any, *, field: str) -> User | None:
    if pk in (None, ""):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first() if str(pk).isdigit() else None
    if user is None:
        raise DomainError(f"{field}: there is no user with the id '{pk}' in this organisation.")
    return user


def users_in_organisation(pks: list[Any], *, field: str) -> list[User]:
    return [user_in_organisation(pk, field=field) for pk in pks]


def service_area_or_none(pk: Any, *, field: str = "service_area_id"):
    if pk in (None, ""):
        return None
    try:
        return service_area_get(pk=pk)
    except NotFound as missing:
        raise DomainError(f"{field}: {missing.message}") from None


def sub_area_or_none(pk: Any, *, field: str = "sub_area_id"):
    if pk in (None, ""):
        return None
    try:
        return sub_area_get(pk=pk)
    except NotFound as missing:
        raise DomainError(f"{field}: {missing.message}") from None
