"""Imports of an organisation archive asked for by the helpdesk (console and helpdesk REST),
carried out by a worker.

The request answers at once what it can without reading the archive — the file's size
against `ARCHIVE_IMPORT_MAX_UPLOAD_BYTES`, the new organisation's name and slug (free, valid,
no stray schema or host) — then stores the upload under `ARCHIVE_DIR/imports/` (0600) and
records an `ImportRun`, queued through the outbox in the same transaction; a refusal stores
and queues nothing. The archive is read only on the worker, which claims the run
(`core.jobs`), checks the archive (`importing.check_archive`) and imports it
(`importing.organisation_import`: one transaction, audited as `organisation.imported`), and
records on the run the organisation made or the refusal naming the problem. The run's own
"done" is written in the import's transaction, so a run is never done without its
organisation nor an organisation left without its run saying so. The upload is deleted when
the run finishes, whatever the outcome.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.core import jobs
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.models import Domain, Organisation
from goldenthread.tenants.services import (
    _organisation_errors,
    organisation_host,
    schema_name_for,
)
from goldenthread.tenants.usage import size_in_words

from ..errors import ArchiveRefused
from ..models import ImportRun, ImportStatus
from .importing import check_archive, organisation_import
from .storage import archive_dir, private_directory

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_BYTES = 1024**3
UNEXPECTED = "The import failed unexpectedly; the worker's log has the details."
INTERRUPTED = (
    "The worker stopped during this import. The import is one transaction, so nothing of it "
    "was kept: upload the archive again."
)

# An import as a `core.jobs` kind (public schema, where its run lives).
IMPORT = jobs.JobKind(
    model=ImportRun,
    waiting=Q(status=ImportStatus.QUEUED),
    start={"status": ImportStatus.RUNNING, "phase": "Starting", "progress": 1},
    running=Q(status=ImportStatus.RUNNING),
    public=True,
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "ARCHIVE_IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def check_upload_size(*, size: int) -> None:
    """Refuse an empty upload or one over `ARCHIVE_IMPORT_MAX_UPLOAD_BYTES`, naming the limit
    (looked at before the file is stored or read)."""
    limit = max_upload_bytes()
    if not size:
        raise ArchiveRefused("The uploaded file is empty.")
    if size > limit:
        raise ArchiveRefused(
            f"The archive is {size_in_words(size)}; the largest the helpdesk may upload is "
            f"{size_in_words(limit)}. A larger archive is imported by an operator with "
            "`goldenthread archive import`.",
            extra={"max_bytes": limit, "size": size},
        )


# What a multipart request carries besides the archive: boundaries, each part's headers, the
# file's name and the name and slug fields; far more than they can take, far less than a file.
UPLOAD_ENVELOPE_BYTES = 64 * 1024


def check_declared_request_size(*, content_length: str | None) -> None:
    """Refuse a request whose declared `Content-Length` is already over the largest upload
    plus `UPLOAD_ENVELOPE_BYTES`, naming the limit. Meant to be called before the body is
    read (the REST endpoint), so an over-size archive is never received or spooled. A missing
    or unreadable length (e.g. chunked) passes: `check_upload_size` still sees the file."""
    try:
        declared = int(content_length or "")
    except ValueError:
        return
    limit = max_upload_bytes()
    if declared > limit + UPLOAD_ENVELOPE_BYTES:
        raise ArchiveRefused(
            f"The request is {size_in_words(declared)}; the largest the helpdesk may upload is "
            f"{size_in_words(limit)} (with up to {size_in_words(UPLOAD_ENVELOPE_BYTES)} for the "
            "form around it), so it was refused before being received. A larger archive is "
            "imported by an operator with `goldenthread archive import`.",
            extra={"max_bytes": limit, "content_length": declared},
        )


def new_organisation_errors(*, name: str, slug: str) -> dict[str, list[str]]:
    """What is wrong with `name` and `slug` for a new organisation (the provisioning rules:
    a valid slug, free, with no schema or host of that name left behind); empty when
    nothing. The archive brings the rest (type, region, modules) and is checked on the
    worker."""
    slug = slug.strip().lower()
    candidate = Organisation(name=name.strip(), slug=slug, schema_name=schema_name_for(slug))
    errors = {
        field: messages
        for field, messages in _organisation_errors(candidate).items()
        if field in ("name", "slug")
    }
    if "slug" not in errors and Domain.objects.filter(domain=organisation_host(slug)).exists():
        errors["slug"] = [f"The host {organisation_host(slug)} is already in use."]
    return errors


def _store(upload) -> tuple[str, str, int]:
    """Write the upload under ARCHIVE_DIR/imports/ (0600, as `.part` then renamed), hashing
    it; returns its name relative to ARCHIVE_DIR, its SHA-256 and its size."""
    folder = private_directory(archive_dir() / "imports")
    name = f"{uuid.uuid4().hex}.zip"
    partial = folder / f"{name}.part"
    digest = hashlib.sha256()
    size = 0
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        partial.rename(folder / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return f"imports/{name}", digest.hexdigest(), size


def _delete_upload(file_name: str) -> None:
    if file_name:
        (archive_dir() / file_name).unlink(missing_ok=True)


def import_request(*, upload, name: str, slug: str, actor: str) -> ImportRun:
    """Check and queue the import of an uploaded archive (a Django `UploadedFile`) as a new
    organisation called `name` at `slug`. Refusals raise `ArchiveRefused` (the file) or
    `ValidationError` (per field: name, slug) and leave nothing stored or queued."""
    from ..tasks import import_archive

    check_upload_size(size=upload.size or 0)
    slug = slug.strip().lower()
    errors = new_organisation_errors(name=name, slug=slug)
    if errors:
        raise ValidationError(errors)
    file_name, sha256, size = _store(upload)
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                name=name.strip(),
                slug=slug,
                requested_by=actor,
                original_name=os.path.basename(upload.name or "")[:200],
                file_name=file_name,
                size=size,
                sha256=sha256,
                phase="Waiting for the worker",
            )
            # Through the outbox, in the run's transaction: a broker down now delays the
            # import, it does not lose it.
            jobs.queue(IMPORT, import_archive, run.pk)
    except IntegrityError:
        _delete_upload(file_name)
        raise ArchiveRefused(
            f"An import as {slug} is already waiting or under way; wait for it to finish "
            "(the imports page shows it)."
        ) from None
    except BaseException:
        _delete_upload(file_name)
        raise
    return run


def _finish(run_id: int, *, status: str, phase: str, error: str = "", **result) -> None:
    fields = {"status": status, "phase": phase, "error": error, "finished_at": timezone.now()}
    if status == ImportStatus.DONE:
        fields["progress"] = 100
    ImportRun.objects.filter(pk=run_id).update(**fields, **result)


def _interrupted(run_id: int) -> None:
    """A run found running while no worker holds it: its worker died mid-import, so the
    import's transaction was rolled back. Marked failed (not run again on its own), and its
    upload deleted, which also frees the slug for the next upload."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportStatus.RUNNING).first()
    if run is None:
        return
    _delete_upload(run.file_name)
    _finish(
        run_id, status=ImportStatus.FAILED, phase="Interrupted", error=INTERRUPTED, file_name=""
    )


