"""Freezing a pack for a committee: the request (checked, queued on commit) and the job the
worker runs (build the pack from the organisation's data as at now, store it once as a
`FrozenPack`, then send it to the distribution list when asked).

The job is idempotent: a run already done only finishes any e-mails still owed; a failed run
stays failed with its reason in words (a new request makes a new run)."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.core import jobs
from goldenthread.platform.core.errors import DomainError

from ..domain.pack import Pack
from ..models import FrozenPack, FrozenPackFile, PackRun, ReportDefinition, RunStatus
from ..permissions import require_write
from ..selectors import definition_version_get, pack_build, parse_report_period
from .frozen_outputs import STORED_FORMATS
from .outputs import render

logger = logging.getLogger(__name__)

UNEXPECTED = (
    "The pack could not be generated because of an unexpected error. Nothing was frozen; "
    "try again, and tell your administrator if it happens again."
)

# The slow outputs (`frozen_outputs.STORED_FORMATS`), drawn once by the worker when the pack
# is frozen (the others are quick enough to make on each download from the stored JSON): the
# progress and words the run shows while each is drawn.
DRAWING = {"pdf": (30, "Drawing the PDF"), "docx": (55, "Writing the Word document")}


def _checked_committee(committee: str, meeting_date) -> tuple[str, date]:
    problems = {}
    committee = str(committee or "").strip()
    if not committee:
        problems["committee"] = "Enter the committee the pack is for."
    elif len(committee) > 200:
        problems["committee"] = "The committee's name must be 200 characters or fewer."
    if isinstance(meeting_date, str):
        try:
            meeting_date = date.fromisoformat(meeting_date.strip())
        except ValueError:
            meeting_date = None
            problems["meeting_date"] = "Enter the meeting date as a real date, like 2026-07-14."
    if meeting_date is None and "meeting_date" not in problems:
        problems["meeting_date"] = "Enter the date of the meeting."
    if problems:
        raise DomainError(
            "The pack cannot be frozen: " + " ".join(problems.values()),
            extra={"fields": problems},
        )
    return committee, meeting_date


@transaction.atomic
def pack_freeze(
    *,
    user,
    definition: ReportDefinition,
    period: str,
    committee: str,
    meeting_date,
    version: int | None = None,
    distribute: bool = False,
) -> PackRun:
    """Ask for the definition's pack for `period` to be frozen for the committee's meeting;
    the worker generates it (queued when this commits). Answers the run to follow."""
    require_write(user)
    # Read afresh: the newest version is the one saved by now, not when the caller loaded it.
    definition = ReportDefinition.objects.get(pk=definition.pk)
    if definition.archived_at is not None:
        raise DomainError("This report definition is archived: its packs cannot be frozen.")
    period = parse_report_period(period)
    committee, meeting_date = _checked_committee(committee, meeting_date)
    chosen = definition_version_get(definition=definition, number=version)
    run = PackRun.objects.create(
        definition=definition,
        definition_version=chosen.number,
        period_code=period.code,
        committee=committee,
        meeting_date=meeting_date,
        distribute=bool(distribute),
        requested_by=user,
        phase="Waiting for the worker",
    )
    _queue(run)
    return run


# A run as a `core.jobs` kind. A run left by a dead worker runs again: freezing is idempotent
# (the frozen pack is stored once, under the run's lock) and each person is mailed once.
RUN = jobs.JobKind(
    model=PackRun,
    waiting=Q(status=RunStatus.QUEUED),
    start={"status": RunStatus.RUNNING, "progress": 5, "phase": "Reading the figures"},
    running=Q(status=RunStatus.RUNNING),
)


def _queue(run: PackRun) -> None:
    """Queue the run through the outbox (a broker down now delays it, it does not lose it)."""
    from ..tasks import generate_pack

    jobs.queue(RUN, generate_pack, run.pk)


def _progress(run_id: int, progress: int, phase: str, **extra) -> None:
    # Its own small write (autocommit), so the progress page sees it while the job runs.
    PackRun.objects.filter(pk=run_id).update(progress=progress, phase=phase, **extra)


def previous_frozen_pack(*, definition_id: int) -> FrozenPack | None:
    """The definition's newest frozen pack: what the next one is compared with."""
    return (
        FrozenPack.objects.filter(definition_id=definition_id).order_by("-frozen_at", "-pk").first()
    )


