"""Reading the published-values store. Security-relevant: `visible_values` is the only way
a reader should find another organisation's values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import BigIntegerField, Exists, JSONField, OuterRef, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.models import Organisation

from ..domain.bases import BASIS_TYPES, READER_WITHHELD, Basis, reader_disclosure_for
from ..models import (
    BasisType,
    CrossOrganisationRead,
    PublicationGrant,
    PublishedValue,
    ReadInterface,
)


def _grants_in(basis_type: str, basis_ids: list[int]) -> QuerySet[PublicationGrant]:
    return PublicationGrant.objects.filter(basis_type=basis_type, basis_id__in=basis_ids)


def visible_values(
    *,
    basis_type: str,
    basis_ids: Iterable[int],
    indicator_codes: Iterable[str] | None = None,
    period_codes: Iterable[str] | None = None,
    organisation_ids: Iterable[int] | None = None,
    include_history: bool = False,
) -> QuerySet[PublishedValue]:
    """Published values with a grant in one of those bases (current revisions only unless
    `include_history`). Fails closed: no basis ids, no rows.

    Each row carries `visible_grants` (prefetched: only its grants in these bases) so that
    `granted_fields(value, basis)` costs no query. Callers must blank what the grant's
    fields do not include (targets, commentary) before showing the row.
    """
    if basis_type not in BASIS_TYPES:
        raise DomainError(
            f"Unknown basis type {basis_type!r}: use one of {', '.join(BASIS_TYPES)}.",
            code="unknown_basis_type",
        )
    ids = sorted({int(basis_id) for basis_id in basis_ids})
    if not ids:
        return PublishedValue.objects.none()
    rows = PublishedValue.objects.filter(
        Exists(_grants_in(basis_type, ids).filter(published_value=OuterRef("pk")))
    )
    if not include_history:
        rows = rows.filter(is_current=True)
    if indicator_codes is not None:
        rows = rows.filter(indicator_code__in=list(indicator_codes))
    if period_codes is not None:
        rows = rows.filter(period_code__in=list(period_codes))
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    return rows.prefetch_related(
        Prefetch("grants", queryset=_grants_in(basis_type, ids), to_attr="visible_grants")
    )


def _basis_key(basis: Basis | tuple[str, int]) -> tuple[str, int]:
    if isinstance(basis, Basis):
        return basis.key
    basis_type, basis_id = basis
    return (basis_type, int(basis_id))


def granted_fields(value: PublishedValue, basis: Basis | tuple[str, int]) -> frozenset[str]:
    """The fields `basis` lets its readers see of `value` (empty: not visible through it).

    `basis` is a Basis or a (basis_type, basis_id) pair. Uses the grants prefetched by
    `visible_values` when present."""
    key = _basis_key(basis)
    grants = getattr(value, "visible_grants", None)
    if grants is None:
        grants = value.grants.all()
    for grant in grants:
        if (grant.basis_type, grant.basis_id) == key:
            return frozenset(grant.fields)
    return frozenset()


def restatement_history(*, published_value: PublishedValue) -> list[PublishedValue]:
    """Every revision of the value's key, oldest first (the last is current unless the
    current one was deleted)."""
    return list(
        PublishedValue.objects.filter(
            organisation_id=published_value.organisation_id,
            indicator_code=published_value.indicator_code,
            period_code=published_value.period_code,
            sub_area_kind=published_value.sub_area_kind,
            sub_area_name=published_value.sub_area_name,
        ).order_by("revision")
    )


@dataclass(frozen=True)
class OwnerRead:
    """One read of an owner's data as that owner sees it: who read it, when, how, under which
    of the owner's bases, and what of the owner's data. Nothing about other owners whose data
    were read at the same time.

    `reader_name` is what the owner is told about the reader: its name, or, where the basis
    type's disclosure says the reader may not be named (a member of an anonymised club), the
    words given instead; then `reader_organisation` is None and `reader_user` empty."""

    id: int
    reader_organisation: Organisation | None
    reader_name: str
    reader_user: str
    basis_type: str
    basis_id: int
    basis_label: str
    what: dict
    interface: str
    read_at: datetime

    @property
    def reader_named(self) -> bool:
        return self.reader_organisation is not None

    def get_interface_display(self) -> str:
        return str(ReadInterface(self.interface).label)

    def get_basis_type_display(self) -> str:
        return str(BasisType(self.basis_type).label)


class OwnerReads:
    """A lazy, countable, sliceable list of `OwnerRead`, newest first: what a paginator or
    a page of an API needs, reading only the page asked for (and, for basis types with a
    reader disclosure, one more query per page and type)."""

    def __init__(self, rows: QuerySet[CrossOrganisationRead]):
        self._rows = rows

    def count(self) -> int:
        return self._rows.count()

    def __len__(self) -> int:
        return self.count()

    def exists(self) -> bool:
        return self._rows.exists()

    def __iter__(self) -> Iterator[OwnerRead]:
        return iter(_owner_reads(list(self._rows)))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return _owner_reads(list(self._rows[index]))
        return _owner_reads([self._rows[index]])[0]


def _owner_reads(rows: list[CrossOrganisationRead]) -> list[OwnerRead]:
    """Security-relevant: the reader is named unless the basis type's disclosure says
    otherwise; a basis the disclosure does not answer for is not named (fails closed)."""
    ids_by_type: dict[str, set[int]] = {}
    for row in rows:
        ids_by_type.setdefault(row.basis_type, set()).add(row.owner_basis_id)
    instead: dict[tuple[str, int], str | None] = {}
    for basis_type, ids in ids_by_type.items():
        disclosure = reader_disclosure_for(basis_type)
        if disclosure is None:
            continue
        answers = disclosure(sorted(ids))
        for basis_id in ids:
            instead[(basis_type, basis_id)] = answers.get(basis_id, READER_WITHHELD)
    return [_owner_read(row, instead.get((row.basis_type, row.owner_basis_id))) for row in rows]


def _owner_read(row: CrossOrganisationRead, instead: str | None) -> OwnerRead:
    named = instead is None
    return OwnerRead(
        id=row.id,
        reader_organisation=row.reader_organisation if named else None,
        reader_name=row.reader_organisation.name if named else instead,
        reader_user=row.reader_user if named else "",
        basis_type=row.basis_type,
        basis_id=row.owner_basis_id,
        basis_label=row.basis_label,
        what=row.owner_what,
        interface=row.interface,
        read_at=row.read_at,
    )


def reads_of(
    *, owner_organisation_id: int, basis_type: str | None = None, basis_id: int | None = None
) -> OwnerReads:
    """The log of other organisations' reads of one organisation's data, newest first, as that
    organisation may see it (`OwnerRead`: its own part of each read only), of every basis type
    unless `basis_type` is given.

    Security-relevant: a log row names every owner read at once; only this owner's basis and
    what was read of it are taken from it, in the database (the other owners' ids are not
    even fetched). Who the reader was is disclosed as the basis type's registered disclosure
    allows (see `OwnerRead`)."""
    owner = int(owner_organisation_id)
    # Only our own table name is formatted into the SQL below; the owner is a parameter.
    table = CrossOrganisationRead._meta.db_table
    rows = (
        CrossOrganisationRead.objects.filter(owner_ids__contains=[owner])
        .annotate(
            owner_basis_id=RawSQL(  # noqa: S611
                f'"{table}"."basis_ids"[array_position("{table}"."owner_ids", %s::bigint)]',
                (owner,),
                output_field=BigIntegerField(),
            ),
            # The key as text: Django's key transform would take "42" for an array index.
            owner_what=RawSQL(  # noqa: S611
                f'coalesce("{table}"."what_by_owner" -> %s::text, "{table}"."what")',
                (str(owner),),
                output_field=JSONField(),
            ),
        )
        .select_related("reader_organisation")
        .only(
            "id",
            "reader_organisation",
            "reader_user",
            "basis_type",
            "basis_label",
            "interface",
            "read_at",
        )
    )
    if basis_type is not None:
        rows = rows.filter(basis_type=basis_type)
    if basis_id is not None:
        rows = rows.filter(owner_basis_id=int(basis_id))
    return OwnerReads(rows)
