"""The memory-capped child (`core.bounded`) holds its ceiling even when its parent has a large
freed heap, as a long-lived worker or test process has: the child can refill that heap without
a new mapping, so the address-space cap alone does not stop it (seen in the full suite: a
shared-strings bomb was read whole under a 64 MB ceiling)."""

from __future__ import annotations

import pytest

from goldenthread.platform.core.bounded import MemoryCeilingReached, run_with_memory_ceiling

CHUNK = 64 * 1024  # under glibc's mmap threshold: served from the heap, reused once freed


def _fill(megabytes: int) -> int:
    """Allocate and touch `megabytes` MB in heap-sized chunks; the count held at the end."""
    held = [bytearray(CHUNK) for _ in range(megabytes * 1024 * 1024 // CHUNK)]
    return len(held)


@pytest.fixture
def freed_heap():
    """300 MB allocated and freed in the parent, with the last chunk kept so that the heap's
    top cannot be given back: the freed space stays mapped, ready for a forked child."""
    chunks = [bytearray(CHUNK) for _ in range(300 * 1024 * 1024 // CHUNK)]
    keep = chunks[-1]
    del chunks
    yield keep


def test_a_child_that_refills_its_parents_freed_heap_is_stopped_at_the_ceiling(
    freed_heap, settings
):
    settings.TABULAR_READ_MEMORY_MB = 64
    with pytest.raises(MemoryCeilingReached) as refused:
        run_with_memory_ceiling(_fill, 200)
    assert refused.value.megabytes == 64


def test_work_within_the_ceiling_returns_its_result(freed_heap, settings):
    settings.TABULAR_READ_MEMORY_MB = 64
    assert run_with_memory_ceiling(_fill, 16) == 16 * 1024 * 1024 // CHUNK
