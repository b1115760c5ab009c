"""Write a checked import, all or nothing.

`commit_table` runs inside one transaction: it checks the rows again with the existing values
or targets locked (the data may have changed since the preview), refuses with
`ImportRefused` when anything is now wrong or different from what was previewed, and
otherwise writes new rows with `bulk_create`, changed rows with `bulk_update` and the audit
trail in bulk. Statuses come from the same pure domain functions `value_enter` uses. Any
failure part-way, a database constraint included, rolls the whole import back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import Conflict, PermissionDenied

from ...domain.choices import AuditAction, WorkflowStatus
from ...domain.importing.reader import ImportFileError, Table
from ...models import AuditEntry, ImportJob, ImportKind, ImportStatus, IndicatorValue, Target
from ..audit import changed_only, plain, snapshot
from ..common import STATUS_FIELDS, assess_indicator, settings_for, store_status
from ..values import VALUE_AUDIT_FIELDS
from .copying import copy_insert
from .preview import RESULT_FIELDS, read_job_file, require_import, store_validation
from .validator import NEW, Planned, Validation, validate

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000
VALUE_WRITE_FIELDS = [
    "value",
    "numerator",
    "denominator",
    "state",
    "workflow_status",
    "out_of_range_confirmed",
    "out_of_range_note",
    "entered_by",
    "entered_at",
    *STATUS_FIELDS,
    "updated_at",
]

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class ImportRefused(Exception):
    """Nothing was written: the rows checked at commit have problems, or would change
    something other than what the uploader previewed. `validation` is the new preview."""

    def __init__(self, validation: Validation, message: str):
        super().__init__(message)
        self.validation = validation
        self.message = message


def _actor_name(actor: User) -> str:
    return actor.full_name or actor.email


def _reason(file_name: str, plan: Planned) -> str:
    reason = f"Imported from {file_name}, row {plan.row}"
    return f"{reason}: {plan.note}" if plan.note else reason


def _phase(progress: Progress | None, phase: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(phase, done, total)


def _in_batches(
    objects: list, write: Callable[[list], Any], *, phase: str, progress: Progress | None
) -> None:
    for start in range(0, len(objects), BATCH_SIZE):
        write(objects[start : start + BATCH_SIZE])
        if progress is not None:
            progress(phase, min(start + BATCH_SIZE, len(objects)), len(objects))


def _write_values(
    validation: Validation, *, actor: User, file_name: str, progress: Progress | None
) -> None:
    now = timezone.now()
    new_rows, changed_rows = [], []
    for plan in validation.planned:
        row = plan.obj
        row.entered_by, row.entered_at, row.updated_at = actor, now, now
        (new_rows if plan.kind == NEW else changed_rows).append(row)
    copy_insert(new_rows, progress=_phase(progress, "Saving new values"))
    _in_batches(
        changed_rows,
        lambda batch: IndicatorValue.objects.bulk_update(batch, VALUE_WRITE_FIELDS),
        phase="Saving changed values",
        progress=progress,
    )
    entries = []
    for plan in validation.planned:
        after = plan.after or snapshot(plan.obj, VALUE_AUDIT_FIELDS)
        old, new = (None, after) if plan.before is None else changed_only(plan.before, after)
        entries.append(
            AuditEntry(
                actor=actor,
                actor_name=_actor_name(actor),
                action=AuditAction.VALUE_ENTERED if plan.kind == NEW else AuditAction.VALUE_CHANGED,
                object_type=IndicatorValue._meta.model_name,
                object_id=str(plan.obj.pk),
                indicator=plan.indicator,
                period_code=plan.obj.period_code,
                old=old,
                new=new,
                reason=_reason(file_name, plan),
            )
        )
    copy_insert(entries, progress=_phase(progress, "Recording the audit trail"))


def _write_targets(
    validation: Validation, *, actor: User, file_name: str, progress: Progress | None
) -> None:
    now = timezone.now()
    new_rows, changed_rows = [], []
    for plan in validation.planned:
        target = plan.obj
        target.set_by, target.set_at = actor, now
        (new_rows if plan.kind == NEW else changed_rows).append(target)
    _in_batches(
        new_rows,
        lambda batch: Target.objects.bulk_create(batch),
        phase="Saving new targets",
        progress=progress,
    )
    _in_batches(
        changed_rows,
        lambda batch: Target.objects.bulk_update(batch, ["value", "note", "set_by", "set_at"]),
        phase="Saving changed targets",
        progress=progress,
    )
    entries = []
    for plan in validation.planned:
        target = plan.obj
        new = {"value": plain(target.value), "note": target.note}
        if target.sub_area_id is not None:
            new["sub_area"] = target.sub_area_id
        entries.append(
            AuditEntry(
                actor=actor,
                actor_name=_actor_name(actor),
                action=AuditAction.TARGET_SET,
                object_type=Target._meta.model_name,
                object_id=str(target.pk),
                indicator=plan.indicator,
                period_code=target.period_code,
                old=plan.before,
                new=new,
                reason=_reason(file_name, plan),
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    _reassess_open_values(validation)


def _reassess_open_values(validation: Validation) -> None:
    """Values not yet approved follow their new targets (as `target_set` does, in bulk);
    approved values keep the status they were approved with."""
    pairs = {(plan.indicator.pk, plan.obj.period_code) for plan in validation.planned}
    if not pairs:
        return
    indicator_ids = {pk for pk, _ in pairs}
    period_codes = {code for _, code in pairs}
    rows = [
        row
        for row in IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids, period_code__in=period_codes
        )
        .exclude(workflow_status=WorkflowStatus.APPROVED)
        .select_related("indicator")
        if (row.indicator_id, row.period_code) in pairs
    ]
    if not rows:
        return
    targets = {
        (t.indicator_id, t.period_code, t.sub_area_id): t.value
        for t in Target.objects.filter(indicator_id__in=indicator_ids, period_code__in=period_codes)
    }
    settings = settings_for()
    now = timezone.now()
    for row in rows:
        target = targets.get((row.indicator_id, row.period_code, row.sub_area_id))
        if target is None:
            target = targets.get((row.indicator_id, row.period_code, None))
        result = assess_indicator(
            indicator=row.indicator,
            value=row.value,
            target=target,
            settings=settings,
            value_state=row.state,
        )
        store_status(row, result)
        row.updated_at = now
    IndicatorValue.objects.bulk_update(rows, [*STATUS_FIELDS, "updated_at"], batch_size=BATCH_SIZE)


def commit_table(
    *,
    table: Table,
    kind: str,
    actor: User,
    file_name: str,
    expected_digest: str | None,
    progress: Progress | None = None,
) -> Validation:
    """Check `table` again and write it, in one transaction; returns what was written.

    `expected_digest` is the previewed change set's fingerprint (None to skip that check,
    for the command line's single-step import). Raises ImportRefused, having written nothing.
    """
    with transaction.atomic():
        validation = validate(
            kind=kind,
            table=table,
            actor=actor,
            lock=True,
            progress=(lambda done, total: progress("Checking rows again", done, total))
            if progress
            else None,
        )
        if not validation.ok:
            raise ImportRefused(
                validation,
                "Nothing was imported: the rows have problems now (the data may have changed "
                "since the preview). Check the new preview below.",
            )
        if expected_digest is not None and validation.digest != expected_digest:
            raise ImportRefused(
                validation,
                "Nothing was imported: the data changed since the preview, so the import "
                "would no longer do what you checked. Check the new preview below.",
            )
        write = _write_targets if kind == ImportKind.TARGETS else _write_values
        write(validation, actor=actor, file_name=file_name, progress=progress)
    return validation


COMMIT_FIELDS = [
    "status",
    "counts",
    "committed_at",
    "progress",
    "phase",
    "message",
    "processed_rows",
]


@transaction.atomic  # the job's state and its outbox message, together
def import_commit(*, job: ImportJob, actor: User) -> ImportJob:
    """Step 2: queue the import of a checked file, all or nothing, on a Celery worker (sent
    when this transaction commits): the commit reads the file again, so never in a request.

    Only the uploader may commit their own job, and only one whose preview found no
    problems and something to change.
    """
    if job.created_by_id != actor.pk:
        raise PermissionDenied("Only the person who uploaded this file may import it.")
    require_import(actor, job.kind)
    if job.status == ImportStatus.COMMITTED:
        raise Conflict("This file has already been imported.", code="already_imported")
    if not job.can_commit:
        raise Conflict(
            "This file cannot be imported: it has not been checked, it has problems, or it "
            "changes nothing.",
            code="not_ready",
        )
    # Compare-and-set: of two confirmations of the same preview (two clicks, two tabs), one
    # queues the commit and the other is refused, so the file is imported once.
    waiting = {
        "status": ImportStatus.COMMITTING,
        "progress": 0,
        "processed_rows": 0,
        "phase": "Waiting to start",
        "message": "",
        "started_at": None,  # waiting for a worker to claim the commit (`core.jobs`)
    }
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(**waiting):
        raise Conflict("This file is already being imported.", code="already_importing")
    for name, value in waiting.items():
        setattr(job, name, value)
    from goldenthread.platform.core import jobs

    from .jobs import COMMIT
    from .tasks import import_commit_task

    jobs.queue(COMMIT, import_commit_task, job.pk)
    return job


def run_commit(*, job: ImportJob, progress: Progress | None = None) -> ImportJob:
    """Write the job's file. Safe to run twice (a redelivered task): once the job is
    imported, or back in preview, there is nothing left to do."""
    if job.status not in (ImportStatus.PREVIEWED, ImportStatus.COMMITTING):
        return job
    try:
        table = read_job_file(job)
        with transaction.atomic():
            validation = commit_table(
                table=table,
                kind=job.kind,
                actor=job.created_by,
                file_name=job.file_name,
                expected_digest=job.preview_digest,
                progress=progress,
            )
            # Same transaction as the data: the job says "imported" exactly when it is.
            job.status = ImportStatus.COMMITTED
            job.counts = validation.counts
            job.committed_at = timezone.now()
            job.progress, job.phase, job.message = 100, "", ""
            job.processed_rows = validation.total_rows
            job.save(update_fields=COMMIT_FIELDS)
    except ImportRefused as refused:
        store_validation(job, refused.validation)
        job.message = refused.message
        job.save(update_fields=RESULT_FIELDS)
    except ImportFileError as error:
        fail_job(job, f"Nothing was imported: {error.message}")
    except DatabaseError as error:
        logger.exception("Import %s failed while writing", job.pk)
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        fail_job(job, f"Nothing was imported: the database refused the import ({detail}).")
    return job


def fail_job(job: ImportJob, message: str) -> None:
    job.status = ImportStatus.FAILED
    job.message = message
    job.phase = ""
    job.save(update_fields=["status", "message", "phase"])
