"""What every benchmarking mutation does: find the acting organisation and user, find the club
among the organisation's own clubs, call one service, and turn refusals into GraphQL errors."""

from __future__ import annotations

from collections.abc import Callable

from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.shared_indicators.benchmarking.selectors import club_get_for
from goldenthread.tenants.models import Organisation

from ..resolvers import as_graphql_error, reader_of


def acting(info):
    return info.context.user, reader_of(info)


def run(call: Callable):
    try:
        return call()
    except DomainError as exc:
        raise as_graphql_error(exc) from None


def own_club(organisation, club_id):
    return club_get_for(organisation=organisation, club_id=club_id)


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug.strip()).first()
    if organisation is None:
        raise NotFound(f"No organisation has the slug '{slug.strip()}'.")
    return organisation
