"""benchmarkingComparatorGroupCreate."""

from __future__ import annotations

import graphene

from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import acting, own_club, run


class BenchmarkingComparatorGroupCreate(graphene.Mutation):
    class Meta:
        description = "Define a custom comparator group of club members (club administrators)."

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        name = graphene.String(required=True, description="The group's name.")
        member_slugs = graphene.List(
            graphene.NonNull(graphene.String), required=True, description="Members' slugs."
        )

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    def mutate(root, info, club_id, name, member_slugs):
        user, organisation = acting(info)

        def call():
            club = own_club(organisation, club_id)
            services.comparator_group_create(
                actor=user,
                organisation=organisation,
                club=club,
                name=name,
                member_slugs=member_slugs,
            )
            return club

        return BenchmarkingComparatorGroupCreate(club=run(call))
