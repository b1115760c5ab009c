"""benchmarkingComparatorGroupCreate."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.mutations import OrganisationMutation
from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import ADMINISTER_CLUBS, own_club


class BenchmarkingComparatorGroupCreate(OrganisationMutation):
    class Meta:
        description = "Define a custom comparator group of club members (club administrators)."
        permissions = (ADMINISTER_CLUBS,)

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        name = graphene.String(required=True, description="The group's name.")
        member_slugs = graphene.List(
            graphene.NonNull(graphene.String), required=True, description="Members' slugs."
        )

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, name, member_slugs):
        club = own_club(organisation, club_id)
        services.comparator_group_create(
            actor=actor, organisation=organisation, club=club, name=name, member_slugs=member_slugs
        )
        return cls(club=club)
