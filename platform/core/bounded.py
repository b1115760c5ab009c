"""Reading an uploaded file in a child process with a memory ceiling (#16 item 6).

An uploaded table is small on the wire and can be huge once read: a few hundred KB of XLSX
can declare a million-row dimension or unpack into hundreds of MB of shared strings, and a
parser that believes it grows the process that runs it by gigabytes. So the parse runs in a
forked child allowed `settings.TABULAR_READ_MEMORY_MB` of memory of its own, by two guards.
Its address space is capped (`resource.setrlimit(RLIMIT_AS)`) at what it already has plus the
ceiling, so a new mapping beyond that raises MemoryError in the child. But a fork also
inherits the parent's freed heap, which the child can fill without any new mapping (seen: a
shared-strings bomb read whole under a 64 MB ceiling in a large test process). So the parent
also watches the child's own pages (private clean and dirty, /proc/<pid>/smaps_rollup) while
it waits, and kills it once they pass the ceiling; the child freezes the objects it inherited
(`gc.freeze()`) so that its collections do not copy their pages. Either way the child dies
and gives its memory back, and the caller gets `MemoryCeilingReached` to turn into a clear
refusal naming the limit. The web process or the worker that asked keeps its size whatever
the file holds.

The child only computes: it touches no database connection, socket or lock of the parent's
(the result comes back pickled through a pipe), and leaves with `os._exit`, so nothing the
parent owns is flushed or closed twice.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

DEFAULT_MEMORY_MB = 512

T = TypeVar("T")


class MemoryCeilingReached(Exception):
    """The child needed more than `megabytes` MB to do the work, and was stopped."""

    def __init__(self, megabytes: int):
        super().__init__(f"more than {megabytes} MB of memory was needed")
        self.megabytes = megabytes


def memory_ceiling_mb() -> int:
    return int(getattr(settings, "TABULAR_READ_MEMORY_MB", DEFAULT_MEMORY_MB))


def _address_space_bytes() -> int:
    """The process's current virtual size (VmSize): the ceiling is set above it, since a fork
    of a large process (threads' stacks, mapped libraries) starts with a large one."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


# How often the waiting parent looks at the child's memory: a parser allocates in steps far
# smaller than a ceiling, so the child overshoots by little before it is stopped.
WATCH_INTERVAL_SECONDS = 0.02


def _own_bytes(pid: int) -> int:
    """The pages process `pid` alone holds (private clean + private dirty): what it costs the
    machine beyond the pages it still shares with its parent. 0 once it has gone, or where
    the kernel has no smaps_rollup (before Linux 4.14: the address-space cap alone then)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1]) * 1024
    except OSError:
        return 0
    return total


def _child(connection, work: Callable[..., Any], args, kwargs, ceiling: int) -> None:
    try:
        try:
            # A collection would write to every inherited object's header and so copy the
            # parent's heap page by page into the child: counted against the ceiling.
            gc.freeze()
            limit = _address_space_bytes() + ceiling
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            outcome: tuple[str, Any] = ("result", work(*args, **kwargs))
        except MemoryError:
            outcome = ("memory", None)
        except Exception as error:  # the caller re-raises it as the work raised it
            outcome = ("error", error)
        try:
            connection.send(outcome)
        except MemoryError:
            connection.send(("memory", None))
        except Exception as error:  # an unpicklable result or error: said plainly
            connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        connection.close()
        os._exit(0)


class _Child:
    """A forked child, reaped exactly once.

    Forked with `os.fork` rather than `multiprocessing.Process`: a Celery prefork worker's
    pool process is daemonic, and multiprocessing refuses to start a child of a daemonic
    process ("daemonic processes are not allowed to have children"), so every upload failed
    on a production-shaped worker (the tests' worker thread did not show it)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.reaped = False

    def is_alive(self) -> bool:
        if not self.reaped:
            try:
                done, _status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                done = self.pid
            self.reaped = done == self.pid
        return not self.reaped

    def kill(self) -> None:
        if not self.reaped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def join(self) -> None:
        if not self.reaped:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.reaped = True


def _fork(sender, receiver, work: Callable[..., Any], args, kwargs, ceiling: int) -> _Child:
    pid = os.fork()
    if pid == 0:  # the child: never returns (`_child` leaves with os._exit)
        try:
            receiver.close()
            _child(sender, work, args, kwargs, ceiling)
        finally:
            os._exit(1)
    return _Child(pid)


def run_with_memory_ceiling(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`work(*args, **kwargs)` in a forked child allowed `memory_ceiling_mb()` MB more than it
    starts with; its result, or its exception raised here; `MemoryCeilingReached` when it ran
    out of memory or died (an out-of-memory kill)."""
    megabytes = memory_ceiling_mb()
    ceiling = megabytes * 1024 * 1024
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = _fork(sender, receiver, work, args, kwargs, ceiling)
    sender.close()
    try:
        while not receiver.poll(WATCH_INTERVAL_SECONDS):
            if not child.is_alive():
                break
            if _own_bytes(child.pid) > ceiling:
                child.kill()
                raise MemoryCeilingReached(megabytes)
        # Received before join: a large result must not fill the pipe.
        kind, payload = receiver.recv()
    except EOFError:
        kind, payload = "memory", None
    finally:
        receiver.close()
        child.join()
    if kind == "result":
        return payload
    if kind == "error":
        raise payload
    raise MemoryCeilingReached(megabytes)
