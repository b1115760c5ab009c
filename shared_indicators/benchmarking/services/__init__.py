"""Writes: clubs, membership, indicators, consent and custom comparator groups.

Keyword-only; `actor` is the user acting and `organisation` the organisation they act for (the
request's tenant). Every service checks permission itself, validates with full_clean() and runs
in one transaction, in which it also records the change in the club's history (`history`: one
call per service, so a refused change leaves no row). Publication side effects (publishing
existing values, withdrawing them) go through the publication pipeline only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from goldenthread.platform.core.periods import PeriodType
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.shared_indicators.publication.services import withdraw_basis
from goldenthread.shared_indicators.publication.tasks import queue_publish_existing
from goldenthread.tenants.models import Organisation
from goldenthread.tenants.sharing import require_sharing_organisation

from .. import selectors
from ..models import Club, ClubConsent, ClubIndicator, ClubMembership, ComparatorGroup, ConsentTerms
from ..permissions import can_administer_clubs, require_club_admin, require_consent_manager
from ..selectors.bases import BASIS_TYPE
from . import history
from .rankings import refresh as rankings

_UNSET = object()


def _validated(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        messages = [f"{', '.join(errors)}" for errors in exc.message_dict.values()]
        raise DomainError(" ".join(messages), extra={"fields": exc.message_dict}) from None


def current_membership(*, club: Club, organisation: Organisation) -> ClubMembership | None:
    return ClubMembership.objects.filter(
        club=club, organisation=organisation, left_at__isnull=True
    ).first()


def _lock(club: Club) -> None:
    """Lock the club's row until the transaction ends and bring `club` up to date with it:
    a change of labelling and the giving of consent (whose terms are the labelling) wait for
    each other."""
    # The lock order of `rankings.refresh`: the club's ranking locks first, then its row, so
    # that nothing holding the row ever waits for a ranking lock (a publication holding one
    # could be waiting for us: a deadlock). NO KEY UPDATE lets foreign-key checks through.
    rankings.lock_club_indicators(
        ClubIndicator.objects.filter(club=club).values_list("id", flat=True)
    )
    list(Club.objects.select_for_update(no_key=True).filter(pk=club.pk).values_list("pk"))
    club.refresh_from_db()


@transaction.atomic
def club_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    description: str = "",
    anonymised: bool = True,
    minimum_members_with_data: int = 5,
    embargo_until: date | None = None,
) -> Club:
    """Create a club administered by `organisation`, which becomes its first member."""
    if not can_administer_clubs(actor):
        raise PermissionDenied("Only organisation administrators may set up a benchmarking club.")
    require_sharing_organisation(organisation)
    club = Club(
        name=name.strip(),
        description=description,
        administering_organisation=organisation,
        anonymised=anonymised,
        minimum_members_with_data=minimum_members_with_data,
        embargo_until=embargo_until,
    )
    _validated(club)
    club.save()
    membership = ClubMembership(club=club, organisation=organisation)
    _validated(membership)
    membership.save()
    history.club_created(actor=actor, organisation=organisation, club=club)
    return club


@transaction.atomic
def club_update_rules(
    *,
    actor,
    organisation: Organisation,
    club: Club,
    name: str | None = None,
    description: str | None = None,
    anonymised: bool | None = None,
    minimum_members_with_data: int | None = None,
    embargo_until=_UNSET,
    end_consents_given_under_anonymity: bool = False,
) -> Club:
    """Change a club's name or rules (administering organisation's administrators only).

    Anonymity is a promise (security-relevant). A member that consented while the club was
    anonymised was told it would not be named. So an anonymised club cannot start naming its
    members while such consents are active: the switch is refused (Conflict, saying how many)
    unless the runner confirms with `end_consents_given_under_anonymity`, and then, in the same
    transaction, every one of them is ended: its grants are withdrawn through the publication
    pipeline and the member's values leave every comparison, past periods included, until the
    member consents again (on named terms). Each ended consent is a history event about its
    member, with the cause. Going from named to anonymised promises more, so no consent
    changes. The club row is locked, so no consent can be given under anonymity meanwhile.
    """
    require_club_admin(actor, organisation=organisation, club=club)
    _lock(club)
    to_end: list[ClubConsent] = []
    if anonymised is False and club.anonymised:
        to_end = list(
            selectors.consents_given_under_anonymity(club=club)
            .select_for_update(of=("self",))
            .select_related("membership__organisation", "club_indicator__catalogue_indicator")
        )
        if to_end and not end_consents_given_under_anonymity:
            impact = selectors.naming_impact(consents=to_end)
            raise Conflict(
                f"{club.name} is anonymised and {impact.sentence} given on the promise of "
                "anonymity. Naming the members ends those consents: their values leave every "
                "comparison until each member consents again to being named. Confirm to go "
                "ahead.",
                code="consents_given_under_anonymity",
                extra={"consents": impact.consents, "members": impact.members},
            )
    was_anonymised = club.anonymised
    changed = []
    for field, value in (
        ("name", name.strip() if name is not None else None),
        ("description", description),
        ("anonymised", anonymised),
        ("minimum_members_with_data", minimum_members_with_data),
    ):
        if value is not None:
            setattr(club, field, value)
            changed.append(field)
    if embargo_until is not _UNSET:
        club.embargo_until = embargo_until
        changed.append("embargo_until")
    _validated(club)
    if changed:
        history.rules_changed(actor=actor, organisation=organisation, club=club)
        club.save(update_fields=changed)
    if to_end:
        _withdraw_consents(to_end, actor=actor)
        history.consents_ended_by_naming(actor=actor, organisation=organisation, consents=to_end)
    if club.anonymised != was_anonymised:
        rankings.refresh_club(club)  # the member order, hence every place, changes
    return club


@transaction.atomic
def club_member_add(
    *, actor, organisation: Organisation, club: Club, member: Organisation
) -> ClubMembership:
    """Add `member` to the club. It shares nothing until it consents per indicator."""
    require_club_admin(actor, organisation=organisation, club=club)
    require_sharing_organisation(member, field="organisation_slug")
    if current_membership(club=club, organisation=member) is not None:
        raise Conflict(f"{member.name} is already a member of {club.name}.")
    membership = ClubMembership(club=club, organisation=member)
    _validated(membership)
    membership.save()
    history.member_added(actor=actor, organisation=organisation, membership=membership)
    rankings.refresh_club(club)  # a new member changes the others' labels and places
    return membership


def _withdraw_consents(consents, *, actor) -> list[ClubConsent]:
    now = timezone.now()
    withdrawn = []
    for consent in consents:
        consent.withdrawn_at = now
        consent.withdrawn_by = history.actor_email(actor)
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        withdraw_basis(basis_type=BASIS_TYPE, basis_id=consent.id, delete_orphans=True)
        withdrawn.append(consent)
    return withdrawn


@transaction.atomic
def club_member_remove(*, actor, organisation: Organisation, club: Club, member: Organisation):
    """Take `member` out of the club: its consents are withdrawn and its published values
    leave every comparison. The club's administrators may remove anyone but their own
    organisation; a member's own administrators may take it out (leave)."""
    leaving = member.id == organisation.id
    if leaving:
        if not can_administer_clubs(actor):
            raise PermissionDenied("Only organisation administrators may leave a club.")
    else:
        require_club_admin(actor, organisation=organisation, club=club)
    if member.id == club.administering_organisation_id:
        raise Conflict(
            "The organisation that runs a club cannot leave it; hand the club over first."
        )
    membership = current_membership(club=club, organisation=member)
    if membership is None:
        raise NotFound(f"{member.name} is not a member of {club.name}.")
    withdrawn = _withdraw_consents(
        membership.consents.select_for_update().filter(withdrawn_at__isnull=True), actor=actor
    )
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    history.member_removed(
        actor=actor, organisation=organisation, membership=membership, consents_withdrawn=withdrawn
    )
    rankings.refresh_club(club)


