"""Per-organisation backups (pg_dump of one schema) and restores, in place or beside it.

Why pg_dump rather than our export format: a backup must bring an organisation back exactly
as it was — sessions, MFA devices, API keys and SSO secrets included, which the export
withholds on purpose — with its indexes and constraints, quickly, by a tool every database
administrator knows. The export is the organisation's portable copy of its data; the backup
is the vendor's safety net. Both stay per schema, so neither touches another organisation.

Restores run the dump's SQL (from `pg_restore --file=-`) through `psql --single-transaction`
with our own statements around it, so each restore is one transaction:

- **in place** (after the organisation's slug is typed to confirm): a safety backup is taken
  first, then `DROP SCHEMA <schema> CASCADE` and the dump's SQL, together; nothing else is
  touched, and a failure leaves the live schema as it was.
- **as a copy for inspection**: the live schema is renamed aside, the dump recreates the
  schema under its own name, that is renamed to `<schema>_r<time>`, and the live schema is
  renamed back — all in one transaction, so no other session ever sees the live schema gone,
  and at commit only the copy is new.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_exists

from goldenthread.tenants.database.changes import stamp_after_outside_write
from goldenthread.tenants.models import Organisation, PlatformAuditAction
from goldenthread.tenants.services import platform_audit_record

from ..errors import ArchiveRefused, BackupFailed
from ..models import BackupTrigger, OrganisationBackup, RestoredCopy
from .exporting import _quoted
from .storage import backup_dir, postgres_client_env, private_directory

CLIENT_TIMEOUT_SECONDS = 60 * 60


def _run(arguments: list[str], *, what: str) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(  # noqa: S603 - fixed programs, arguments we build
            arguments,
            env=postgres_client_env(),
            capture_output=True,
            timeout=CLIENT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupFailed(f"{what} could not run: {exc}.") from None
    if result.returncode != 0:
        words = result.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise BackupFailed(f"{what} failed: " + " ".join(words))
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations(schema_name: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {_quoted(schema_name)}.django_migrations "  # noqa: S608
            "ORDER BY app, name"
        )
        return [list(row) for row in cursor.fetchall()]


def _require_organisation_schema(organisation: Organisation) -> None:
    if organisation.schema_name == get_public_schema_name():
        raise ArchiveRefused("The platform's own schema is not backed up per organisation.")


def backup_create(
    *, organisation: Organisation, actor: str, trigger: str = BackupTrigger.MANUAL
) -> OrganisationBackup:
    """Dump the organisation's schema (`pg_dump --format=custom --schema=<schema>`) into
    `settings.BACKUP_DIR/<schema>/`, readable by the platform's user only, and record it.
    Reads committed data only (pg_dump has its own connection and snapshot)."""
    _require_organisation_schema(organisation)
    schema = organisation.schema_name
    folder = private_directory(backup_dir() / schema)
    now = timezone.now()
    final = folder / f"{schema}-{now:%Y%m%dT%H%M%S%fZ}.dump"
    partial = final.with_suffix(".dump.part")
    try:
        _run(
            [
                "pg_dump",
                "--format=custom",
                f"--schema={schema}",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
            ],
            what="pg_dump",
        )
        os.chmod(partial, 0o600)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    with transaction.atomic():
        backup = OrganisationBackup.objects.create(
            organisation=organisation,
            schema_name=schema,
            created_at=now,
            created_by=actor,
            trigger=trigger,
            file_name=str(final.relative_to(backup_dir())),
            size=final.stat().st_size,
            sha256=_sha256(final),
            migrations=_applied_migrations(schema),
        )
        platform_audit_record(
            actor=actor,
            action=PlatformAuditAction.ORGANISATION_BACKED_UP,
            organisation=organisation,
            detail={"backup": backup.pk, "trigger": trigger, "bytes": backup.size},
        )
    return backup


def backup_now_queue(*, organisation: Organisation, actor: str) -> None:
    """Ask the worker for a backup now (the console's "back up now", page and REST), through
    the outbox: with the broker down the request is kept and sent by the relay later, and
    the helpdesk is told it is queued, not shown an error. The time of asking travels with
    it, so a second delivery of the same request takes no second dump
    (`backup_now_if_still_wanted`)."""
    from goldenthread.platform.core.outbox import queue_after_commit

    from ..tasks import backup_organisation_now

    queue_after_commit(
        backup_organisation_now,
        organisation.pk,
        actor,
        timezone.now().isoformat(),
        schema_name=get_public_schema_name(),
    )


def backup_now_if_still_wanted(
    *, organisation: Organisation, actor: str, requested_at=None
) -> OrganisationBackup:
    """The backup asked for at `requested_at`: one taken since then (this request delivered
    twice, or any other backup) answers it; otherwise one is taken now. Two deliveries
    running at the same moment can still both dump: harmless, only a second file that the
    retention removes."""
    if requested_at is not None:
        since = (
            OrganisationBackup.objects.filter(
                organisation=organisation, created_at__gte=requested_at
            )
            .order_by("created_at")
            .first()
        )
        if since is not None:
            return since
    return backup_create(organisation=organisation, actor=actor)


def backups_prune(*, organisation: Organisation, now=None) -> int:
    """Retention: keep every backup younger than `BACKUP_RETENTION_DAYS` and, whatever their
    age, the newest `BACKUP_KEEP_AT_LEAST`; delete the files of the rest (their rows stay,
    marked deleted, as the record that they existed). Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BACKUP_RETENTION_DAYS)
    live = list(
        OrganisationBackup.objects.filter(
            organisation=organisation, deleted_at__isnull=True
        ).order_by("-created_at", "-pk")
    )
    doomed = [b for b in live[settings.BACKUP_KEEP_AT_LEAST :] if b.created_at < cutoff]
    for backup in doomed:
        (backup_dir() / backup.file_name).unlink(missing_ok=True)
        backup.deleted_at = now
        backup.save(update_fields=["deleted_at"])
    return len(doomed)


