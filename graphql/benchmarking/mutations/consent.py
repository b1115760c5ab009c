"""benchmarkingConsentGive and benchmarkingConsentWithdraw."""

from __future__ import annotations

import graphene

from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import acting, own_club, run


class ConsentArguments:
    club_id = graphene.ID(required=True, description="One of your clubs.")
    indicator_code = graphene.String(required=True, description="A code the club compares.")


class BenchmarkingConsentGive(graphene.Mutation):
    class Meta:
        description = (
            "Consent to compare an indicator in a club: your approved values for it are "
            "published to the club, starting with those already approved (organisation "
            "administrators and performance officers)."
        )

    Arguments = ConsentArguments

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    def mutate(root, info, club_id, indicator_code):
        user, organisation = acting(info)

        def call():
            club = own_club(organisation, club_id)
            services.consent_give(
                actor=user, organisation=organisation, club=club, indicator_code=indicator_code
            )
            return club

        return BenchmarkingConsentGive(club=run(call))


class BenchmarkingConsentWithdraw(graphene.Mutation):
    class Meta:
        description = (
            "Withdraw consent: your values for the indicator are removed from the club's "
            "comparisons at once (organisation administrators and performance officers)."
        )

    Arguments = ConsentArguments

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    def mutate(root, info, club_id, indicator_code):
        user, organisation = acting(info)

        def call():
            club = own_club(organisation, club_id)
            services.consent_withdraw(
                actor=user, organisation=organisation, club=club, indicator_code=indicator_code
            )
            return club

        return BenchmarkingConsentWithdraw(club=run(call))
