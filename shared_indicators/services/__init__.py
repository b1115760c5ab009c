"""Writes to the national indicator catalogue."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import IntegrityError, transaction
from django.db.models.functions import Upper

from goldenthread.platform.core.errors import Conflict, DomainError

from ..domain.importing import CheckedFile, check_table, read_table
from ..domain.importing.readers import LIMITS
from ..domain.importing.rows import DEFAULTS
from ..models import CatalogueIndicator, CatalogueIndicatorVersion

logger = logging.getLogger(__name__)

# A change to any of these is a change of definition: organisations that adopted the indicator
# must be able to see what they measured before, so it gets a new version and a snapshot.
DEFINITION_FIELDS = ("title", "definition", "unit", "polarity", "frequency", "decimal_places")
# Benchmarking clubs rank values by polarity at the decimal places: their rankings change too.
RANKING_FIELDS = ("polarity", "decimal_places")


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), by indicator code."""

    source_name: str
    file_format: str
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "new_versions": len(self.new_versions),
        }

    def summary(self) -> str:
        counts = self.counts
        text = (
            f"{self.source_name}: {counts['created']} created, {counts['updated']} updated "
            f"({counts['new_versions']} with a new version), {counts['unchanged']} unchanged"
        )
        if self.dry_run:
            text += " (dry run: nothing was written)"
        return text + "."


def definition_snapshot(indicator: CatalogueIndicator) -> dict[str, object]:
    """The definition fields as JSON-ready values (choices as their stored strings)."""
    snapshot: dict[str, object] = {name: getattr(indicator, name) for name in DEFINITION_FIELDS}
    snapshot["polarity"] = str(snapshot["polarity"])
    snapshot["frequency"] = str(snapshot["frequency"])
    return snapshot


def _read_source(path_or_file: str | Path | IO, source_name: str | None) -> tuple[bytes, str]:
    if isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        if not path.is_file():
            raise DomainError(f"There is no file at {path}.", code="file_not_found")
        with path.open("rb") as handle:
            # One byte over the limit is enough for the reader to refuse the file.
            data = handle.read(LIMITS.configured().max_bytes + 1)
        return data, source_name or path.name
    data = path_or_file.read(LIMITS.configured().max_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    name = source_name or Path(str(getattr(path_or_file, "name", "") or "")).name
    return data, name


def catalogue_import(
    *, path_or_file: str | Path | IO, source_name: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Import a CSV or XLSX national catalogue file, all or nothing.

    Every row is checked before anything is written; on any problem CatalogueImportError is
    raised listing each one (row as the spreadsheet shows it, column, problem) and nothing is
    written. Re-importing an unchanged file changes nothing. A changed definition
    (see DEFINITION_FIELDS) bumps the indicator's version and records a snapshot; a new
    indicator records version 1. Indicators absent from the file are left as they are.
    `source_name` names the file in the report and the version history; it defaults to the
    file's own name. With `dry_run` the report says what would happen and nothing is written.
    Must run in the public schema.
    """
    data, name = _read_source(path_or_file, source_name)
    table = read_table(data, source_name=name)
    checked = check_table(table)
    report = ImportReport(
        source_name=name,
        file_format=table.file_format,
        dry_run=dry_run,
        ignored_columns=list(checked.ignored_columns),
    )
    try:
        with transaction.atomic():
            _apply(checked, report=report)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        raise Conflict(
            "Another change to the catalogue happened during this import; run it again."
        ) from None
    if not dry_run:
        logger.info("catalogue import %s", report.summary())
    return report


def _apply(checked: CheckedFile, *, report: ImportReport) -> None:
    codes = [row.code.upper() for row in checked.rows]
    existing = {
        indicator.code_key: indicator
        for indicator in CatalogueIndicator.objects.select_for_update()
        .annotate(code_key=Upper("code"))
        .filter(code_key__in=codes)
    }
    recorded_versions = set(
        CatalogueIndicatorVersion.objects.filter(indicator__in=list(existing.values())).values_list(
            "indicator_id", "version"
        )
    )
    new_indicators: list[CatalogueIndicator] = []
    snapshots: list[CatalogueIndicatorVersion] = []
    reranked: list[int] = []

    for row in checked.rows:
        indicator = existing.get(row.code.upper())
        if indicator is None:
            indicator = CatalogueIndicator(**{**DEFAULTS, **row.values, "version": 1})
            indicator.full_clean(validate_unique=False, validate_constraints=False)
            new_indicators.append(indicator)
            report.created.append(row.code)
            continue
        changed = [
            name
            for name, value in row.values.items()
            if name != "code" and getattr(indicator, name) != value
        ]
        if not changed:
            report.unchanged.append(indicator.code)
            continue
        update_fields = [*changed, "updated_at"]
        if any(name in DEFINITION_FIELDS for name in changed):
            if (indicator.pk, indicator.version) not in recorded_versions:
                # Indicators created some other way have no history yet: keep what they were.
                snapshots.append(_snapshot(indicator, source_file=""))
            indicator.version += 1
            update_fields.append("version")
            report.new_versions.append(indicator.code)
        for name in changed:
            setattr(indicator, name, row.values[name])
        indicator.full_clean(validate_unique=False, validate_constraints=False)
        indicator.save(update_fields=update_fields)
        if any(name in RANKING_FIELDS for name in changed):
            reranked.append(indicator.pk)
        if "version" in update_fields:
            snapshots.append(_snapshot(indicator, source_file=report.source_name))
        report.updated.append(indicator.code)

    CatalogueIndicator.objects.bulk_create(new_indicators)
    snapshots.extend(_snapshot(ind, source_file=report.source_name) for ind in new_indicators)
    CatalogueIndicatorVersion.objects.bulk_create(snapshots)
    if reranked:
        from goldenthread.shared_indicators.benchmarking.services.rankings.refresh import (
            refresh_catalogue_indicators,
        )

        refresh_catalogue_indicators(reranked)


def _snapshot(indicator: CatalogueIndicator, *, source_file: str) -> CatalogueIndicatorVersion:
    return CatalogueIndicatorVersion(
        indicator=indicator,
        version=indicator.version,
        definition_snapshot=definition_snapshot(indicator),
        source_file=source_file[:255],
    )
