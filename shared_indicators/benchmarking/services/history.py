"""Recording a club's history: one `ClubEvent` per change, written by the service that makes
the change, inside its transaction (so a refused or failed change leaves no row).

Each service calls ONE recorder here, after its checks have passed. The recorders take what
the service already has; they decide nothing about who may see the rows (see
`history_selectors`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from goldenthread.tenants.models import Organisation

from ..models import (
    Club,
    ClubConsent,
    ClubEvent,
    ClubEventKind,
    ClubIndicator,
    ClubMembership,
    ComparatorGroup,
    NearestNeighbour,
)

# The club's name and rules, as `club_update_rules` may change them.
RULE_FIELDS = ("name", "description", "anonymised", "minimum_members_with_data", "embargo_until")

# Why a consent was withdrawn, when it was not withdrawn for itself.
CAUSE_INDICATOR_REMOVED = "indicator_removed"
CAUSE_MEMBER_LEFT = "member_left"
CAUSE_MEMBER_REMOVED = "member_removed"
CAUSE_CLUB_NAMED = "club_named"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rules(club: Club) -> dict[str, Any]:
    return {field: _plain(getattr(club, field)) for field in RULE_FIELDS}


def actor_email(actor) -> str:
    """Who acted, as recorded: a user's e-mail, or the text given (such as `cli:ops`)."""
    return getattr(actor, "email", "") or str(actor)


def _event(
    kind: str, *, actor, organisation: Organisation | None, club_id: int, **fields
) -> ClubEvent:
    """An unsaved event by `actor` (a user, or a text such as `cli:ops`) acting for
    `organisation` (None: the platform)."""
    return ClubEvent(
        club_id=club_id,
        kind=kind,
        actor=actor_email(actor)[:254],
        actor_name=(getattr(actor, "full_name", "") or "")[:200],
        actor_organisation=organisation,
        actor_organisation_name=organisation.name if organisation is not None else "",
        **fields,
    )


def _subject(member: Organisation) -> dict[str, Any]:
    return {"subject_organisation": member, "subject_organisation_name": member.name}


def _codes(consents: list[ClubConsent]) -> dict[int, str]:
    """Club indicator id -> catalogue code for the consents' indicators, in one query."""
    return dict(
        ClubIndicator.objects.filter(
            id__in={consent.club_indicator_id for consent in consents}
        ).values_list("id", "catalogue_indicator__code")
    )


def club_created(*, actor, organisation: Organisation, club: Club) -> None:
    _event(
        ClubEventKind.CLUB_CREATED,
        actor=actor,
        organisation=organisation,
        club_id=club.id,
        new=_rules(club),
    ).save()


def rules_changed(*, actor, organisation: Organisation, club: Club) -> None:
    """Call BEFORE saving `club`: compares it with the stored row and records the fields that
    differ, old and new. Records nothing when nothing differs."""
    stored = Club.objects.filter(pk=club.pk).values(*RULE_FIELDS).first() or {}
    old = {field: _plain(value) for field, value in stored.items()}
    new = _rules(club)
    changed = [field for field in RULE_FIELDS if old.get(field) != new[field]]
    if not changed:
        return
    _event(
        ClubEventKind.RULES_CHANGED,
        actor=actor,
        organisation=organisation,
        club_id=club.id,
        old={field: old.get(field) for field in changed},
        new={field: new[field] for field in changed},
    ).save()


def member_added(*, actor, organisation: Organisation, membership: ClubMembership) -> None:
    _event(
        ClubEventKind.MEMBER_ADDED,
        actor=actor,
        organisation=organisation,
        club_id=membership.club_id,
        **_subject(membership.organisation),
    ).save()


def member_removed(
    *,
    actor,
    organisation: Organisation,
    membership: ClubMembership,
    consents_withdrawn: list[ClubConsent],
) -> None:
    """The member left (its own organisation acted) or was removed, and each consent that
    went with it."""
    member = membership.organisation
    left = member.id == organisation.id
    codes = _codes(consents_withdrawn)
    events = [
        _event(
            ClubEventKind.CONSENT_WITHDRAWN,
            actor=actor,
            organisation=organisation,
            club_id=membership.club_id,
            indicator_code=codes[consent.club_indicator_id],
            detail={"cause": CAUSE_MEMBER_LEFT if left else CAUSE_MEMBER_REMOVED},
            **_subject(member),
        )
        for consent in consents_withdrawn
    ]
    events.append(
        _event(
            ClubEventKind.MEMBER_LEFT if left else ClubEventKind.MEMBER_REMOVED,
            actor=actor,
            organisation=organisation,
            club_id=membership.club_id,
            **_subject(member),
        )
    )
    ClubEvent.objects.bulk_create(events)


def indicator_added(*, actor, organisation: Organisation, club_indicator: ClubIndicator) -> None:
    _event(
        ClubEventKind.INDICATOR_ADDED,
        actor=actor,
        organisation=organisation,
        club_id=club_indicator.club_id,
        indicator_code=club_indicator.code,
        new={
            "comparison_period_type": club_indicator.comparison_period_type,
            "rollup_rule": club_indicator.rollup_rule,
        },
    ).save()


