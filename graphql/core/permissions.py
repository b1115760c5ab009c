"""Who is acting in a GraphQL request, and what a mutation may declare it needs
(see `mutations.OrganisationMutation`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django_tenants.utils import get_public_schema_name

from goldenthread.tenants.models import Organisation

from .errors import forbidden, unauthenticated


@dataclass(frozen=True)
class Permission:
    """Something a mutation's caller must be allowed: `allows(user)` is the domain's own
    predicate (from its `permissions` module); `refusal` is what the caller is told."""

    name: str
    allows: Callable[[object], bool]
    refusal: str


def acting_user(info):
    user = getattr(info.context, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        raise unauthenticated("Sign in, or send an API key for this organisation.")
    return user


def organisation_of(info) -> Organisation:
    """The organisation the request's host selected; refused on the public host.

    One place for GraphQL: the organisation door's `require_organisation(info)` replaces this
    body when it lands."""
    tenant = getattr(info.context, "tenant", None)
    if tenant is None or connection.schema_name == get_public_schema_name():
        raise forbidden("This is done by an organisation: use your organisation's host.")
    return tenant
