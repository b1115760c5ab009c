"""Exporting one organisation to an archive (format: `domain.format`, docs/archive-format.md).

The export reads every table `selectors.coverage.archive_tables()` names with PostgreSQL's
COPY, inside ONE read-only REPEATABLE READ transaction on a connection of its own, so the
archive is a consistent snapshot even while people keep working; progress is written on the
worker's ordinary connection, so the page sees it as it goes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import psycopg
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.core import jobs
from goldenthread.tenants.models import Organisation, PlatformAuditAction, PlatformAuditEvent
from goldenthread.tenants.services import platform_audit_record

from ..domain import format as fmt
from ..errors import ArchiveRefused
from ..models import ExportRun, RequestedVia, RunStatus
from ..permissions import require_export_organisation, require_platform_archives
from ..selectors.coverage import WITHHELD_COLUMNS, WITHHELD_TABLES, ArchiveTable, archive_tables
from .storage import archive_dir, private_directory

README_SOURCE = Path(__file__).resolve().parents[3] / "docs" / "archive-format.md"


# An export as a `core.jobs` kind (public schema). One left by a dead worker is written again
# (its archive is written as `.part` and renamed only when whole).
EXPORT = jobs.JobKind(
    model=ExportRun,
    waiting=Q(status=RunStatus.QUEUED),
    start={"status": RunStatus.RUNNING, "progress": 1, "phase": "Starting"},
    running=Q(status=RunStatus.RUNNING),
    public=True,
)


def _queue(run: ExportRun) -> None:
    """Queue the export through the outbox (a broker down now delays it, it does not lose it)."""
    from ..tasks import export_organisation

    jobs.queue(EXPORT, export_organisation, run.pk)


@transaction.atomic
def export_request(*, organisation: Organisation, user) -> ExportRun:
    """An organisation administrator asks for an export of their own organisation (on its
    host). The worker writes it; `ExportRun.progress` tells how far it is."""
    require_export_organisation(user)
    run = ExportRun.objects.create(
        organisation=organisation,
        requested_by=user.email,
        requested_via=RequestedVia.ORGANISATION,
    )
    platform_audit_record(
        actor=user.email,
        action=PlatformAuditAction.EXPORT_REQUESTED,
        organisation=organisation,
        detail={"export": run.pk, "via": RequestedVia.ORGANISATION},
    )
    _queue(run)
    return run


@transaction.atomic
def export_request_by_helpdesk(*, organisation: Organisation, staff_user, reason: str) -> ExportRun:
    """A helpdesk lead exports an organisation on its request (a leaving council, a
    regulator's demand): the reason names the request and is kept in the audit log."""
    require_platform_archives(staff_user)
    reason = reason.strip()
    if not reason:
        raise ArchiveRefused(
            "Say whose request this export answers (for example the ticket and the person).",
            extra={"field": "reason"},
        )
    run = ExportRun.objects.create(
        organisation=organisation,
        requested_by=staff_user.email,
        requested_via=RequestedVia.HELPDESK,
        reason=reason[:500],
    )
    platform_audit_record(
        actor=staff_user.email,
        action=PlatformAuditAction.EXPORT_REQUESTED,
        organisation=organisation,
        detail={"export": run.pk, "via": RequestedVia.HELPDESK, "reason": reason[:500]},
    )
    _queue(run)
    return run


def export_download_record(*, run: ExportRun, actor: str) -> Path:
    """The archive's path, once the download is recorded in the platform audit log."""
    if run.status != RunStatus.DONE:
        raise ArchiveRefused("This export is not ready to download.")
    if not run.file_name:
        raise ArchiveRefused("This export's archive has been deleted; ask for a new export.")
    path = archive_dir() / run.file_name
    if not path.is_file():
        raise ArchiveRefused("This export's file is no longer kept; ask for a new export.")
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.EXPORT_DOWNLOADED,
        organisation=run.organisation,
        detail={"export": run.pk, "sha256": run.sha256},
    )
    return path


