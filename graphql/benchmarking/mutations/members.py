"""benchmarkingClubMemberAdd and benchmarkingClubMemberRemove (joining and leaving)."""

from __future__ import annotations

import graphene

from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import acting, organisation_by_slug, own_club, run


class BenchmarkingClubMemberAdd(graphene.Mutation):
    class Meta:
        description = (
            "Add an organisation to a club (administrators of the club's organisation). It "
            "shares nothing until it consents per indicator."
        )

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        organisation_slug = graphene.String(required=True, description="The member's slug.")

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    def mutate(root, info, club_id, organisation_slug):
        user, organisation = acting(info)

        def call():
            club = own_club(organisation, club_id)
            member = organisation_by_slug(organisation_slug)
            services.club_member_add(
                actor=user, organisation=organisation, club=club, member=member
            )
            return club

        return BenchmarkingClubMemberAdd(club=run(call))


class BenchmarkingClubMemberRemove(graphene.Mutation):
    class Meta:
        description = (
            "Take an organisation out of a club: its consents are withdrawn and its values "
            "leave every comparison. The club's administrators may remove any other member; "
            "an organisation's administrators may remove their own (leave)."
        )

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        organisation_slug = graphene.String(
            required=True, description="The member's slug (your own to leave)."
        )

    ok = graphene.Boolean(required=True, description="True once removed.")

    def mutate(root, info, club_id, organisation_slug):
        user, organisation = acting(info)

        def call():
            club = own_club(organisation, club_id)
            member = organisation_by_slug(organisation_slug)
            services.club_member_remove(
                actor=user, organisation=organisation, club=club, member=member
            )
            return True

        return BenchmarkingClubMemberRemove(ok=run(call))