@transaction.atomic
def club_indicator_add(
    *,
    actor,
    organisation: Organisation,
    club: Club,
    indicator_code: str,
    comparison_period_type: str = "",
    rollup_rule: str = "",
    rollup_factor: Decimal | None = None,
) -> ClubIndicator:
    """Compare a catalogue indicator in the club, by `comparison_period_type` (default: the
    catalogue frequency's period), rolling shorter periods up by `rollup_rule` if set."""
    require_club_admin(actor, organisation=organisation, club=club)
    indicator = CatalogueIndicator.objects.filter(code=indicator_code.strip()).first()
    if indicator is None:
        raise NotFound(f"There is no catalogue indicator '{indicator_code}'.")
    if indicator.retired:
        raise DomainError(f"{indicator.code} is retired and can no longer be compared.")
    if ClubIndicator.objects.filter(club=club, catalogue_indicator=indicator).exists():
        raise Conflict(f"{club.name} already compares {indicator.code}.")
    if comparison_period_type and comparison_period_type not in PeriodType.__members__.values():
        raise DomainError(f"'{comparison_period_type}' is not a period type.")
    club_indicator = ClubIndicator(
        club=club,
        catalogue_indicator=indicator,
        comparison_period_type=comparison_period_type
        or ClubIndicator.default_period_type(indicator),
        rollup_rule=rollup_rule,
        rollup_factor=rollup_factor if rollup_factor is not None else Decimal("100"),
    )
    _validated(club_indicator)
    club_indicator.save()
    history.indicator_added(actor=actor, organisation=organisation, club_indicator=club_indicator)
    rankings.refresh_club_indicators([club_indicator])
    return club_indicator


@transaction.atomic
def club_indicator_remove(
    *, actor, organisation: Organisation, club: Club, indicator_code: str
) -> None:
    """Stop comparing an indicator: every member's consent for it is withdrawn first."""
    require_club_admin(actor, organisation=organisation, club=club)
    club_indicator = _club_indicator(club, indicator_code)
    withdrawn = _withdraw_consents(
        club_indicator.consents.select_for_update().filter(withdrawn_at__isnull=True), actor=actor
    )
    history.indicator_removed(
        actor=actor,
        organisation=organisation,
        club_indicator=club_indicator,
        consents_withdrawn=withdrawn,
    )
    rankings.forget_club_indicator(club_indicator)
    club_indicator.delete()


