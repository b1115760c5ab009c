"""benchmarkingClubCreate and benchmarkingClubUpdate."""

from __future__ import annotations

import graphene

from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import acting, own_club, run


class BenchmarkingClubCreate(graphene.Mutation):
    class Meta:
        description = (
            "Set up a club run by your organisation, which becomes its first member "
            "(organisation administrators only)."
        )

    class Arguments:
        name = graphene.String(required=True, description="The club's name.")
        description = graphene.String(default_value="", description="What it is for.")
        anonymised = graphene.Boolean(
            default_value=True, description="Show other members as 'Authority A, B, …'."
        )
        minimum_members_with_data = graphene.Int(
            default_value=5, description="Members with values needed before figures show."
        )
        embargo_until = graphene.Date(description="Hide results before this date.")

    club = graphene.Field(BenchmarkingClub, required=True, description="The new club.")

    def mutate(root, info, **arguments):
        user, organisation = acting(info)
        club = run(lambda: services.club_create(actor=user, organisation=organisation, **arguments))
        return BenchmarkingClubCreate(club=club)


class BenchmarkingClubUpdate(graphene.Mutation):
    class Meta:
        description = (
            "Change a club's name or rules (administrators of the club's organisation). "
            "Naming the members of an anonymised club (`anonymised: false`) ends every active "
            "consent given under anonymity, so those members' values leave every comparison "
            "until they consent again; it is refused (CONFLICT) unless "
            "`endConsentsGivenUnderAnonymity` is true. See `consentsEndedByNaming`."
        )

    class Arguments:
        club_id = graphene.ID(required=True, description="The club.")
        name = graphene.String(description="A new name.")
        description = graphene.String(description="A new description.")
        anonymised = graphene.Boolean(description="Anonymise other members, or name them.")
        minimum_members_with_data = graphene.Int(description="A new minimum.")
        embargo_until = graphene.Date(description="A new embargo date.")
        clear_embargo = graphene.Boolean(default_value=False, description="Lift the embargo.")
        end_consents_given_under_anonymity = graphene.Boolean(
            default_value=False,
            description="Confirm that naming the members ends the consents given under "
            "anonymity (needed only when there are any).",
        )

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")

    def mutate(root, info, club_id, clear_embargo=False, **arguments):
        user, organisation = acting(info)

        def call():
            club = own_club(organisation, club_id)
            if clear_embargo:
                arguments["embargo_until"] = None
            return services.club_update_rules(
                actor=user, organisation=organisation, club=club, **arguments
            )

        return BenchmarkingClubUpdate(club=run(call))
