"""Celery tasks of the archive app: thin over the services."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.celery_app import app
from goldenthread.platform.core.licensing import ALWAYS


@app.task(name="goldenthread.tenants.archive.tasks.export_organisation")
def export_organisation(run_id: int) -> str | None:
    """Write one export's archive (`services.exporting.export_run_execute`)."""
    from .services.exporting import export_run_execute

    with schema_context(get_public_schema_name()):
        run = export_run_execute(run_id=run_id)
    return run.status if run else None


@app.task(
    name="goldenthread.tenants.archive.tasks.backup_this_organisation", licensed_module=ALWAYS
)
def backup_this_organisation() -> int | None:
    """The scheduled backup of the organisation whose schema the task runs in (queued once
    per active organisation by `core.tasks.dispatch_to_organisations`), then retention of its
    backups and of its old exports."""
    from goldenthread.tenants.models import Organisation

    from .models import BackupTrigger
    from .services.backups import backup_create, backups_prune
    from .services.exporting import exports_prune

    schema = connection.schema_name
    if schema == get_public_schema_name():
        return None
    with schema_context(get_public_schema_name()):
        organisation = Organisation.objects.get(schema_name=schema)
        backup = backup_create(
            organisation=organisation, actor="system:schedule", trigger=BackupTrigger.SCHEDULED
        )
        backups_prune(organisation=organisation)
        exports_prune(organisation=organisation)
    return backup.pk


@app.task(name="goldenthread.tenants.archive.tasks.backup_organisation_now")
def backup_organisation_now(organisation_id: int, actor: str, requested_at: str = "") -> int:
    """A backup asked for in the console (`services.backups.backup_now_queue`); queued through
    the outbox, so it may arrive twice: a backup taken since `requested_at` (ISO time)
    answers the second (`services.backups.backup_now_if_still_wanted`)."""
    from datetime import datetime

    from goldenthread.tenants.models import Organisation

    from .services.backups import backup_now_if_still_wanted

    with schema_context(get_public_schema_name()):
        organisation = Organisation.objects.get(pk=organisation_id)
        return backup_now_if_still_wanted(
            organisation=organisation,
            actor=actor,
            requested_at=datetime.fromisoformat(requested_at) if requested_at else None,
        ).pk


@app.task(name="goldenthread.tenants.archive.tasks.restore_backup")
def restore_backup(run_id: int) -> str | None:
    """A restore asked for in the console (`services.restores.restore_run_execute`)."""
    from .services.restores import restore_run_execute

    with schema_context(get_public_schema_name()):
        run = restore_run_execute(run_id=run_id)
    return run.status if run else None


@app.task(name="goldenthread.tenants.archive.tasks.import_archive")
def import_archive(run_id: int) -> str | None:
    """An archive uploaded by the helpdesk, imported as a new organisation
    (`services.import_runs.import_run_execute`); a second delivery does nothing."""
    from .services.import_runs import import_run_execute

    with schema_context(get_public_schema_name()):
        run = import_run_execute(run_id=run_id)
    return run.status if run else None
