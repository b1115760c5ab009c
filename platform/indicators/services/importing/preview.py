"""Step 1: keep an uploaded file as an ImportJob (the web), then read and check it and record
what importing it would do (the worker).

The web request never reads the file: it checks the size it was told, stores the bytes and
queues `import_preview_task`. Reading happens on the Celery worker, inside the memory-capped
child of `core.tabular.read_table`, so a hostile workbook can cost a worker's child its
ceiling but never a web process its memory (#16 item 6)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.core.uploads import check_upload_size

from ...domain.importing.columns import COLUMNS_FOR_KIND
from ...domain.importing.reader import LIMITS, ImportFileError, Table, read_file
from ...models import ImportJob, ImportKind, ImportStatus
from ...permissions import MANAGER_ROLES, can_manage_indicators, can_read
from .validator import Validation, file_problem, validate


def can_import(user: User, kind: str = ImportKind.VALUES) -> bool:
    """Values: data providers (for their own PIs, checked per row) and performance officers.
    Targets: performance officers and organisation administrators only."""
    if kind == ImportKind.TARGETS:
        return can_manage_indicators(user)
    return can_read(user) and user.has_role(Role.DATA_PROVIDER, *MANAGER_ROLES)


def require_import(user: User, kind: str) -> None:
    if kind not in ImportKind.values:
        raise DomainError(f"'{kind}' is not something to import; choose values or targets.")
    if not can_import(user, kind):
        if kind == ImportKind.TARGETS:
            raise PermissionDenied(
                "Only performance officers and organisation administrators may import targets."
            )
        raise PermissionDenied("Only data providers and performance officers may import values.")


def read_job_file(job: ImportJob) -> Table:
    return read_file(
        bytes(job.content), file_name=job.file_name, columns=COLUMNS_FOR_KIND[job.kind]
    )


def store_validation(job: ImportJob, validation: Validation) -> None:
    """Copy a check's results onto the job (the caller saves)."""
    job.problems = validation.stored_problems()
    job.changes = validation.stored_changes()
    job.counts = validation.counts
    job.preview_digest = validation.digest
    job.total_rows = validation.total_rows
    job.status = ImportStatus.PREVIEWED
    job.previewed_at = timezone.now()
    job.progress = 100
    job.phase = ""


RESULT_FIELDS = [
    "problems",
    "changes",
    "counts",
    "preview_digest",
    "total_rows",
    "status",
    "previewed_at",
    "progress",
    "phase",
    "message",
    "processed_rows",
]


def run_preview(*, job: ImportJob, progress: Callable | None = None) -> ImportJob:
    """The worker's step: read and check the job's file and record what importing it would
    do."""
    if progress:
        progress("Reading the file", 0, 1)
    try:
        table = read_job_file(job)
    except ImportFileError as error:
        validation = file_problem(job.kind, error.message)
    else:
        validation = validate(
            kind=job.kind,
            table=table,
            actor=job.created_by,
            progress=(lambda done, total: progress("Checking rows", done, total))
            if progress
            else None,
        )
    store_validation(job, validation)
    job.processed_rows = validation.total_rows
    job.save(update_fields=RESULT_FIELDS)
    return job


def import_start(*, actor: User, kind: str, file_name: str, content: bytes) -> ImportJob:
    """Keep an uploaded file as an ImportJob and queue its check on a Celery worker (sent when
    this transaction commits). Only the size is checked here: the file is not read."""
    require_import(actor, kind)
    check_upload_size(content, limits=LIMITS)
    with transaction.atomic():  # the job and its outbox message, together
        return _job_create(actor=actor, kind=kind, file_name=file_name, content=content)


def _job_create(*, actor: User, kind: str, file_name: str, content: bytes) -> ImportJob:
    job = ImportJob.objects.create(
        kind=kind,
        created_by=actor,
        file_name=(file_name or "upload")[:255],
        content=content,
        status=ImportStatus.PREVIEWING,
        phase="Waiting to start",
    )
    from goldenthread.platform.core import jobs

    from .jobs import PREVIEW
    from .tasks import import_preview_task

    # Through the outbox: a broker that is down now delays the check, it does not lose it.
    jobs.queue(PREVIEW, import_preview_task, job.pk)
    return job
