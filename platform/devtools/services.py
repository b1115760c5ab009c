"""Run a command with PostgreSQL and a broker available, starting embedded ones if needed.

    python -m goldenthread.platform.devtools.services -- pytest -q

If DATABASE_URL / CELERY_BROKER_URL are set they are used as they are. Otherwise the embedded
servers are started (or found running from an earlier run), their URLs are exported to the
command, and whatever this process started is stopped when the command ends: normally, on
Ctrl-C, or on SIGTERM (which `make` sends its children when it is itself terminated).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

from . import embedded

# Long enough for `make demo` to stop its web server, worker and beat in turn.
CHILD_STOP_SECONDS = 40


@contextlib.contextmanager
def available_services() -> Iterator[None]:
    """Export DATABASE_URL and CELERY_BROKER_URL, starting embedded servers for unset ones,
    and stop on exit whatever was started here.

    Each embedded server stops when the last process that asked for it exits (see
    `embedded`); this process is one of them, its children are not.
    """
    uses_embedded_redis = False
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.postgres_url(
            os.environ.get("EMBEDDED_DATABASE_NAME", "goldenthread")
        )
        print(
            f"Using the embedded PostgreSQL ({embedded.LOCAL_STATE_DIR / 'postgres'}).", flush=True
        )
    if not os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = embedded.redis_url()
        uses_embedded_redis = True
        print(f"Using the embedded Redis at {os.environ['CELERY_BROKER_URL']}.", flush=True)
    try:
        yield
    finally:
        if uses_embedded_redis and embedded.release_redis():
            print("Stopped the embedded Redis.", flush=True)


def _terminal_reaches_child() -> bool:
    """True when a Ctrl-C at the terminal is delivered to the child as well as to us (we are
    in the terminal's foreground process group), so forwarding it would send it twice."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except OSError:
        return False


def run(argv: list[str]) -> int:
    """Run `argv` to completion, passing on Ctrl-C / SIGTERM once and killing it if it does
    not stop within CHILD_STOP_SECONDS after that."""
    child = subprocess.Popen(argv)  # noqa: S603 - runs the developer's own command
    received: set[int] = set()

    def forward(signum: int, _frame) -> None:
        if signum in received:
            return
        received.add(signum)
        if signum == signal.SIGINT and _terminal_reaches_child():
            return
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    deadline: float | None = None
    try:
        while True:
            try:
                return child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + CHILD_STOP_SECONDS
                if deadline is not None and time.monotonic() > deadline:
                    print(f"{argv[0]} did not stop within {CHILD_STOP_SECONDS}s; killing it.")
                    child.kill()
                    child.wait()
                    return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m goldenthread.platform.devtools.services -- COMMAND [ARGS…]")
        return 2
    with available_services():
        return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
