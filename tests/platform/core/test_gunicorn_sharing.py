"""A burst of new connections is shared by gunicorn's workers with the shipped settings
(`gunicorn_conf`: `gunicorn_worker.SharingThreadWorker`), real processes.

Two workers of four threads; eight clients connect at once and each sends a request that takes
half a second. gunicorn's own threaded worker lets whichever worker is awake accept them all
(some then wait for a thread while the other worker idles). A worker whose threads are all
busy must stop accepting, so each worker serves four and all eight finish together.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from tests.fixtures.processes import REPO, free_port

WORKERS = 2
THREADS = 4


def _start(port: int, log: Path) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "goldenthread.platform.settings.test",
            "GUNICORN_WORKERS": str(WORKERS),
            "GUNICORN_THREADS": str(THREADS),
        }
    )
    command = [
        sys.executable, "-m", "gunicorn", "tests.fixtures.pid_app:application",
        "-c", "python:goldenthread.platform.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with log.open("wb") as sink:
        return subprocess.Popen(  # noqa: S603
            command, cwd=REPO, env=environment, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _get(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/")
    return connection.getresponse().read().decode()


def _burst(port: int) -> list[str]:
    """WORKERS x THREADS clients connect and send their request at the same moment; the
    process ids that served them ("refused" for a request that got no answer)."""
    served: list[str] = []
    start = threading.Barrier(WORKERS * THREADS)

    def client() -> None:
        start.wait()
        try:
            served.append(_get(port))
        except OSError:
            served.append("refused")

    clients = [threading.Thread(target=client) for _ in range(WORKERS * THREADS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    return served


def _wait_until_every_worker_serves(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until a burst has reached every worker: a worker still loading the application does not
    accept yet, and its share would go to the others."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        served = set(_burst(port))
        if "refused" in served:
            time.sleep(0.3)
        elif len(served) == WORKERS:
            return
    raise AssertionError("not every worker served:\n" + log.read_text(errors="replace"))


def test_a_burst_of_connections_is_shared_by_the_workers():
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="gt-sharing-")) / "gunicorn.log"
    process = _start(port, log)
    try:
        _wait_until_every_worker_serves(port, process, log)
        served = _burst(port)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    # Each worker served as many as it has threads: none waited for a thread
    assert sorted(Counter(served).values()) == [THREADS] * WORKERS, served
