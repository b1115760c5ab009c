"""Reads about organisations, for the helpdesk console and the commands."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.words import joined

from .models import Module, Organisation, OrganisationType, PlatformAuditEvent, Region
from .support.domain.choices import AccessKind


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


ENDED_HOW = {"revoked": "Revoked", "expired": "Its time ran out"}


def _when_in_words(value: str | None) -> str | None:
    """An ISO timestamp of the detail as "6 Dec 2026, 14:05" (local time)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return date_format(timezone.localtime(moment), "j M Y, H:i")


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
    # Support access (tenants.support).
    "access_id": ("Support access number", None),
    "kind": ("Kind of access", lambda code: dict(AccessKind.choices).get(code, code)),
    "staff_email": ("Helpdesk staff member", None),
    "requested_by": ("Asked for by", None),
    "allow_write": ("Access", lambda write: "Read and change" if write else "Read only"),
    "ends_at": ("Ends", _when_in_words),
    "hours": ("Hours asked for", None),
    "how": ("How it ended", lambda how: ENDED_HOW.get(how, how)),
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