class _HashingWriter:
    """Writes to a ZIP member while counting bytes and hashing them."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)


class _ArchiveWriter:
    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.files: dict[str, dict[str, Any]] = {}

    def member(self, name: str, chunks: Iterator[bytes]) -> None:
        info = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        with self.zf.open(info, "w", force_zip64=True) as target:
            writer = _HashingWriter(target)
            for chunk in chunks:
                writer.write(chunk)
        self.files[name] = {"sha256": writer.digest.hexdigest(), "bytes": writer.size}

    def text(self, name: str, text: str) -> None:
        self.member(name, iter([text.encode("utf-8")]))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_list(table: ArchiveTable) -> str:
    parts = []
    for column in table.columns:
        if column in table.withheld:
            # A literal in place of the secret, under the column's own name.
            literal = table.withheld[column].replace("'", "''")
            parts.append(f"'{literal}' AS {_quoted(column)}")
        else:
            parts.append(_quoted(column))
    return ", ".join(parts)


def _copy_out(cursor, sql: str) -> Iterator[bytes]:
    with cursor.copy(sql) as copy:
        for block in copy:
            yield bytes(block)


def _schema_document(tables: list[ArchiveTable], column_types: dict[tuple[str, str], str]) -> dict:
    return {
        "tables": [
            {
                "model": table.label,
                "table": table.table,
                "file": fmt.table_member(table.label),
                "primary_key": table.pk_column,
                "columns": [
                    {
                        "name": column,
                        "type": column_types.get((table.table, column), "unknown"),
                        **(
                            {
                                "withheld": True,
                                "placeholder": table.withheld[column],
                                "reason": WITHHELD_COLUMNS[(table.label, column)][1],
                            }
                            if column in table.withheld
                            else {}
                        ),
                    }
                    for column in table.columns
                ],
                "file_columns": list(table.file_columns),
            }
            for table in tables
        ],
        "withheld_tables": [
            {"model": label, "reason": reason} for label, reason in sorted(WITHHELD_TABLES.items())
        ],
    }


def _organisation_document(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "slug": organisation.slug,
        "schema": organisation.schema_name,
        "type": organisation.type,
        "ons_code": organisation.ons_code,
        "region": organisation.region,
        "licensed_modules": list(organisation.licensed_modules or []),
        "mfa_required_for_everyone": organisation.mfa_required_for_everyone,
        "created_at": organisation.created_at.isoformat(),
    }


def _platform_audit_csv(organisation: Organisation) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["created_at", "actor", "action", "detail"])
    for event in PlatformAuditEvent.objects.filter(organisation=organisation).order_by(
        "created_at", "pk"
    ):
        writer.writerow(
            [event.created_at.isoformat(), event.actor, event.action, json.dumps(event.detail)]
        )
    return buffer.getvalue()


@contextmanager
def _snapshot_cursor() -> Iterator[Any]:
    """A psycopg cursor reading one consistent snapshot of the database.

    Outside a transaction (the worker) it is a connection of its own in a read-only
    REPEATABLE READ transaction, so people may go on working while it reads. Inside a
    transaction (a caller that has just written what it exports) it reads in that one."""
    if connection.in_atomic_block:
        with connection.cursor() as wrapper:
            yield wrapper.cursor
        return
    snapshot = connections.create_connection("default")
    try:
        snapshot.ensure_connection()
        raw = snapshot.connection
        raw.autocommit = False
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            yield cursor
        raw.rollback()
    finally:
        snapshot.close()


def write_archive(
    *,
    organisation: Organisation,
    target: Path,
    created_by: str,
    progress=lambda percent, phase: None,
) -> dict:
    """Write the organisation's archive to `target`; returns the manifest. Reads one
    consistent snapshot of the organisation's schema."""
    tables = archive_tables()
    schema = organisation.schema_name
    with _snapshot_cursor() as cursor, zipfile.ZipFile(target, "w", allowZip64=True) as zf:
        cursor.execute(
            f"SELECT app, name FROM {_quoted(schema)}.django_migrations ORDER BY app, name"  # noqa: S608
        )
        migrations = [list(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s",
            [schema],
        )
        column_types = {(t, c): d for t, c, d in cursor.fetchall()}
        archive = _ArchiveWriter(zf)
        counts: dict[str, int] = {}
        file_names: list[str] = []
        for index, table in enumerate(tables):
            progress(5 + int(75 * index / max(len(tables), 1)), f"Writing {table.label}")
            qualified = f"{_quoted(schema)}.{_quoted(table.table)}"
            cursor.execute(f"SELECT count(*) FROM {qualified}")  # noqa: S608 - quoted names
            counts[table.label] = cursor.fetchone()[0]
            sql = (
                f"COPY (SELECT {_select_list(table)} FROM {qualified} "  # noqa: S608
                f"ORDER BY {_quoted(table.pk_column)}) TO STDOUT WITH ({fmt.CSV_OPTIONS})"
            )
            archive.member(fmt.table_member(table.label), _copy_out(cursor, sql))
            for column in table.file_columns:
                cursor.execute(
                    f"SELECT {_quoted(column)} FROM {qualified} "  # noqa: S608
                    f"WHERE {_quoted(column)} <> '' ORDER BY 1"
                )
                file_names.extend(row[0] for row in cursor.fetchall())
        for index, name in enumerate(file_names):
            progress(80 + int(15 * index / max(len(file_names), 1)), "Copying uploaded files")
            member = "files/" + name
            if fmt.member_name_problem(member):
                raise ArchiveRefused(
                    f"An uploaded file has a name the archive cannot hold: {name!r}."
                )
            if not default_storage.exists(name):
                continue  # listed in its table; the file itself was lost before the export
            with default_storage.open(name, "rb") as handle:
                archive.member(member, iter(lambda: handle.read(1024 * 1024), b""))
        progress(96, "Writing the manifest")
        archive.text(fmt.README, _readme_text())
        archive.text(fmt.SCHEMA, json.dumps(_schema_document(tables, column_types), indent=2))
        archive.text(fmt.ORGANISATION, json.dumps(_organisation_document(organisation), indent=2))
        archive.text(fmt.PLATFORM_AUDIT, _platform_audit_csv(organisation))
        manifest = {
            "format": fmt.FORMAT_NAME,
            "format_version": fmt.FORMAT_VERSION,
            "organisation": {"name": organisation.name, "slug": organisation.slug},
            "created_at": timezone.now().isoformat(),
            "created_by": created_by,
            "migrations": migrations,
            "counts": counts,
            "files": archive.files,
        }
        zf.writestr(fmt.MANIFEST, json.dumps(manifest, indent=2))
    return manifest


def _readme_text() -> str:
    try:
        return README_SOURCE.read_text(encoding="utf-8")
    except OSError:
        return "# Golden Thread organisation archive\n\nSee docs/archive-format.md.\n"


def export_run_execute(*, run_id: int) -> ExportRun | None:
    """The worker's part: write the archive of `run_id`, reporting progress. Idempotent: a
    run that is already done (a redelivered message) is left as it is."""
    with jobs.claim(EXPORT, run_id) as claimed:
        if claimed not in (jobs.Claim.CLAIMED, jobs.Claim.ORPHANED):
            return ExportRun.objects.filter(pk=run_id).first()  # a duplicate: nothing to do
        return _export(run_id)


def _export(run_id: int) -> ExportRun:
    run = ExportRun.objects.select_related("organisation").get(pk=run_id)

    def progress(percent: int, phase: str) -> None:
        ExportRun.objects.filter(pk=run.pk).update(progress=min(percent, 99), phase=phase[:200])

    organisation = run.organisation
    folder = private_directory(archive_dir() / "exports" / organisation.schema_name)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    final = folder / f"{organisation.slug}-{stamp}-{run.pk}.zip"
    partial = final.with_suffix(".zip.part")
    try:
        write_archive(
            organisation=organisation,
            target=partial,
            created_by=run.requested_by,
            progress=progress,
        )
        digest = hashlib.sha256()
        with open(partial, "rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
        os.chmod(partial, 0o600)
        os.replace(partial, final)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        ExportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=getattr(exc, "message", None) or f"The export failed: {exc.__class__.__name__}.",
            finished_at=timezone.now(),
        )
        raise
    ExportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        progress=100,
        phase="Ready",
        file_name=str(final.relative_to(archive_dir())),
        size=final.stat().st_size,
        sha256=digest.hexdigest(),
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def export_to_file(*, organisation: Organisation, target: Path, actor: str, reason: str) -> dict:
    """The command line's export (run by an operator on the platform's own machine, so no
    worker): written to `target` at once, audited with the reason like the console's."""
    reason = reason.strip()
    if not reason:
        raise ArchiveRefused("Say whose request this export answers (--reason).")
    target = Path(target)
    if target.exists():
        raise ArchiveRefused(f"{target} already exists; choose a new file name.")
    partial = target.with_name(target.name + ".part")
    try:
        manifest = write_archive(organisation=organisation, target=partial, created_by=actor)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.EXPORT_REQUESTED,
        organisation=organisation,
        detail={"via": "command line", "reason": reason[:500], "file": target.name},
    )
    return manifest


def exports_prune(*, organisation: Organisation, now=None) -> int:
    """Exports are for downloading, not for keeping: archives older than
    `settings.EXPORT_RETENTION_DAYS` are deleted (their runs stay, saying so). Returns how many
    files were deleted."""
    from datetime import timedelta

    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportRun.objects.filter(
        organisation=organisation, status=RunStatus.DONE, finished_at__lt=cutoff
    ).exclude(file_name="")
    count = 0
    for run in old:
        (archive_dir() / run.file_name).unlink(missing_ok=True)
        run.file_name = ""
        run.phase = f"Deleted after {settings.EXPORT_RETENTION_DAYS} days"
        run.save(update_fields=["file_name", "phase"])
        count += 1
    return count
