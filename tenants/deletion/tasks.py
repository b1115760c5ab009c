"""Scheduled purge of organisations whose grace period has ended, and the after-commit work
of a purge (files, telling partners). Thin wrappers over services; public-schema work."""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.celery_app import app


@app.task
def purge_due_organisations() -> list[str]:
    """Daily: purge every organisation whose deletion's grace period has ended. Safe to run
    again: a purged deletion is skipped, and one not yet due is not touched."""
    from .services import purge_due

    with schema_context(get_public_schema_name()):
        return purge_due()


@app.task
def delete_organisation_files(schema_name: str) -> int:
    """Remove a purged organisation's stored files (everything under `<schema>/`)."""
    from .services.files import files_delete

    return files_delete(schema_name=schema_name)


@app.task
def tell_partners_of_deletion(organisation_name: str, partners: dict[str, list[str]]) -> int:
    """E-mail the administrators of each partner organisation that the deleted organisation's
    figures have been withdrawn from what they share."""
    from .services.notices import partners_tell

    return partners_tell(
        organisation_name=organisation_name,
        partners={int(key): names for key, names in partners.items()},
    )
