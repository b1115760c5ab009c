"""Seeding the national catalogue for the demo.

`seed_national_catalogue` is the one call the demo seed makes: a thin adapter over the
catalogue importer (`goldenthread.shared_indicators.services.catalogue_import`), so the demo
loads its sample exactly as the helpdesk loads a real catalogue file, with the same checks
and the same idempotent, versioned re-import.
"""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.shared_indicators.services import catalogue_import


def seed_national_catalogue(path: Path) -> tuple[str, bool]:
    """Import the catalogue file at `path` (all or nothing); returns a one-line summary and
    whether anything in the catalogue changed.

    Raises the importer's CatalogueImportError (a DomainError) naming each bad row.
    """
    with schema_context(get_public_schema_name()):
        report = catalogue_import(path_or_file=path)
    return f"catalogue: {report.summary()}", bool(report.created or report.updated)
