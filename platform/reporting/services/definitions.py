"""Saving report definitions: each save is a new immutable version (who, when, the whole
definition), so the versions are the definition's audit trail. Only performance officers and
organisation administrators may save (`permissions.require_write`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.models import Indicator, ServiceArea
from goldenthread.platform.planning.models import StrategyNode

from ..domain.definitions import DefinitionSpec
from ..models import ReportDefinition, ReportDefinitionVersion
from ..permissions import require_write


def _checked(data: dict[str, Any]) -> DefinitionSpec:
    """The definition's content, parsed, with every chosen node, service area and PI known to
    this organisation (an id from elsewhere is named as a problem, never saved)."""
    spec = DefinitionSpec.parse(data)
    problems = {}
    for name, model, what in (
        ("strategy_node_ids", StrategyNode, "priority or theme"),
        ("service_area_ids", ServiceArea, "service area"),
        ("indicator_ids", Indicator, "PI"),
    ):
        ids = set(getattr(spec, name))
        if not ids:
            continue
        missing = ids - set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            problems[name] = (
                f"There is no {what} with the id {', '.join(str(pk) for pk in sorted(missing))}."
            )
    if problems:
        raise DomainError(
            "The report definition has problems: " + " ".join(problems.values()),
            extra={"fields": problems},
        )
    return spec


def _name(data: dict[str, Any], spec: DefinitionSpec) -> str:
    name = str(data.get("name") or spec.title).strip()
    if len(name) > 200:
        raise DomainError(
            "The name must be 200 characters or fewer.",
            extra={"fields": {"name": "The name must be 200 characters or fewer."}},
        )
    return name


def _new_version(*, definition, spec, user, note: str) -> ReportDefinitionVersion:
    definition.latest_version += 1
    definition.save(update_fields=["latest_version", "name", "updated_at"])
    return ReportDefinitionVersion.objects.create(
        definition=definition,
        number=definition.latest_version,
        spec=spec.as_data(),
        saved_by=user,
        saved_by_name=str(user),
        note=str(note or "").strip()[:300],
    )


@transaction.atomic
def definition_create(*, user, data: dict[str, Any], note: str = "") -> ReportDefinition:
    """A new definition with its version 1. `data`: the definition's content
    (`DefinitionSpec.parse`) and optionally its `name` (the title by default)."""
    require_write(user)
    spec = _checked(data)
    definition = ReportDefinition.objects.create(name=_name(data, spec), created_by=user)
    _new_version(definition=definition, spec=spec, user=user, note=note or "Created")
    return definition


@transaction.atomic
def definition_update(
    *, user, definition: ReportDefinition, data: dict[str, Any], note: str = ""
) -> ReportDefinitionVersion:
    """Save a new version (the previous ones stay as they were). Saving a definition
    unchanged writes no version and answers the newest one."""
    require_write(user)
    spec = _checked(data)
    definition = ReportDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.archived_at is not None:
        raise DomainError("This report definition is archived: it cannot be changed.")
    name = _name(data, spec)
    latest = definition.versions.get(number=definition.latest_version)
    if latest.spec == spec.as_data() and name == definition.name:
        return latest
    definition.name = name
    return _new_version(definition=definition, spec=spec, user=user, note=note)


@transaction.atomic
def definition_archive(*, user, definition: ReportDefinition) -> ReportDefinition:
    """Hide the definition from the list; its versions stay readable."""
    require_write(user)
    definition = ReportDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.archived_at is None:
        definition.archived_at = timezone.now()
        definition.archived_by = user
        definition.save(update_fields=["archived_at", "archived_by", "updated_at"])
    return definition
