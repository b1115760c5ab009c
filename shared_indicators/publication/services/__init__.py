"""Writing the published-values store. `publish_value` is the one writer of PublishedValue.

Security-relevant: everything here decides what another organisation can see. The rules:
nothing is stored without an active basis; only approved values are published; a correction
is a new revision (the old one is kept, superseded); commentary, targets and breakdowns are
stored only when some basis grants them; a value is visible only through a grant.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg.types.json import Jsonb

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.models import Organisation

from ..domain.bases import BASIS_TYPES, BREAKDOWNS, COMMENTARY, TARGETS, Basis, active_bases_for
from ..domain.listeners import store_changed, store_will_change
from ..domain.snapshots import ValueSnapshot, snapshot_source
from ..models import CrossOrganisationRead, PublicationGrant, PublishedValue, ReadInterface

__all__ = [
    "ValueSnapshot",
    "log_cross_organisation_reads",
    "publish_existing_for",
    "publish_value",
    "withdraw_basis",
]

# The figures whose change makes a restatement; everything else describes the indicator.
FIGURE_FIELDS = ("value", "numerator", "denominator", "value_state", "target", "commentary")
DESCRIPTIVE_FIELDS = (
    "catalogue_indicator_id",
    "indicator_title",
    "unit",
    "unit_label",
    "polarity",
    "frequency",
    "decimal_places",
)


def _lock_key(organisation_id: int, snapshot: ValueSnapshot) -> None:
    """Serialise publishers of the same key until the transaction ends, so two workers
    publishing the same value cannot both insert a 'current' revision."""
    key = json.dumps(
        [
            organisation_id,
            snapshot.indicator_code,
            snapshot.period_code,
            snapshot.sub_area_kind,
            snapshot.sub_area_name,
        ]
    )
    lock_id = int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _key_filter(organisation_id: int, snapshot: ValueSnapshot) -> Q:
    return Q(
        organisation_id=organisation_id,
        indicator_code=snapshot.indicator_code,
        period_code=snapshot.period_code,
        sub_area_kind=snapshot.sub_area_kind,
        sub_area_name=snapshot.sub_area_name,
    )


def _figures(snapshot: ValueSnapshot, granted: frozenset[str]) -> dict:
    return {
        "value": snapshot.value,
        "numerator": snapshot.numerator,
        "denominator": snapshot.denominator,
        "value_state": snapshot.value_state,
        "target": snapshot.target if TARGETS in granted else None,
        "commentary": snapshot.commentary if COMMENTARY in granted else "",
    }


def _same_figures(row: PublishedValue, figures: dict) -> bool:
    # Decimals compare by value, so 50 and 50.000000 (as stored) are the same figure.
    return all(getattr(row, name) == figures[name] for name in FIGURE_FIELDS)


def _sync_grants(row: PublishedValue, bases: Sequence[Basis], now) -> None:
    """Make the row's grants exactly `bases`: add new ones, update changed fields, remove
    grants of bases that are no longer active for it."""
    wanted = {basis.key: basis for basis in bases}
    existing = {(g.basis_type, g.basis_id): g for g in row.grants.all()}
    stale = [g.pk for key, g in existing.items() if key not in wanted]
    if stale:
        PublicationGrant.objects.filter(pk__in=stale).delete()
    new = []
    for key, basis in wanted.items():
        fields = sorted(basis.fields)
        grant = existing.get(key)
        if grant is None:
            new.append(
                PublicationGrant(
                    published_value=row,
                    basis_type=basis.type,
                    basis_id=basis.id,
                    fields=fields,
                    granted_at=now,
                )
            )
        elif sorted(grant.fields) != fields:
            grant.fields = fields
            grant.save(update_fields=["fields"])
    if new:
        PublicationGrant.objects.bulk_create(new)


def _new_revision(
    *, organisation: Organisation, snapshot: ValueSnapshot, figures: dict, revision: int, now
) -> PublishedValue:
    data = asdict(snapshot)
    row = PublishedValue(
        organisation=organisation,
        **{name: data[name] for name in DESCRIPTIVE_FIELDS},
        indicator_code=snapshot.indicator_code,
        period_code=snapshot.period_code,
        period_type=snapshot.period_type,
        period_start=snapshot.period_start,
        period_end=snapshot.period_end,
        sub_area_kind=snapshot.sub_area_kind,
        sub_area_name=snapshot.sub_area_name,
        **figures,
        source_value_id=snapshot.source_value_id,
        approved_by_name=snapshot.approved_by_name,
        approved_at=snapshot.approved_at,
        published_at=now,
        revision=revision,
        is_current=True,
    )
    row.full_clean(validate_constraints=False)  # the key lock and the DB enforce uniqueness
    row.save()
    return row


@transaction.atomic
def publish_value(
    *,
    organisation: Organisation,
    snapshot: ValueSnapshot,
    bases: Sequence[Basis] | None = None,
) -> PublishedValue | None:
    """Publish one approved value, or withdraw it when nothing allows publication any more.

    Asks `active_bases_for` (unless `bases` is given: publishing in bulk asks once per code).
    A breakdown (sub-area) value counts only bases granting "breakdowns". With no basis nothing
    is stored, and the key's current row loses its grants (it becomes invisible). Otherwise:
    identical figures keep the current row (descriptive fields refreshed, grants synced);
    different figures make a restatement: the current row is superseded and a new revision
    becomes current, with the grants. Commentary and target are stored only when some basis
    grants "commentary" / "targets". Returns the current row, or None when nothing is published.
    """
    if bases is None:
        bases = active_bases_for(organisation.pk, snapshot.indicator_code)
    if snapshot.is_breakdown:
        bases = [basis for basis in bases if BREAKDOWNS in basis.fields]
    if not snapshot.is_breakdown:
        # Derived data's locks (the rankings) before the store's own: one order everywhere.
        store_will_change(organisation_id=organisation.pk, indicator_code=snapshot.indicator_code)
    _lock_key(organisation.pk, snapshot)
    key = _key_filter(organisation.pk, snapshot)
    current = PublishedValue.objects.select_for_update().filter(key, is_current=True).first()
    if not bases:
        if current is not None:
            PublicationGrant.objects.filter(published_value=current).delete()
            _tell_listeners(organisation, snapshot)
        return None

    granted = frozenset().union(*(basis.fields for basis in bases))
    figures = _figures(snapshot, granted)
    now = timezone.now()
    if current is not None and _same_figures(current, figures):
        changed = [
            name for name in DESCRIPTIVE_FIELDS if getattr(current, name) != getattr(snapshot, name)
        ]
        for name in changed:
            setattr(current, name, getattr(snapshot, name))
        if changed:
            current.save(update_fields=changed)
        row = current
    else:
        if current is not None:
            current.is_current = False
            current.superseded_at = now
            current.save(update_fields=["is_current", "superseded_at"])
            revision = current.revision + 1
        else:
            # A key whose current row was deleted as an orphan still numbers on from its history.
            latest = PublishedValue.objects.filter(key).aggregate(latest=Max("revision"))["latest"]
            revision = (latest or 0) + 1
        row = _new_revision(
            organisation=organisation,
            snapshot=snapshot,
            figures=figures,
            revision=revision,
            now=now,
        )
    _sync_grants(row, bases, now)
    _tell_listeners(organisation, snapshot)
    return row


def _tell_listeners(organisation: Organisation, snapshot: ValueSnapshot) -> None:
    # Derived data (benchmarking's ranking table) are about whole areas only.
    if not snapshot.is_breakdown:
        store_changed(
            organisation_id=organisation.pk,
            indicator_code=snapshot.indicator_code,
            period_type=snapshot.period_type,
            start=snapshot.period_start,
            end=snapshot.period_end,
        )


def _check_basis_type(basis_type: str) -> None:
    if basis_type not in BASIS_TYPES:
        raise DomainError(
            f"Unknown basis type {basis_type!r}: use one of {', '.join(BASIS_TYPES)}.",
            code="unknown_basis_type",
        )


@transaction.atomic
def withdraw_basis(*, basis_type: str, basis_id: int, delete_orphans: bool) -> int:
    """Remove every grant of one basis (an agreement version revoked or expired, a consent
    withdrawn). Values left with no grant are invisible to everyone; with `delete_orphans`
    (retention says delete) they are deleted. Other bases' grants are untouched. Returns the
    number of grants removed."""
    _check_basis_type(basis_type)
    grants = PublicationGrant.objects.filter(basis_type=basis_type, basis_id=basis_id)
    affected = list(grants.values_list("published_value_id", flat=True))
    removed, _ = grants.delete()
    if delete_orphans and affected:
        PublishedValue.objects.filter(pk__in=affected, grants__isnull=True).delete()
    return removed


def publish_existing_for(*, organisation: Organisation, indicator_codes: Iterable[str]) -> int:
    """(Re)publish the organisation's approved values for those indicator codes (catalogue
    codes, or local codes of PIs not adopted from the catalogue). Used when an agreement
    becomes active or a consent is given. The member's side builds the snapshots in its
    schema (the registered snapshot source); bases are asked once per code. Returns how many
    values are published (current) afterwards."""
    codes = sorted({code for code in indicator_codes if code})
    if not codes:
        return 0
    source = snapshot_source()
    published = 0
    with schema_context(organisation.schema_name):
        bases_by_code: dict[str, list[Basis]] = {}
        for snapshot in source.approved_snapshots(indicator_codes=codes):
            code = snapshot.indicator_code
            if code not in bases_by_code:
                bases_by_code[code] = active_bases_for(organisation.pk, code)
            if publish_value(
                organisation=organisation, snapshot=snapshot, bases=bases_by_code[code]
            ):
                published += 1
    return published


def _reader_name(reader_user) -> str:
    if reader_user is None:
        return ""
    return str(getattr(reader_user, "email", reader_user))


def log_cross_organisation_reads(
    *,
    reader_organisation: Organisation,
    reader_user,
    values: Iterable[PublishedValue],
    basis: Basis | None = None,
    interface: str,
    bases_by_owner: Mapping[int, Basis] | None = None,
) -> list[CrossOrganisationRead]:
    """Record that `reader_organisation` (and `reader_user`, a user or an e-mail) read these
    published values under `basis` through `interface` ("page", "rest", "graphql"), naming
    each owner organisation with the indicator codes and periods read of it. The reader's own
    values are not cross-organisation reads and are not logged. One row (one INSERT) per
    basis type and label: usually one.

    `bases_by_owner` (owner organisation id -> basis) logs each owner's values under its own
    basis, e.g. each club member's own consent; owners it does not name fall back to `basis`.
    Every owner read must have a basis from one or the other."""
    _check_interface(interface)
    bases_by_owner = bases_by_owner or {}
    for each in (basis, *bases_by_owner.values()):
        if each is not None:
            _check_basis_type(each.type)
    by_owner: dict[int, dict[str, set[str]]] = {}
    for value in values:
        if value.organisation_id == reader_organisation.pk:
            continue
        codes = by_owner.setdefault(value.organisation_id, {})
        codes.setdefault(value.indicator_code, set()).add(value.period_code)
    if not by_owner:
        return []
    owner_bases = {owner_id: bases_by_owner.get(owner_id, basis) for owner_id in by_owner}
    unlogged = sorted(owner_id for owner_id, each in owner_bases.items() if each is None)
    if unlogged:
        raise DomainError(
            f"No basis given for the values read of organisations {unlogged}.",
            code="read_without_basis",
        )
    by_label: dict[tuple[str, str], list[int]] = {}
    for owner_id in sorted(by_owner):
        each = owner_bases[owner_id]
        by_label.setdefault((each.type, each.label), []).append(owner_id)
    return [
        record_read(
            reader_organisation=reader_organisation,
            reader_user=reader_user,
            interface=interface,
            basis_type=basis_type,
            basis_label=label,
            owner_ids=owners,
            basis_ids=[owner_bases[owner_id].id for owner_id in owners],
            what_of_owner=[_what(by_owner[owner_id]) for owner_id in owners],
        )
        for (basis_type, label), owners in sorted(by_label.items())
    ]


def _what(codes: Mapping[str, Iterable[str]]) -> dict:
    return {
        "indicators": [
            {"code": code, "periods": sorted(periods)} for code, periods in sorted(codes.items())
        ]
    }


def _check_interface(interface: str) -> None:
    if interface not in ReadInterface.values:
        raise DomainError(
            f"Unknown interface {interface!r}: use one of {', '.join(ReadInterface.values)}.",
            code="unknown_interface",
        )


def record_read(
    *,
    reader_organisation: Organisation,
    reader_user,
    interface: str,
    basis_type: str,
    basis_label: str,
    owner_ids: Sequence[int],
    basis_ids: Sequence[int],
    what_of_owner: Sequence[dict],
) -> CrossOrganisationRead:
    """The one writer of the read log: `reader_organisation` read the data of `owner_ids`,
    each under the basis at the same place in `basis_ids` (all of `basis_type`, named
    `basis_label`), and of each the indicator codes and periods in `what_of_owner` (dicts
    `{"indicators": [{"code", "periods"}]}`, as `_what` makes them; equal dicts may be the same
    object). ONE row, one INSERT, whatever the number of owners: the row's `what` is the
    union, and an owner's own part is kept apart only when it is less than that."""
    _check_interface(interface)
    _check_basis_type(basis_type)
    if not owner_ids or not len(owner_ids) == len(basis_ids) == len(what_of_owner):
        raise DomainError(
            "A read names at least one owner, each with a basis and what was read of it.",
            code="read_without_basis",
        )
    if reader_organisation.pk in owner_ids:
        raise DomainError(
            "An organisation reading its own data is not a cross-organisation read.",
            code="own_data_read",
        )
    distinct = {id(what): what for what in what_of_owner}  # often one object for everyone
    union: dict[str, set[str]] = {}
    for what in distinct.values():
        for entry in what["indicators"]:
            union.setdefault(entry["code"], set()).update(entry["periods"])
    whole = _what(union)
    partial = {key for key, what in distinct.items() if what != whole}
    row = CrossOrganisationRead(
        reader_organisation_id=reader_organisation.pk,
        reader_user=_reader_name(reader_user),
        owner_ids=list(owner_ids),
        basis_type=basis_type,
        basis_ids=list(basis_ids),
        basis_label=basis_label,
        what=whole,
        what_by_owner={
            str(owner_id): what
            for owner_id, what in zip(owner_ids, what_of_owner, strict=True)
            if id(what) in partial
        },
        interface=interface,
        read_at=timezone.now(),
    )
    # Written directly, the id arrays as array literals: the ORM (and even the driver) would
    # prepare each of a 400-member club's ids one by one, which costs more than the INSERT.
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_READ, {name: _column(row, name) for name in _READ_COLUMNS})
        (row.pk,) = cursor.fetchone()
    return row


_READ_COLUMNS = (
    "reader_organisation_id",
    "reader_user",
    "owner_ids",
    "basis_type",
    "basis_ids",
    "basis_label",
    "what",
    "what_by_owner",
    "interface",
    "read_at",
)
_INSERT_READ = """
INSERT INTO publication_crossorganisationread (
    reader_organisation_id, reader_user, owner_ids, basis_type, basis_ids, basis_label, what,
    what_by_owner, interface, read_at)
VALUES (
    %(reader_organisation_id)s, %(reader_user)s, %(owner_ids)s::bigint[], %(basis_type)s,
    %(basis_ids)s::bigint[], %(basis_label)s, %(what)s, %(what_by_owner)s, %(interface)s,
    %(read_at)s)
RETURNING id
"""


def _column(row: CrossOrganisationRead, name: str):
    value = getattr(row, name)
    if name in ("what", "what_by_owner"):
        return Jsonb(value)
    if name in ("owner_ids", "basis_ids"):
        return "{" + ",".join(str(int(each)) for each in value) + "}"
    return value