def _restore_sql(backup: OrganisationBackup, work: Path) -> Path:
    path = backup_dir() / backup.file_name
    if not path.is_file():
        raise ArchiveRefused(f"The backup file {backup.file_name} is no longer kept.")
    if _sha256(path) != backup.sha256:
        raise ArchiveRefused(
            "The backup file does not match the checksum recorded when it was taken: it was "
            "changed or damaged, and is not restored."
        )
    sql = work / "restore.sql"
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", f"--file={sql}", str(path)],
        what="pg_restore",
    )
    return sql


def _run_script(lines: list[str], sql: Path, after: list[str], work: Path) -> None:
    script = work / "wrapper.sql"
    script.write_text(
        "\n".join(
            [
                "\\set ON_ERROR_STOP on",
                "SET lock_timeout = '30s';",
                *lines,
                f"\\i {sql}",
                *after,
                "",
            ]
        ),
        encoding="utf-8",
    )
    _run(["psql", "-X", "-q", "--single-transaction", "-f", str(script)], what="psql")


def restorable_in_place(*, backup: OrganisationBackup, confirmation: str) -> Organisation:
    """The organisation `backup` may replace, or `ArchiveRefused` saying why not. Checked when
    a restore is asked for (so a wrong confirmation is answered at once) and again by the
    worker just before it restores (the organisation may have migrated in between)."""
    organisation = backup.organisation
    if organisation is None or backup.deleted_at is not None:
        raise ArchiveRefused(
            "This backup cannot be restored in place: its organisation or file is gone."
        )
    if confirmation.strip() != organisation.slug:
        raise ArchiveRefused(
            f"Type the organisation's slug, {organisation.slug}, to confirm replacing its data.",
            extra={"field": "confirmation"},
        )
    schema = organisation.schema_name
    if backup.schema_name != schema:
        raise ArchiveRefused("This backup is of another schema.")
    if schema_exists(schema) and _applied_migrations(schema) != backup.migrations:
        raise ArchiveRefused(
            "The backup was taken at a different database version than the organisation is "
            "at now: restore it as a copy for inspection instead."
        )
    return organisation


