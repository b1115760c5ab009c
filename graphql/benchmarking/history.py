"""A club's history through GraphQL: types and the resolver.

Security-relevant: entries come from `history_selectors` (which events the requesting
organisation may see) and `domain.history` (what each may say), so the API discloses exactly
what the History page does. No type here has an id of an event or of an organisation.
"""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.enums import enum_from_choices
from goldenthread.graphql.core.errors import from_domain_error
from goldenthread.platform.core.errors import DomainError
from goldenthread.shared_indicators.benchmarking import selectors
from goldenthread.shared_indicators.benchmarking.models import ClubEventKind
from goldenthread.shared_indicators.benchmarking.selectors.history import (
    club_history_for,
    history_entries,
)

from .resolvers import check_page, reader_of

BenchmarkingClubEventKind = enum_from_choices(
    "BenchmarkingClubEventKind", ClubEventKind, "What kind of change a club event records."
)


class BenchmarkingClubChange(graphene.ObjectType):
    class Meta:
        description = "One thing an event changed, before and after, in words."

    field = graphene.String(required=True, description="What changed, e.g. 'embargo_until'.")
    label = graphene.String(required=True, description="What changed, in words.")
    old = graphene.String(required=True, description="Before; empty when it did not exist.")
    new = graphene.String(required=True, description="After.")


class BenchmarkingClubEvent(graphene.ObjectType):
    class Meta:
        description = (
            "One change to a club. Your organisation sees the club's own changes and those "
            "about itself; the organisation that runs the club sees every change. In an "
            "anonymised club nothing about another member is ever given."
        )

    at = graphene.DateTime(required=True, description="When the change was made.")
    kind = graphene.Field(BenchmarkingClubEventKind, required=True, description="Its kind.")
    summary = graphene.String(required=True, description="What happened, in words.")
    organisation = graphene.String(
        required=True,
        description="The organisation that made the change (or the platform, for imports).",
    )
    actor = graphene.String(
        description="The person who made it: given only to their own organisation and to the "
        "organisation that runs the club; null otherwise."
    )
    subject = graphene.String(
        description="The member the change is about, if any ('another member' where you may "
        "not know which)."
    )
    indicator_code = graphene.String(description="The indicator concerned, if any.")
    changes = graphene.List(
        graphene.NonNull(BenchmarkingClubChange),
        required=True,
        description="What changed, before and after (rules, indicators, neighbour lists).",
    )

    def resolve_kind(root, info):
        return root.kind

    def resolve_actor(root, info):
        return root.actor or None

    def resolve_subject(root, info):
        return root.subject or None

    def resolve_indicator_code(root, info):
        return root.indicator_code or None


def resolve_club_history(info, *, club_id, first: int, offset: int):
    """One page of a club's history as the requesting organisation may see it; NOT_FOUND (the
    same as for a club that does not exist) when it is not a current member."""
    reader = reader_of(info)
    check_page(first, offset)
    try:
        club = selectors.club_get_for(organisation=reader, club_id=club_id)
    except DomainError as exc:
        raise from_domain_error(exc) from None
    events = club_history_for(club=club, organisation=reader)[offset : offset + first]
    return history_entries(events, club=club, organisation=reader)
