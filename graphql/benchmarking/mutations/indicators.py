"""benchmarkingClubIndicatorAdd and benchmarkingClubIndicatorRemove."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.mutations import OrganisationMutation
from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import ADMINISTER_CLUBS, own_club


class BenchmarkingClubIndicatorAdd(OrganisationMutation):
    class Meta:
        description = "Compare a catalogue indicator in a club (club administrators)."
        permissions = (ADMINISTER_CLUBS,)

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        indicator_code = graphene.String(required=True, description="The catalogue code.")
        comparison_period_type = graphene.String(
            default_value="",
            description="Compare by this period type (default: the catalogue frequency's).",
        )
        rollup_rule = graphene.String(
            default_value="",
            description="sum, average, last or recompute, to roll shorter periods up; empty "
            "to leave them out.",
        )
        rollup_factor = graphene.Decimal(description="Factor to recompute a rate (100 for %).")

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, indicator_code, **arguments):
        club = own_club(organisation, club_id)
        services.club_indicator_add(
            actor=actor,
            organisation=organisation,
            club=club,
            indicator_code=indicator_code,
            **arguments,
        )
        return cls(club=club)


class BenchmarkingClubIndicatorRemove(OrganisationMutation):
    class Meta:
        description = (
            "Stop comparing an indicator: every member's consent for it is withdrawn and its "
            "values leave the club (club administrators)."
        )
        permissions = (ADMINISTER_CLUBS,)

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        indicator_code = graphene.String(required=True, description="The catalogue code.")

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, indicator_code):
        club = own_club(organisation, club_id)
        services.club_indicator_remove(
            actor=actor, organisation=organisation, club=club, indicator_code=indicator_code
        )
        return cls(club=club)