def restorable_as_copy(*, backup: OrganisationBackup) -> None:
    if backup.deleted_at is not None:
        raise ArchiveRefused("This backup's file has been deleted under the retention rules.")


def _no_phase(phase: str, progress: int) -> None:
    """The default `on_phase`: the command line and the tests need no progress."""


def backup_restore_in_place(
    *,
    backup: OrganisationBackup,
    actor: str,
    confirmation: str,
    on_phase: Callable[[str, int], None] = _no_phase,
) -> OrganisationBackup:
    """Replace the organisation's schema by the backup (one transaction). The caller types the
    organisation's slug as `confirmation`. A safety backup of the schema as it is now is taken
    first and returned, so the restore itself can be undone. `on_phase(words, percent)` is
    told as each step starts."""
    organisation = restorable_in_place(backup=backup, confirmation=confirmation)
    schema = organisation.schema_name
    on_phase("Taking a safety backup of the data as they are now", 10)
    safety = backup_create(organisation=organisation, actor=actor, trigger=BackupTrigger.MANUAL)
    on_phase("Restoring the backup", 50)
    with tempfile.TemporaryDirectory(prefix="gt-restore-") as tmp:
        work = Path(tmp)
        sql = _restore_sql(backup, work)
        drop = [f"DROP SCHEMA IF EXISTS {_quoted(schema)} CASCADE;"]
        _run_script(drop, sql, [], work)
    connection.set_schema_to_public()
    # psql wrote the rows: cached reads of the organisation must not outlive them.
    stamp_after_outside_write([schema])
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_RESTORED,
        organisation=organisation,
        detail={
            "backup": backup.pk,
            "backup_taken_at": backup.created_at.isoformat(),
            "safety_backup": safety.pk,
        },
    )
    return safety


def backup_restore_copy(
    *,
    backup: OrganisationBackup,
    actor: str,
    on_phase: Callable[[str, int], None] = _no_phase,
) -> RestoredCopy:
    """Restore the backup beside the live organisation under `<schema>_r<time>`, for
    inspection. The live schema is untouched (renamed aside and back inside the same
    transaction)."""
    restorable_as_copy(backup=backup)
    on_phase("Restoring the backup beside the organisation", 30)
    schema = backup.schema_name
    copy_name = f"{schema}_r{timezone.now():%Y%m%d%H%M%S}"[:63]
    if schema_exists(copy_name):
        raise ArchiveRefused(f"The schema {copy_name} already exists; try again in a second.")
    hold = f"gt_restore_hold_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="gt-restore-") as tmp:
        work = Path(tmp)
        sql = _restore_sql(backup, work)
        live = schema_exists(schema)
        before = [f"ALTER SCHEMA {_quoted(schema)} RENAME TO {_quoted(hold)};"] if live else []
        after = [f"ALTER SCHEMA {_quoted(schema)} RENAME TO {_quoted(copy_name)};"]
        if live:
            after.append(f"ALTER SCHEMA {_quoted(hold)} RENAME TO {_quoted(schema)};")
        _run_script(before, sql, after, work)
    connection.set_schema_to_public()
    with transaction.atomic():
        copy = RestoredCopy.objects.create(backup=backup, schema_name=copy_name, created_by=actor)
        platform_audit_record(
            actor=actor,
            action=PlatformAuditAction.ORGANISATION_RESTORED_COPY,
            organisation=backup.organisation,
            detail={"backup": backup.pk, "schema": copy_name},
        )
    return copy


@transaction.atomic
def restored_copy_drop(*, copy: RestoredCopy, actor: str) -> RestoredCopy:
    """Drop an inspection copy's schema."""
    if copy.dropped_at is not None:
        raise ArchiveRefused("This copy has already been dropped.")
    if not copy.schema_name.startswith(copy.backup.schema_name + "_r"):
        raise ArchiveRefused("Refusing to drop a schema that is not an inspection copy.")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_quoted(copy.schema_name)} CASCADE")
    copy.dropped_at = timezone.now()
    copy.save(update_fields=["dropped_at"])
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.RESTORED_COPY_DROPPED,
        organisation=copy.backup.organisation,
        detail={"schema": copy.schema_name},
    )
    return copy
