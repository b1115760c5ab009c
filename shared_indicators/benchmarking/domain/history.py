"""How one club event reads to one reader: the words, and which names it may carry.

Security-relevant. `history_selectors` decides which events a reader gets at all; this module
decides what each one says, and is written to fail closed on its own: an organisation other
than the reader, the club's administering organisation (whose name every member sees) or the
platform is named only when the club names its members or the reader runs the club, and
otherwise reads "another member". A person is named only to their own organisation and to the
club's administering organisation. No id of any organisation is ever part of an entry. Pure:
no ORM, no queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

ANOTHER_MEMBER = "another member"
PLATFORM = "Golden Thread platform"

RULE_LABELS = {
    "name": "Name",
    "description": "Description",
    "anonymised": "Other members shown",
    "minimum_members_with_data": "Minimum members with data",
    "embargo_until": "Embargo until",
}

CAUSES = {
    "indicator_removed": "the club stopped comparing the indicator",
    "member_left": "the member left the club",
    "member_removed": "the member was removed from the club",
    "club_named": (
        "the club started naming its members and the consent had been given under anonymity "
        "(sharing resumes when the member consents again, to being named)"
    ),
}

TERMS = {"anonymised": "Anonymised (Authority A, B, …)", "named": "By name"}


class EventRow(Protocol):
    """What an entry is made from: a `ClubEvent`'s plain columns (no relations followed)."""

    at: datetime
    kind: str
    actor: str
    actor_name: str
    actor_organisation_id: int | None
    actor_organisation_name: str
    subject_organisation_id: int | None
    subject_organisation_name: str
    indicator_code: str
    old: dict | None
    new: dict | None
    detail: dict


@dataclass(frozen=True)
class Reader:
    """Who is reading, and the club's rules that decide what they may be told."""

    organisation_id: int
    administering_organisation_id: int
    club_anonymised: bool

    @property
    def runs_the_club(self) -> bool:
        return self.organisation_id == self.administering_organisation_id


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    summary: str
    organisation: str
    actor: str
    subject: str
    indicator_code: str
    changes: tuple[Change, ...]


def _may_name(organisation_id: int | None, reader: Reader) -> bool:
    return (
        organisation_id == reader.organisation_id
        or organisation_id == reader.administering_organisation_id
        or reader.runs_the_club
        or not reader.club_anonymised
    )


def _organisation(row: EventRow, reader: Reader) -> str:
    if row.actor_organisation_id is None:
        return PLATFORM
    if _may_name(row.actor_organisation_id, reader):
        return row.actor_organisation_name
    return ANOTHER_MEMBER


def _actor(row: EventRow, reader: Reader) -> str:
    if not (reader.runs_the_club or row.actor_organisation_id == reader.organisation_id):
        return ""
    if row.actor_name and row.actor_name != row.actor:
        return f"{row.actor_name} ({row.actor})"
    return row.actor


def _subject(row: EventRow, reader: Reader) -> str:
    if row.subject_organisation_id is None:
        return ""
    if row.subject_organisation_id == reader.organisation_id or (
        reader.runs_the_club or not reader.club_anonymised
    ):
        return row.subject_organisation_name
    return ANOTHER_MEMBER


def shown_value(field: str, value: Any) -> str:
    """A stored value as words (rules are stored as JSON: dates as ISO text)."""
    if field == "anonymised":
        return "Anonymised (Authority A, B, …)" if value else "By name"
    if field == "embargo_until":
        return date.fromisoformat(value).strftime("%-d %B %Y") if value else "No embargo"
    if value is None or value == "":
        return "(none)"
    return str(value)


def _rule_changes(row: EventRow) -> tuple[Change, ...]:
    old, new = row.old or {}, row.new or {}
    return tuple(
        Change(
            field,
            RULE_LABELS.get(field, field),
            shown_value(field, old[field]) if field in old else "",
            shown_value(field, new[field]),
        )
        for field in RULE_LABELS
        if field in new
    )


def _summary(row: EventRow, subject: str, reader: Reader) -> tuple[str, tuple[Change, ...]]:
    code = row.indicator_code
    detail = row.detail or {}
    kind = row.kind
    if kind == "club_created":
        return "Set up the club", _rule_changes(row)
    if kind == "rules_changed":
        return "Changed the club's rules", _rule_changes(row)
    if kind == "indicator_added":
        new = row.new or {}
        period_type = new.get("comparison_period_type", "")
        changes = [Change("comparison_period_type", "Compared by", "", period_type)]
        if rollup := new.get("rollup_rule"):
            changes.append(Change("rollup_rule", "Shorter periods rolled up by", "", rollup))
        return f"Started comparing {code}", tuple(changes)
    if kind == "indicator_removed":
        return f"Stopped comparing {code}", ()
    if kind == "member_added":
        return f"Added {subject} to the club", ()
    if kind == "member_left":
        return f"{subject[:1].upper()}{subject[1:]} left the club", ()
    if kind == "member_removed":
        return f"Removed {subject} from the club", ()
    if kind == "consent_given":
        terms = (row.new or {}).get("terms")
        shown = TERMS.get(terms, terms)
        changes = (Change("terms", "Given on the terms", "", shown),) if terms else ()
        return f"Consent given for {code} by {subject}", changes
    if kind == "consent_withdrawn":
        cause = CAUSES.get(detail.get("cause", ""))
        because = f", because {cause}" if cause else ""
        old_terms = (row.old or {}).get("terms")
        changes = ()
        if old_terms:
            given = f"Active ({TERMS.get(old_terms, old_terms)})"
            changes = (Change("consent", "Consent", given, "Ended"),)
        return f"Consent withdrawn for {code} by {subject}{because}", changes
    if kind in ("group_created", "group_deleted"):
        verb = "Created" if kind == "group_created" else "Deleted"
        changes = ()
        # Which members a custom group holds is for those who may see members' names.
        if kind == "group_created" and (reader.runs_the_club or not reader.club_anonymised):
            names = ", ".join(member["name"] for member in detail.get("members", []))
            changes = (Change("members", "Members", "", names or "(none)"),)
        return f"{verb} the comparator group “{detail.get('group', '')}”", changes
    if kind == "neighbours_imported":
        old, new = row.old or {}, row.new or {}
        changes = (
            Change(
                "neighbours",
                "Nearest neighbours listed",
                str(old.get("neighbours", "")),
                str(new.get("neighbours", "")),
            ),
            Change("source", "From the file", "", detail.get("source", "") or "(not named)"),
        )
        return f"Replaced the nearest-neighbour list of {subject}", changes
    return kind.replace("_", " ").capitalize(), ()


def history_entry(row: EventRow, reader: Reader) -> HistoryEntry:
    """`row` as `reader` may read it (see the module docstring)."""
    subject = _subject(row, reader)
    summary, changes = _summary(row, subject, reader)
    return HistoryEntry(
        at=row.at,
        kind=row.kind,
        summary=summary,
        organisation=_organisation(row, reader),
        actor=_actor(row, reader),
        subject=subject,
        indicator_code=row.indicator_code,
        changes=changes,
    )