def indicator_removed(
    *,
    actor,
    organisation: Organisation,
    club_indicator: ClubIndicator,
    consents_withdrawn: list[ClubConsent],
) -> None:
    """The indicator, and one consent-withdrawn event per member whose consent went with it
    (each visible to that member; the removal itself does not say how many there were)."""
    members = dict(
        ClubMembership.objects.filter(
            id__in={consent.membership_id for consent in consents_withdrawn}
        ).values_list("id", "organisation_id")
    )
    organisations = Organisation.objects.in_bulk(set(members.values()))
    events = [
        _event(
            ClubEventKind.CONSENT_WITHDRAWN,
            actor=actor,
            organisation=organisation,
            club_id=club_indicator.club_id,
            indicator_code=club_indicator.code,
            detail={"cause": CAUSE_INDICATOR_REMOVED},
            **_subject(organisations[members[consent.membership_id]]),
        )
        for consent in consents_withdrawn
    ]
    events.append(
        _event(
            ClubEventKind.INDICATOR_REMOVED,
            actor=actor,
            organisation=organisation,
            club_id=club_indicator.club_id,
            indicator_code=club_indicator.code,
        )
    )
    ClubEvent.objects.bulk_create(events)


def consent_given(*, actor, organisation: Organisation, consent: ClubConsent) -> None:
    """With the terms it was given on (anonymised or named)."""
    _event(
        ClubEventKind.CONSENT_GIVEN,
        actor=actor,
        organisation=organisation,
        club_id=consent.club_indicator.club_id,
        indicator_code=consent.club_indicator.code,
        new={"terms": consent.terms},
        **_subject(organisation),
    ).save()


def consents_ended_by_naming(
    *, actor, organisation: Organisation, consents: list[ClubConsent]
) -> None:
    """The club started naming its members: one event per consent that had been given under
    anonymity and was ended, about its member (`consents` with their memberships'
    organisations and indicators selected), old terms and new state, and the cause."""
    ClubEvent.objects.bulk_create(
        _event(
            ClubEventKind.CONSENT_WITHDRAWN,
            actor=actor,
            organisation=organisation,
            club_id=consent.club_indicator.club_id,
            indicator_code=consent.club_indicator.code,
            old={"terms": consent.terms, "consent": "active"},
            new={"consent": "ended"},
            detail={"cause": CAUSE_CLUB_NAMED},
            **_subject(consent.membership.organisation),
        )
        for consent in consents
    )


def consent_withdrawn(
    *, actor, organisation: Organisation, club: Club, indicator_code: str, consents: list
) -> None:
    """The member withdrew its own consent; nothing is recorded when none was active."""
    if consents:
        _event(
            ClubEventKind.CONSENT_WITHDRAWN,
            actor=actor,
            organisation=organisation,
            club_id=club.id,
            indicator_code=indicator_code,
            **_subject(organisation),
        ).save()


def group_created(*, actor, organisation: Organisation, group: ComparatorGroup) -> None:
    members = sorted(group.members.all(), key=lambda member: (member.name, member.id))
    _event(
        ClubEventKind.GROUP_CREATED,
        actor=actor,
        organisation=organisation,
        club_id=group.club_id,
        detail={
            "group": group.name,
            "members": [{"id": member.id, "name": member.name} for member in members],
        },
    ).save()


def group_deleting(*, actor, organisation: Organisation, club: Club, group_id) -> None:
    """Call BEFORE deleting: records the group's name (nothing if there is no such group)."""
    name = ComparatorGroup.objects.filter(club=club, id=group_id).values_list("name", flat=True)
    if name:
        _event(
            ClubEventKind.GROUP_DELETED,
            actor=actor,
            organisation=organisation,
            club_id=club.id,
            detail={"group": name[0]},
        ).save()


def neighbours_replacing(*, actor: str, new_lists: dict[int, list[int]], source: str) -> None:
    """Call BEFORE replacing nearest-neighbour lists (`new_lists`: organisation id -> its new
    neighbours' ids, in order). For each organisation whose list changes, one event in every
    club it is a current member of, about that member, with the list's length before and
    after. The neighbours themselves are not recorded: only the member's own list is at issue.
    """
    old_lists: dict[int, list[int]] = {}
    for organisation_id, neighbour_id in (
        NearestNeighbour.objects.filter(organisation_id__in=list(new_lists))
        .order_by("organisation_id", "position")
        .values_list("organisation_id", "neighbour_id")
    ):
        old_lists.setdefault(organisation_id, []).append(neighbour_id)
    changed = [
        organisation_id
        for organisation_id, neighbours in new_lists.items()
        if old_lists.get(organisation_id, []) != neighbours
    ]
    if not changed:
        return
    memberships = ClubMembership.objects.filter(
        organisation_id__in=changed, left_at__isnull=True
    ).select_related("organisation")
    ClubEvent.objects.bulk_create(
        _event(
            ClubEventKind.NEIGHBOURS_IMPORTED,
            actor=actor,
            organisation=None,
            club_id=membership.club_id,
            old={"neighbours": len(old_lists.get(membership.organisation_id, []))},
            new={"neighbours": len(new_lists[membership.organisation_id])},
            detail={"source": source},
            **_subject(membership.organisation),
        )
        for membership in memberships
    )
