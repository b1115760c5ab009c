"""Partner submissions: what each member contributes, and who has not submitted yet.

Whether a member has published a figure for a period is not itself the member's data, so the
lead may see it for any agreement of its partnership; the figures themselves stay behind the
agreements' grants (see `dashboard`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django_tenants.utils import schema_context

from goldenthread.shared_indicators.publication.models import PublicationGrant, PublishedValue
from goldenthread.tenants.models import Organisation

from ..models import AgreementVersion, Partnership, PartnershipIndicator, SubmissionReminder
from ..permissions import contributes
from . import member_list, shared_indicator_list
from .bases import BASIS_TYPE, in_force_filter


@dataclass(frozen=True)
class MissingSubmission:
    indicator: PartnershipIndicator
    organisation: Organisation
    period_code: str
    reminder: SubmissionReminder | None


def missing_submissions(*, partnership: Partnership, period_code: str) -> list[MissingSubmission]:
    """Contributing members with no current published figure for each shared indicator and
    the period under any agreement of the partnership in force; with any reminder sent."""
    members = [m for m in member_list(partnership=partnership) if contributes(m)]
    indicators = shared_indicator_list(partnership=partnership)
    version_ids = list(
        AgreementVersion.objects.filter(
            in_force_filter(), agreement__partnership=partnership
        ).values_list("pk", flat=True)
    )
    grants = PublicationGrant.objects.filter(
        basis_type=BASIS_TYPE, basis_id__in=version_ids, published_value=OuterRef("pk")
    )
    submitted = set(
        PublishedValue.objects.filter(
            Exists(grants),
            is_current=True,
            period_code=period_code,
            sub_area_kind="",
            sub_area_name="",
            indicator_code__in=[i.code for i in indicators],
            organisation_id__in=[m.organisation_id for m in members],
        ).values_list("indicator_code", "organisation_id")
    )
    reminders = {
        (r.indicator_id, r.organisation_id): r
        for r in SubmissionReminder.objects.filter(
            indicator__partnership=partnership, period_code=period_code
        )
    }
    return [
        MissingSubmission(
            indicator=indicator,
            organisation=member.organisation,
            period_code=period_code,
            reminder=reminders.get((indicator.pk, member.organisation_id)),
        )
        for indicator in indicators
        for member in members
        if (indicator.code, member.organisation_id) not in submitted
    ]


@dataclass(frozen=True)
class SharedTarget:
    """One shared indicator a member contributes to, seen from the member's own schema."""

    partnership: Partnership
    indicator: PartnershipIndicator
    local_indicator: object | None  # the member's PI publishing under this code, if any
    published: list[PublishedValue]


def shared_targets_for(*, organisation: Organisation) -> list[SharedTarget]:
    """The shared indicators `organisation` contributes to, each with its own PI carrying that
    code (looked up in its own schema) and what it has published, newest period first."""
    from goldenthread.platform.indicators.models import Indicator

    from . import partnerships_visible_to

    partnerships = list(partnerships_visible_to(organisation=organisation))
    memberships = {
        m.partnership_id: m
        for m in organisation.partnership_memberships.filter(partnership__in=partnerships)
    }
    indicators = list(
        PartnershipIndicator.objects.filter(
            partnership__in=[p for p in partnerships if contributes(memberships[p.pk])]
        )
        .select_related("partnership")
        .order_by("partnership__name", "code")
    )
    codes = sorted({i.code for i in indicators})
    with schema_context(organisation.schema_name):
        local = {}
        for pi in Indicator.objects.filter(catalogue_code__in=codes).order_by("-is_active", "pk"):
            local.setdefault(pi.catalogue_code, pi)
        for pi in Indicator.objects.filter(catalogue_code="", code__in=codes).order_by(
            "-is_active", "pk"
        ):
            local.setdefault(pi.code, pi)
    published: dict[str, list[PublishedValue]] = {}
    for row in (
        PublishedValue.objects.filter(
            organisation=organisation,
            indicator_code__in=codes,
            is_current=True,
            sub_area_kind="",
            sub_area_name="",
            grants__basis_type=BASIS_TYPE,
        )
        .distinct()
        .order_by("-period_start")
    ):
        published.setdefault(row.indicator_code, []).append(row)
    return [
        SharedTarget(
            partnership=indicator.partnership,
            indicator=indicator,
            local_indicator=local.get(indicator.code),
            published=published.get(indicator.code, []),
        )
        for indicator in indicators
    ]
