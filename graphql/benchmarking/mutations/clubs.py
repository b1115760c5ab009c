"""benchmarkingClubCreate and benchmarkingClubUpdate."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.mutations import OrganisationMutation
from goldenthread.shared_indicators.benchmarking import services

from ..types import BenchmarkingClub
from .base import ADMINISTER_CLUBS, own_club


class BenchmarkingClubCreate(OrganisationMutation):
    class Meta:
        description = (
            "Set up a club run by your organisation, which becomes its first member "
            "(organisation administrators only)."
        )
        permissions = (ADMINISTER_CLUBS,)

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

    @classmethod
    def perform(cls, info, *, actor, organisation, **arguments):
        club = services.club_create(actor=actor, organisation=organisation, **arguments)
        return cls(club=club)


class BenchmarkingClubUpdate(OrganisationMutation):
    class Meta:
        description = (
            "Change a club's name or rules (administrators of the club's organisation). "
            "Naming the members of an anonymised club (`anonymised: false`) ends every active "
            "consent given under anonymity, so those members' values leave every comparison "
            "until they consent again; it is refused (CONFLICT) unless "
            "`endConsentsGivenUnderAnonymity` is true. See `consentsEndedByNaming`."
        )
        permissions = (ADMINISTER_CLUBS,)

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

    @classmethod
    def perform(cls, info, *, actor, organisation, club_id, clear_embargo=False, **arguments):
        club = own_club(organisation, club_id)
        if clear_embargo:
            arguments["embargo_until"] = None
        club = services.club_update_rules(
            actor=actor, organisation=organisation, club=club, **arguments
        )
        return cls(club=club)
