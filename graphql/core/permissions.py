"""Who is acting in a GraphQL request, and what a mutation may declare it needs
(see `mutations.OrganisationMutation`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from goldenthread.platform.core.door import require_organisation
from goldenthread.tenants.models import Organisation

from .errors import unauthenticated


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
    """The organisation the request's host selected; refused on the public host by the
    organisation door (`core.door.require_organisation`, NOT_FOUND with reason
    `public_host`), the one check every GraphQL resolver and mutation goes through."""
    return require_organisation(info)
