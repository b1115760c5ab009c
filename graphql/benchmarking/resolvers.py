"""Resolvers for benchmarking: find the reading organisation, then call the selectors.

Security-relevant: the organisation on the request (`request.organisation`, set by the
organisation door) is the principal.
Clubs are found only among its current memberships; comparisons are computed by the
benchmarking selectors, which apply anonymisation, the minimum count and the embargo before
anything reaches a GraphQL type, and log the read themselves. Domain errors become standard
GraphQL errors whose messages never name another member.
"""

from __future__ import annotations

from django.utils import timezone

from goldenthread.graphql.core.errors import bad_input, from_domain_error
from goldenthread.graphql.core.permissions import organisation_of
from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.shared_indicators.benchmarking import selectors
from goldenthread.tenants.models import Organisation

from .dataloaders import prime_club_loaders
from .lookahead import comparison_windows

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def reader_of(info) -> Organisation:
    """The organisation asking: the request's tenant. The public host has none."""
    return organisation_of(info)


def check_page(first: int, offset: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 1 and {MAX_PAGE_SIZE}; it was {first}.")
    if offset < 0:
        raise bad_input(f"offset cannot be negative; it was {offset}.")


def page_of(items, items_offset: int, *, first: int, offset: int) -> list:
    """The slice [offset, offset + first) of a list of which `items` holds the part starting
    at `items_offset` (the part the comparison fetched; see `lookahead`)."""
    start = offset - items_offset
    if start < 0:  # not fetched: the look-ahead covers every page the query asks for
        raise AssertionError("a page outside the fetched window was asked for")
    return list(items[start : start + first])


def resolve_clubs(info, *, first: int, offset: int):
    reader = reader_of(info)
    check_page(first, offset)
    clubs = list(selectors.club_list_for(organisation=reader)[offset : offset + first])
    prime_club_loaders(info, [club.id for club in clubs])
    return clubs


def resolve_club(info, *, id):
    reader = reader_of(info)
    try:
        club = selectors.club_get_for(organisation=reader, club_id=id)
    except NotFound:
        return None
    prime_club_loaders(info, [club.id])
    return club


def resolve_comparison(
    info,
    *,
    club_id,
    indicator_code: str,
    periods: list[str] | None = None,
    first_period: str = "",
    last_period: str = "",
    group: str = "",
):
    reader = reader_of(info)
    try:
        club = selectors.club_get_for(organisation=reader, club_id=club_id)
        if periods and (first_period or last_period):
            raise bad_input("Give either periods or firstPeriod and lastPeriod, not both.")
        if periods:
            wanted = selectors.parse_periods(periods)
        elif first_period and last_period:
            wanted = selectors.period_range(first_period, last_period)
        else:
            raise bad_input("Give periods, or firstPeriod and lastPeriod.")
        view = selectors.comparison_for(
            reader=reader,
            reader_user=info.context.user,
            interface="graphql",
            club=club,
            indicator_code=indicator_code,
            periods=wanted,
            today=timezone.localdate(),
            group_key=group or "",
            **comparison_windows(info),
        )
    except DomainError as exc:
        raise from_domain_error(exc) from None
    return view
