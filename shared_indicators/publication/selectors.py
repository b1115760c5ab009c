"""Reading the published-values store. Security-relevant: `visible_values` is the only way
a reader should find another organisation's values."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from goldenthread.platform.core.errors import DomainError

from .bases import BASIS_TYPES, Basis
from .models import CrossOrganisationRead, PublicationGrant, PublishedValue


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


def reads_of(
    *, owner_organisation_id: int, basis_type: str | None = None, basis_id: int | None = None
) -> QuerySet[CrossOrganisationRead]:
    """The log of other organisations' reads of one organisation's data, newest first."""
    rows = CrossOrganisationRead.objects.filter(owner_organisation_id=owner_organisation_id)
    if basis_type is not None:
        rows = rows.filter(basis_type=basis_type)
    if basis_id is not None:
        rows = rows.filter(basis_id=basis_id)
    return rows.select_related("reader_organisation")