def pack_run_execute(*, run_id: int) -> PackRun | None:
    """Do the run's work (called by the `generate_pack` task). Safe to call twice: the run is
    claimed (`core.jobs`), so a duplicate delivery while it runs does nothing; one that finds
    it done sends the e-mails still owed (the task's retry after a mail server failure)."""
    with jobs.claim(RUN, run_id) as claimed:
        if claimed is jobs.Claim.BUSY:
            return PackRun.objects.filter(pk=run_id).first()
        # Claimed, or left by a dead worker: freeze; done: send what is still owed.
        return _execute(run_id)


def _execute(run_id: int) -> PackRun | None:
    run = PackRun.objects.filter(pk=run_id).first()
    if run is None or run.status in (RunStatus.FAILED, RunStatus.QUEUED):
        return run
    if run.status != RunStatus.DONE:
        try:
            _freeze(run)
        except Exception as error:  # noqa: BLE001 - every failure is shown to the user in words
            if not isinstance(error, DomainError):
                logger.exception("Pack run %s failed", run_id)
            message = error.message if isinstance(error, DomainError) else UNEXPECTED
            _progress(
                run_id,
                run.progress,
                "Failed",
                status=RunStatus.FAILED,
                error=message,
                finished_at=timezone.now(),
            )
            return PackRun.objects.get(pk=run_id)
        run.refresh_from_db()
    if run.distribute and run.frozen_pack_id:
        from .delivering import pack_distribute

        _progress(run_id, 90, "Sending e-mails")
        try:
            pack_distribute(frozen_pack=run.frozen_pack)
        except Exception:
            # The pack is frozen whatever the mail server does: say so, and let the task's
            # retry send the e-mails still owed (each person at most once).
            _progress(
                run_id,
                100,
                "Ready",
                error="The pack is frozen, but not every e-mail could be sent yet; they are "
                "sent when the mail server answers again.",
            )
            raise
        _progress(run_id, 100, "Ready", error="")
    return PackRun.objects.get(pk=run_id)


def _freeze(run: PackRun) -> None:
    version = run.definition.versions.get(number=run.definition_version)
    previous = previous_frozen_pack(definition_id=run.definition_id)
    as_at = timezone.now()
    pack = pack_build(
        definition=version,
        period=run.period_code,
        as_at=as_at,
        reader=run.requested_by,
        previous=Pack.from_json(previous.pack) if previous else None,
    )
    files = {}
    for fmt in STORED_FORMATS:
        progress, phase = DRAWING[fmt]
        _progress(run.pk, progress, phase)
        files[fmt] = render(pack, fmt).content
    _progress(run.pk, 75, "Storing the frozen pack")
    with transaction.atomic():
        locked = PackRun.objects.select_for_update().get(pk=run.pk)
        if locked.frozen_pack_id:  # another worker finished it meanwhile
            return
        frozen = FrozenPack.objects.create(
            definition_id=run.definition_id,
            definition_version=version.number,
            title=pack.title,
            period_code=pack.period_code,
            period_label=pack.period_label,
            committee=run.committee,
            meeting_date=run.meeting_date,
            as_at=as_at,
            frozen_by=run.requested_by,
            frozen_by_name=str(run.requested_by) if run.requested_by else "Schedule",
            pack=pack.to_json(),
            previous=previous,
        )
        for fmt, content in files.items():
            FrozenPackFile.objects.create(frozen_pack=frozen, format=fmt, content=content)
        locked.frozen_pack = frozen
        locked.status = RunStatus.DONE
        locked.progress = 100 if not run.distribute else 80
        locked.phase = "Ready"
        locked.finished_at = timezone.now()
        locked.save(update_fields=["frozen_pack", "status", "progress", "phase", "finished_at"])