def _validation_words(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)


def import_run_execute(*, run_id: int) -> ImportRun | None:
    """The worker's side: check the run's archive and import it, recording the phase, the
    organisation made or the refusal. The run is claimed (`core.jobs`): a duplicate delivery,
    while it runs or after, does nothing."""
    with jobs.claim(IMPORT, run_id) as claimed:
        if claimed is jobs.Claim.ORPHANED:
            _interrupted(run_id)
        if claimed is not jobs.Claim.CLAIMED:
            logger.warning("import run %s is not waiting to start; nothing done", run_id)
            return None
        return _import(ImportRun.objects.get(pk=run_id))


def _import(run: ImportRun) -> ImportRun:
    def on_phase(phase: str, progress: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(phase=phase, progress=progress)

    path = archive_dir() / run.file_name if run.file_name else Path("/nonexistent")
    try:
        on_phase("Checking the archive", 10)
        checked = check_archive(path)
        on_phase("Creating the organisation and loading its data", 40)
        with transaction.atomic():
            organisation = organisation_import(
                archive_path=path,
                name=run.name,
                slug=run.slug,
                actor=run.requested_by,
                checked=checked,
                audit_detail={"import_run": run.pk},
            )
            _finish(run.pk, status=ImportStatus.DONE, phase="Imported", organisation=organisation)
    except DomainError as exc:
        _finish(run.pk, status=ImportStatus.FAILED, phase="Not imported", error=exc.message)
    except ValidationError as exc:
        _finish(
            run.pk, status=ImportStatus.FAILED, phase="Not imported", error=_validation_words(exc)
        )
    except Exception:
        logger.exception("import run %s failed", run.pk)
        _finish(run.pk, status=ImportStatus.FAILED, phase="Not imported", error=UNEXPECTED)
        raise
    finally:
        _delete_upload(run.file_name)
        ImportRun.objects.filter(pk=run.pk).update(file_name="")
    run.refresh_from_db()
    return run