def _club_indicator(club: Club, indicator_code: str) -> ClubIndicator:
    club_indicator = (
        ClubIndicator.objects.select_related("catalogue_indicator")
        .filter(club=club, catalogue_indicator__code=indicator_code)
        .first()
    )
    if club_indicator is None:
        raise NotFound(f"{club.name} does not compare '{indicator_code}'.")
    return club_indicator


def _membership_or_refuse(club: Club, organisation: Organisation) -> ClubMembership:
    membership = current_membership(club=club, organisation=organisation)
    if membership is None:
        raise NotFound("No such club among your organisation's clubs.")
    return membership


@transaction.atomic
def consent_give(
    *, actor, organisation: Organisation, club: Club, indicator_code: str
) -> ClubConsent:
    """Consent to compare `indicator_code` in `club`: from now on the organisation's approved
    values for it are published to the store under this consent, starting with those it has
    already approved (queued, in its own schema, once this transaction commits). Giving
    consent that is already active changes nothing. The consent records the terms it was
    given on: anonymised, or named (see `club_update_rules`)."""
    require_consent_manager(actor)
    # Locked: the terms are the club's labelling as it stands when the consent is given, and
    # a switch to naming members (which ends consents given under anonymity) waits for us.
    _lock(club)
    membership = _membership_or_refuse(club, organisation)
    club_indicator = _club_indicator(club, indicator_code)
    existing = membership.consents.filter(
        club_indicator=club_indicator, withdrawn_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    consent = ClubConsent(
        membership=membership,
        club_indicator=club_indicator,
        given_by=history.actor_email(actor),
        terms=ConsentTerms.ANONYMISED if club.anonymised else ConsentTerms.NAMED,
    )
    _validated(consent)
    consent.save()
    history.consent_given(actor=actor, organisation=organisation, consent=consent)
    rankings.consent_changed(
        club_indicator=club_indicator, organisation_id=organisation.id, consent_id=consent.id
    )
    queue_publish_existing(organisation=organisation, indicator_codes=[club_indicator.code])
    return consent


@transaction.atomic
def consent_withdraw(*, actor, organisation: Organisation, club: Club, indicator_code: str) -> bool:
    """Withdraw consent: the grants made under it are removed and values left with no other
    basis are deleted from the store, so they disappear from every comparison at once.
    Returns False when there was no active consent."""
    require_consent_manager(actor)
    membership = _membership_or_refuse(club, organisation)
    club_indicator = _club_indicator(club, indicator_code)
    # The ranking lock before the consent rows and the store's: the lock order of
    # `rankings.refresh`, which the worker's publications follow too.
    rankings.lock_club_indicators([club_indicator.id])
    consents = membership.consents.select_for_update(no_key=True).filter(
        club_indicator=club_indicator, withdrawn_at__isnull=True
    )
    withdrawn = _withdraw_consents(consents, actor=actor)
    if not withdrawn:
        return False
    history.consent_withdrawn(
        actor=actor,
        organisation=organisation,
        club=club,
        indicator_code=club_indicator.code,
        consents=withdrawn,
    )
    rankings.consent_changed(
        club_indicator=club_indicator, organisation_id=organisation.id, consent_id=None
    )
    return True


@transaction.atomic
def comparator_group_create(
    *, actor, organisation: Organisation, club: Club, name: str, member_slugs: list[str]
) -> ComparatorGroup:
    """A custom comparator group of current club members, named by their slugs."""
    require_club_admin(actor, organisation=organisation, club=club)
    slugs = sorted({slug.strip() for slug in member_slugs if slug.strip()})
    members = list(
        Organisation.objects.filter(
            slug__in=slugs,
            club_memberships__club=club,
            club_memberships__left_at__isnull=True,
        )
    )
    unknown = sorted(set(slugs) - {member.slug for member in members})
    if unknown:
        raise DomainError(
            f"Not members of {club.name}: {', '.join(unknown)}.", extra={"unknown": unknown}
        )
    if ComparatorGroup.objects.filter(club=club, name=name.strip()).exists():
        raise Conflict(f"{club.name} already has a group called '{name.strip()}'.")
    group = ComparatorGroup(club=club, name=name.strip())
    _validated(group)
    group.save()
    group.members.set(members)
    history.group_created(actor=actor, organisation=organisation, group=group)
    return group


@transaction.atomic
def comparator_group_delete(
    *, actor, organisation: Organisation, club: Club, group_id: int
) -> None:
    require_club_admin(actor, organisation=organisation, club=club)
    history.group_deleting(actor=actor, organisation=organisation, club=club, group_id=group_id)
    deleted, _ = ComparatorGroup.objects.filter(club=club, id=group_id).delete()
    if not deleted:
        raise NotFound(f"{club.name} has no such comparator group.")
