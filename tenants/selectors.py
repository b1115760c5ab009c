"""Reads about organisations, for the helpdesk console and the commands."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.words import joined

from .models import Module, Organisation, OrganisationType, PlatformAuditEvent, Region


def organisation_list(*, search: str = "", status: str = "") -> QuerySet[Organisation]:
    """Every organisation except the platform's own row, with their domains prefetched."""
    qs = Organisation.objects.exclude(schema_name=get_public_schema_name()).select_related(
        "parent_county"
    )
    search = search.strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(slug__icontains=search))
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related("domains")


def organisation_get(*, slug: str) -> Organisation:
    """The organisation with this slug (never the platform's own row), or NotFound."""
    organisation = (
        Organisation.objects.exclude(schema_name=get_public_schema_name())
        .select_related("parent_county")
        .filter(slug=slug.strip().lower())
        .first()
    )
    if organisation is None:
        raise NotFound(f"No organisation has the slug '{slug}'.")
    return organisation


def county_list() -> QuerySet[Organisation]:
    return Organisation.objects.filter(type=OrganisationType.COUNTY)


def organisation_admin_count(*, organisation: Organisation) -> int:
    """Active administrators of the organisation, counted in its own schema."""
    with schema_context(organisation.schema_name):
        return User.objects.filter(
            is_active=True, roles__contains=[Role.ORGANISATION_ADMIN]
        ).count()


def platform_audit_events(
    *, organisation: Organisation, limit: int = 50
) -> QuerySet[PlatformAuditEvent]:
    return PlatformAuditEvent.objects.filter(organisation=organisation)[:limit]


def modules_in_words(codes: list[str] | None) -> str:
    """Licensed modules by their names, "Performance indicators; Plans, actions and risks"."""
    labels = dict(Module.choices)
    return joined([labels.get(code, code) for code in codes or []])


# How the platform audit log's detail keys and coded values are said on the console.
DETAIL_WORDS = {
    "modules": ("Licensed modules", modules_in_words),
    "licensed_modules": ("Licensed modules", modules_in_words),
    # A change of modules (tenants.modules): what the organisation held before and after.
    "before": ("Modules before", modules_in_words),
    "after": ("Modules after", modules_in_words),
    "previous_reason": ("Reason it was suspended", None),
    "type": ("Type", lambda code: dict(OrganisationType.choices).get(code, code)),
    "region": ("Region", lambda code: dict(Region.choices).get(code, code)),
}


def audit_detail_in_words(detail: dict | None) -> list[tuple[str, str]]:
    """A platform audit event's detail as (what, value) lines in words."""
    lines = []
    for key, value in (detail or {}).items():
        name, say = DETAIL_WORDS.get(key, (key.replace("_", " ").capitalize(), None))
        if say is not None:
            value = say(value)
        elif isinstance(value, (list, tuple)):
            value = joined(value)
        lines.append((name, "None" if value in (None, "") else str(value)))
    return lines


def primary_host(organisation: Organisation) -> str:
    """The primary host from prefetched domains (no query when `domains` was prefetched)."""
    domains = list(organisation.domains.all())
    for domain in domains:
        if domain.is_primary:
            return domain.domain
    return domains[0].domain if domains else ""
