"""The memory ceiling of `core.bounded`, which every reading of an uploaded file runs under
(#16 item 6). Uploads through the pages and REST, read on the real worker, are tested in
`tests/platform/test_uploads_on_the_worker.py`."""

from __future__ import annotations

import pytest

from goldenthread.platform.core.bounded import MemoryCeilingReached, run_with_memory_ceiling


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_the_ceiling_stops_the_child_and_lets_small_work_through(settings):
    settings.TABULAR_READ_MEMORY_MB = 50
    assert run_with_memory_ceiling(_allocate, 10) == 10 * 1024 * 1024
    with pytest.raises(MemoryCeilingReached) as reached:
        run_with_memory_ceiling(_allocate, 200)
    assert reached.value.megabytes == 50
    with pytest.raises(ZeroDivisionError):  # the work's own errors come back as they are
        run_with_memory_ceiling(divmod, 1, 0)
