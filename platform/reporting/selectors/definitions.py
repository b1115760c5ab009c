"""Report definitions and their versions. Each organisation's live in its own schema, so an id
from another organisation finds nothing here and answers not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from goldenthread.platform.core.errors import NotFound

from ..models import ReportDefinition, ReportDefinitionVersion


def _id(raw: Any, what: str) -> int:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        raise NotFound(f"There is no {what} with the id '{raw}'.") from None


def definition_list(*, include_archived: bool = False) -> QuerySet[ReportDefinition]:
    """Definitions in name order; archived ones only when asked."""
    qs = ReportDefinition.objects.select_related("created_by")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("name", "pk")


def definition_get(*, pk: Any) -> ReportDefinition:
    found = ReportDefinition.objects.filter(pk=_id(pk, "report definition")).first()
    if found is None:
        raise NotFound(f"There is no report definition with the id '{pk}'.")
    return found


def definition_version_get(
    *, definition: ReportDefinition, number: Any | None = None
) -> ReportDefinitionVersion:
    """A version of the definition (its newest when `number` is None)."""
    wanted = definition.latest_version if number is None else _id(number, "version")
    found = (
        ReportDefinitionVersion.objects.select_related("definition")
        .filter(definition=definition, number=wanted)
        .first()
    )
    if found is None:
        raise NotFound(f"Version {number} of this report definition does not exist.")
    return found


def definition_versions(*, definition: ReportDefinition) -> QuerySet[ReportDefinitionVersion]:
    """Every version, newest first."""
    return ReportDefinitionVersion.objects.filter(definition=definition).order_by("-number")
