"""An organisation leaving the platform for good (its deletion's purge): what it takes out of
benchmarking.

Called by `tenants.deletion` only, inside the purge's transaction, before the organisation's
row is deleted. Each current membership ends as a member's leaving does (`club_member_remove`):
every consent withdrawn through the publication pipeline (the values it published leave every
comparison), one history event per consent and one for the leaving, the actor being the
platform. Clubs the organisation runs go with it when it is their only current member; a club
with other members is a blocker (`departure_blockers`). The ranking table is rebuilt for the
clubs it left by `refresh_after_departure`, called once its rows are gone.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.shared_indicators.publication.services import withdraw_basis
from goldenthread.tenants.models import Organisation

from ..models import Club, ClubMembership
from ..selectors.bases import BASIS_TYPE
from . import history
from .rankings import refresh as rankings

ACTOR = "platform:organisation-deleted"


def departure_blockers(*, organisation: Organisation) -> list[str]:
    blockers = []
    for club in Club.objects.filter(administering_organisation=organisation):
        others = (
            club.memberships.filter(left_at__isnull=True).exclude(organisation=organisation).count()
        )
        if others:
            blockers.append(
                f"it runs the benchmarking club {club.name}, which has {others} other "
                f"member{'s' if others != 1 else ''}"
            )
    return blockers


def club_partners_of(*, organisation: Organisation) -> dict[int, list[str]]:
    """Organisations that run a club the organisation is a member of: id -> club names. Only
    runners are told (an anonymised club's members must not learn who the others were)."""
    runners: dict[int, list[str]] = {}
    for membership in ClubMembership.objects.filter(
        organisation=organisation, left_at__isnull=True
    ).select_related("club"):
        club = membership.club
        if club.administering_organisation_id != organisation.pk:
            runners.setdefault(club.administering_organisation_id, []).append(club.name)
    return runners


@transaction.atomic
def organisation_depart(*, organisation: Organisation) -> tuple[dict[str, int], list[int]]:
    """End every current membership and close the clubs it alone belongs to. Returns the
    counts and the ids of the clubs whose rankings must be rebuilt once its rows are gone."""
    memberships = list(
        ClubMembership.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, left_at__isnull=True)
        .select_related("club")
    )
    now = timezone.now()
    consents_withdrawn = 0
    clubs_left = []
    for membership in memberships:
        withdrawn = []
        for consent in membership.consents.select_for_update().filter(withdrawn_at__isnull=True):
            consent.withdrawn_at = now
            consent.withdrawn_by = ACTOR
            consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
            withdraw_basis(basis_type=BASIS_TYPE, basis_id=consent.id, delete_orphans=True)
            withdrawn.append(consent)
        consents_withdrawn += len(withdrawn)
        membership.left_at = now
        membership.save(update_fields=["left_at"])
        history.member_removed(
            actor=ACTOR,
            organisation=organisation,
            membership=membership,
            consents_withdrawn=withdrawn,
        )
        clubs_left.append(membership.club_id)
    run = Club.objects.filter(administering_organisation=organisation)
    closed = run.count()
    closed_ids = set(run.values_list("pk", flat=True))
    run.delete()
    return (
        {
            "club_memberships_ended": len(memberships),
            "club_consents_withdrawn": consents_withdrawn,
            "clubs_closed": closed,
        },
        [club_id for club_id in clubs_left if club_id not in closed_ids],
    )


def refresh_after_departure(*, club_ids: list[int]) -> None:
    """Rebuild the ranking table of the clubs a deleted organisation left."""
    for club in Club.objects.filter(pk__in=club_ids):
        rankings.refresh_club(club)
