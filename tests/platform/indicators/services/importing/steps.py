"""The two steps of an import as the web and the worker split them, run one after the other
in the test's own transaction: the web's step (which only keeps the file, or queues the
commit) and then the worker's, called directly. The tasks on a real worker are tested in
`test_background` and `tests/platform/test_uploads_on_the_worker.py`."""

from __future__ import annotations

from goldenthread.platform.indicators.services.importing.commit import import_commit, run_commit
from goldenthread.platform.indicators.services.importing.preview import import_start, run_preview


def start_and_check(user, content: bytes, *, kind: str = "values", name: str = "values.csv"):
    job = import_start(actor=user, kind=kind, file_name=name, content=content)
    assert job.status == "previewing" and job.problems == []  # kept, not read
    return run_preview(job=job)


def commit_and_write(*, job, actor):
    return run_commit(job=import_commit(job=job, actor=actor))
