"""benchmarkingClubMemberAdd and benchmarkingClubMemberRemove (joining and leaving)."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.mutations import OrganisationMutation
from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import ADMINISTER_CLUBS, organisation_by_slug, own_club


class BenchmarkingClubMemberAdd(OrganisationMutation):
    class Meta:
        description = (
            "Add an organisation to a club (administrators of the club's organisation). It "
            "shares nothing until it consents per indicator."
        )
        permissions = (ADMINISTER_CLUBS,)

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        organisation_slug = graphene.String(required=True, description="The member's slug.")

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, organisation_slug):
        club = own_club(organisation, club_id)
        member = organisation_by_slug(organisation_slug)
        services.club_member_add(actor=actor, organisation=organisation, club=club, member=member)
        return cls(club=club)


class BenchmarkingClubMemberRemove(OrganisationMutation):
    class Meta:
        description = (
            "Take an organisation out of a club: its consents are withdrawn and its values "
            "leave every comparison. The club's administrators may remove any other member; "
            "an organisation's administrators may remove their own (leave)."
        )
        permissions = (ADMINISTER_CLUBS,)

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        organisation_slug = graphene.String(
            required=True, description="The member's slug (your own to leave)."
        )

    ok = graphene.Boolean(required=True, description="True once removed.")

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, organisation_slug):
        club = own_club(organisation, club_id)
        member = organisation_by_slug(organisation_slug)
        services.club_member_remove(
            actor=actor, organisation=organisation, club=club, member=member
        )
        return cls(ok=True)
