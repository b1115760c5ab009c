"""Reading a club's history: which events an organisation may see, and as what.

Security-relevant. The organisation reading is the principal, as for every benchmarking read:
- it must be a CURRENT member of the club, or it sees nothing (checked in the same query);
- the club's administering organisation sees every event;
- any other member sees the club's own changes (set-up, rules, indicators, comparator
  groups), every event about itself (its membership, its consents, its nearest neighbours),
  and, only while the club names its members, the other members' joining and leaving. It never
  sees another member's consents or neighbour lists, and in an anonymised club nothing about
  another member at all: not its name, not an id, not the number or timing of its events.
What each visible event says is decided by `domain.history` (names of other members and of
people outside the reader's organisation are withheld there too).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from goldenthread.tenants.models import Organisation

from ..domain.history import HistoryEntry, Reader, history_entry
from ..models import Club, ClubEvent, ClubEventKind, ClubMembership

CLUB_WIDE = (
    ClubEventKind.CLUB_CREATED,
    ClubEventKind.RULES_CHANGED,
    ClubEventKind.INDICATOR_ADDED,
    ClubEventKind.INDICATOR_REMOVED,
    ClubEventKind.GROUP_CREATED,
    ClubEventKind.GROUP_DELETED,
)
MEMBERSHIP = (
    ClubEventKind.MEMBER_ADDED,
    ClubEventKind.MEMBER_LEFT,
    ClubEventKind.MEMBER_REMOVED,
)
# Only what `domain.history` reads: never the club's salt or anything else.
COLUMNS = (
    "at",
    "kind",
    "actor",
    "actor_name",
    "actor_organisation",
    "actor_organisation_name",
    "subject_organisation",
    "subject_organisation_name",
    "indicator_code",
    "old",
    "new",
    "detail",
)


def club_history_for(*, club: Club, organisation: Organisation) -> QuerySet[ClubEvent]:
    """The events of `club` that `organisation` may see, newest first (see the module
    docstring). Empty unless `organisation` is a current member."""
    is_member = Exists(
        ClubMembership.objects.filter(
            club_id=OuterRef("club_id"), organisation=organisation, left_at__isnull=True
        )
    )
    events = ClubEvent.objects.filter(is_member, club=club)
    if club.administering_organisation_id != organisation.id:
        visible = Q(kind__in=CLUB_WIDE) | Q(subject_organisation=organisation)
        if not club.anonymised:
            visible |= Q(kind__in=MEMBERSHIP)
        events = events.filter(visible)
    return events.order_by("-at", "-id").only(*COLUMNS)


def history_entries(
    events: Iterable[ClubEvent], *, club: Club, organisation: Organisation
) -> list[HistoryEntry]:
    """Events (from `club_history_for`) as `organisation` may read them."""
    reader = Reader(
        organisation_id=organisation.id,
        administering_organisation_id=club.administering_organisation_id,
        club_anonymised=club.anonymised,
    )
    return [history_entry(event, reader) for event in events]
