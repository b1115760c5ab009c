"""The partnerships' side of the publication pipeline (docs/architecture.md, "How data crosses
from one organisation to another").

`agreement_bases` is registered with the publication store as a basis provider: a member's
approved value is published only while some ACTIVE agreement version, in force today, names
the member as a party and the value's indicator code in its scope. `publish_under` and
`withdraw` are what agreement services call when a version starts or stops applying.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from goldenthread.shared_indicators.publication.domain.bases import Basis
from goldenthread.shared_indicators.publication.services import withdraw_basis
from goldenthread.shared_indicators.publication.tasks import queue_publish_existing

from ..domain.choices import VersionStatus
from ..models import AgreementVersion

BASIS_TYPE = "agreement"


def in_force_filter(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(status=VersionStatus.ACTIVE, starts_on__lte=today) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def basis_of(version: AgreementVersion) -> Basis:
    return Basis(
        type=BASIS_TYPE,
        id=version.pk,
        fields=frozenset(version.fields),
        label=version.label,
    )


def agreement_bases(organisation_id: int, indicator_code: str) -> list[Basis]:
    """Active agreement versions under which `organisation_id` may publish `indicator_code`.

    Security-relevant: this is the only thing that lets a member's value leave its schema
    for a partnership. A version counts only when every party has accepted it (status
    ACTIVE), today lies within its start and end, and it has not been suspended, revoked,
    expired or superseded.
    """
    versions = (
        AgreementVersion.objects.filter(in_force_filter())
        .filter(parties=organisation_id, indicator_codes__contains=[indicator_code])
        .select_related("agreement")
        .order_by("pk")
    )
    return [basis_of(version) for version in versions]


def publish_under(version: AgreementVersion) -> None:
    """Queue (on commit) the republication of every party's approved values in scope."""
    for party in version.parties.all():
        queue_publish_existing(organisation=party, indicator_codes=list(version.indicator_codes))
    version.publication_queued_at = timezone.now()
    version.save(update_fields=["publication_queued_at"])


def withdraw(version: AgreementVersion, *, delete: bool) -> int:
    """Remove everything this version made visible; delete what is left with no other basis
    when `delete` (the version's retention says so)."""
    return withdraw_basis(basis_type=BASIS_TYPE, basis_id=version.pk, delete_orphans=delete)
