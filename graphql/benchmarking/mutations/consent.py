"""benchmarkingConsentGive and benchmarkingConsentWithdraw."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.mutations import OrganisationMutation
from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import MANAGE_CONSENT, own_club


class ConsentArguments:
    club_id = graphene.ID(required=True, description="One of your clubs.")
    indicator_code = graphene.String(required=True, description="A code the club compares.")


class BenchmarkingConsentGive(OrganisationMutation):
    class Meta:
        description = (
            "Consent to compare an indicator in a club: your approved values for it are "
            "published to the club, starting with those already approved (organisation "
            "administrators and performance officers)."
        )
        permissions = (MANAGE_CONSENT,)

    Arguments = ConsentArguments

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, indicator_code):
        club = own_club(organisation, club_id)
        services.consent_give(
            actor=actor, organisation=organisation, club=club, indicator_code=indicator_code
        )
        return cls(club=club)


class BenchmarkingConsentWithdraw(OrganisationMutation):
    class Meta:
        description = (
            "Withdraw consent: your values for the indicator are removed from the club's "
            "comparisons at once (organisation administrators and performance officers)."
        )
        permissions = (MANAGE_CONSENT,)

    Arguments = ConsentArguments

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, indicator_code):
        club = own_club(organisation, club_id)
        services.consent_withdraw(
            actor=actor, organisation=organisation, club=club, indicator_code=indicator_code
        )
        return cls(club=club)
