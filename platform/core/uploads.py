"""What the web does with an uploaded table: check its size, keep it, and leave the reading to
the worker (#16 item 6).

A file is small on the wire and can be enormous once read, so no web request parses one:
pages and REST endpoints take the bytes with `received_bytes` and services check them with
`check_upload_size` (both look at the length and nothing else), store them on the import's
job record and queue a Celery task. The task reads the file
with `core.tabular.read_table`, whose memory-capped child is then forked from the worker, and
records what it found on the job: its state, every problem (row, column, reason) and the
preview. Pages poll the job (`static/goldenthread/job-progress.js`), REST answers 202 with a
Location to poll. Management commands, run by an operator on a file they chose, still read
synchronously.
"""

from __future__ import annotations

from .errors import DomainError
from .tabular import TabularFileError, TabularLimits, check_size, too_large


class UploadRefused(DomainError):
    code = "upload_refused"


def check_upload_size(content: bytes, *, limits: TabularLimits) -> None:
    """Refuse an empty upload, or one over the import's size limit, naming the limit."""
    try:
        check_size(content, limits=limits.configured())
    except TabularFileError as error:
        raise UploadRefused(error.message, extra={"problems": [problem_of(error)]}) from None


def problem_of(error: TabularFileError) -> dict:
    """A whole-file refusal in the shape every job lists problems: row (None for the file),
    column and message."""
    return {"row": error.row, "column": None, "message": error.message}


def received_bytes(upload, *, limits: TabularLimits) -> bytes:
    """The bytes of an uploaded file (Django's UploadedFile), size-checked; one over the limit
    is refused before it is read into memory (until then a large upload waits on disk)."""
    refusal = too_large(upload.size or 0, limits=limits.configured())
    if refusal is not None:
        raise UploadRefused(refusal.message, extra={"problems": [problem_of(refusal)]})
    content = upload.read()
    check_upload_size(content, limits=limits)
    return content
