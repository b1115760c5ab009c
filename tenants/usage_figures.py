"""The helpdesk's usage figures, kept in the shared cache for a few minutes.

Computing them (`usage.usage_for`) costs six queries however many organisations there are,
but each reads every schema: about 1.7 s at 400 organisations. The dashboard, its downloads
and the helpdesk API read them from here instead, with the time they were computed ("as of"),
so one computation serves every look for `USAGE_FIGURES_SECONDS`; staff recompute at will.

What is kept is the measures per schema and the time, never `Organisation` rows: names,
statuses and licensed modules are read fresh on each look (one query), so a suspension or a
module change shows at once. An organisation the kept figures do not know yet (provisioned
since) makes the next look recompute rather than show it without figures.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from . import usage
from .models import Organisation

CACHE_KEY = "helpdesk:usage-figures:v1"
DEFAULT_SECONDS = 10 * 60
# The measures of `OrganisationUsage`, in its order, kept per schema.
_MEASURES = tuple(f.name for f in fields(usage.OrganisationUsage) if f.name != "organisation")


@dataclass(frozen=True)
class UsageFigures:
    rows: list[usage.OrganisationUsage]
    as_of: datetime


def _kept_seconds() -> int:
    return getattr(settings, "USAGE_FIGURES_SECONDS", DEFAULT_SECONDS)


def kept_minutes() -> int:
    return max(1, _kept_seconds() // 60)


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.exclude(schema_name=get_public_schema_name()).order_by("name"))


def _store(rows: list[usage.OrganisationUsage], as_of: datetime) -> None:
    measures = {
        row.organisation.schema_name: tuple(getattr(row, name) for name in _MEASURES)
        for row in rows
    }
    # The public schema's key whatever schema the caller is in (django-tenants prefixes
    # keys with the current schema), so the console and the API share one entry.
    with schema_context(get_public_schema_name()):
        cache.set(CACHE_KEY, {"as_of": as_of, "measures": measures}, timeout=_kept_seconds())


def _kept() -> dict | None:
    with schema_context(get_public_schema_name()):
        return cache.get(CACHE_KEY)


def usage_figures_refresh() -> UsageFigures:
    """Compute every organisation's figures now (six queries) and keep them."""
    as_of = timezone.now()
    rows = usage.usage_for(_organisations(), now=as_of)
    _store(rows, as_of)
    return UsageFigures(rows=rows, as_of=as_of)


def usage_figures() -> UsageFigures:
    """Every organisation's figures, by name: the kept ones while they last (one query for
    the organisations), else computed and kept."""
    kept = _kept()
    if kept is None:
        return usage_figures_refresh()
    organisations = _organisations()
    measures = kept["measures"]
    if any(o.schema_name not in measures for o in organisations):
        return usage_figures_refresh()
    rows = [usage.OrganisationUsage(o, *measures[o.schema_name]) for o in organisations]
    return UsageFigures(rows=rows, as_of=kept["as_of"])


def usage_figures_of(organisation: Organisation) -> tuple[usage.OrganisationUsage, datetime]:
    """One organisation's row of the kept figures, and their time."""
    figures = usage_figures()
    row = next(r for r in figures.rows if r.organisation.pk == organisation.pk)
    return row, figures.as_of
