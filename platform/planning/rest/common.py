"""What every planning API view shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from goldenthread.platform.core.door import OrganisationApi

from .. import permissions
from ..errors import DomainError, NotFound


class CanViewReports(BasePermission):
    """Signed in to this organisation, active, and access not ended (see `permissions`)."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 with the authentication challenge
        permissions.require_reports(request.user)
        if getattr(view, "records", False):
            permissions.require_records(request.user)
        return True


class PlanningApi(OrganisationApi):
    """The organisation door plus planning's own permission (reports, and records where
    `records` is set). Lists are 50 a page, up to 500 (the door's defaults)."""

    permission_classes = [CanViewReports]
    records = False


def referenced(getter: Callable[..., Any], raw: Any, what: str) -> Any:
    """An object named in a request body: a missing one is a bad request naming the field,
    not a 404 for the URL."""
    if raw is None:
        return None
    try:
        return getter(pk=raw)
    except NotFound:
        raise DomainError(f"{what}: there is no such item with the id {raw}.") from None


def input_data(serializer_class: type[serializers.Serializer], request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_serializer(component_name="PlanningUserRef")
class UserRef(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class Ids(serializers.ListField):
    child = serializers.IntegerField(min_value=1)
