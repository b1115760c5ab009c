"""Comparator groups: which club members a reader is compared with, besides the whole club.

Groups are relative to the reader: authorities of the reader's type, in its region, in its
county area (the county council and its districts), its nearest neighbours (a list per
organisation, imported from CSV), or a custom group the club's administrators defined. Only
current club members are ever in a group. Pure: no ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class GroupKind(StrEnum):
    AUTHORITY_TYPE = "authority_type"
    REGION = "region"
    COUNTY_AREA = "county_area"
    NEAREST_NEIGHBOURS = "nearest_neighbours"
    CUSTOM = "custom"


COUNTY = "county"


@dataclass(frozen=True)
class MemberInfo:
    id: int
    name: str
    type: str
    type_label: str
    region: str
    region_label: str
    parent_county_id: int | None


@dataclass(frozen=True)
class GroupChoice:
    """A group the reader may pick: `key` is what it asks for ("region", "custom:12")."""

    kind: GroupKind
    key: str
    name: str
    available: bool
    reason: str = ""


@dataclass(frozen=True)
class Group:
    kind: GroupKind
    key: str
    name: str
    member_ids: frozenset[int]


class GroupUnavailable(ValueError):
    """The reader cannot be compared within this group; the message says why."""


def resolve_group(
    kind: GroupKind | str,
    *,
    viewer: MemberInfo,
    members: Mapping[int, MemberInfo],
    neighbour_ids: Iterable[int] = (),
    custom: tuple[int, str, Iterable[int]] | None = None,
) -> Group:
    """The club members in group `kind` relative to `viewer` (who is always a member)."""
    try:
        kind = GroupKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in GroupKind)
        raise GroupUnavailable(f"'{kind}' is not a comparator group; use one of {known}.") from None
    if kind is GroupKind.AUTHORITY_TYPE:
        ids = {m.id for m in members.values() if m.type == viewer.type}
        return Group(
            kind, kind.value, f"Members of your type ({viewer.type_label})", frozenset(ids)
        )
    if kind is GroupKind.REGION:
        if not viewer.region:
            raise GroupUnavailable("Your organisation has no region recorded.")
        ids = {m.id for m in members.values() if m.region == viewer.region}
        return Group(kind, kind.value, f"Members in {viewer.region_label}", frozenset(ids))
    if kind is GroupKind.COUNTY_AREA:
        county = viewer.id if viewer.type == COUNTY else viewer.parent_county_id
        if county is None:
            raise GroupUnavailable(
                "Your organisation is neither a county council nor a district with a county."
            )
        ids = {m.id for m in members.values() if county in (m.id, m.parent_county_id)}
        return Group(kind, kind.value, "Members in your county area", frozenset(ids))
    if kind is GroupKind.NEAREST_NEIGHBOURS:
        wanted = set(neighbour_ids)
        if not wanted:
            raise GroupUnavailable("No nearest neighbours are recorded for your organisation.")
        ids = {viewer.id} | (wanted & set(members))
        return Group(kind, kind.value, "Your nearest neighbours", frozenset(ids))
    if custom is None:
        raise GroupUnavailable("Name the custom group as 'custom:<id>'.")
    group_id, name, ids = custom
    return Group(kind, f"custom:{group_id}", name, frozenset(set(ids) & set(members)))
