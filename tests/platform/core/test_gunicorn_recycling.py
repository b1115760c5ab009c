"""Workers retire and are replaced (max_requests) without a client losing a request, with the
shipped gunicorn settings (`goldenthread.platform.gunicorn_conf`) and real processes.

Clients open connections while workers retire every few requests. With the shared listening
socket (the default) a retiring worker stops accepting and the others take the new
connections. With `reuse_port` on, each worker has its own socket and a retiring worker keeps
it open, unserved, until it exits: the connections the kernel queued on it are reset. A
one-minute soak with recycling lost dozens of requests that way (infra/README.md, "Web server
settings"); this test fails the same way if that setting becomes the default.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.fixtures.processes import REPO, free_port

REQUESTS_PER_WORKER = 30
CLIENTS = 8
REQUESTS = 240


def _livez(port: int) -> str:
    """One request on a new connection (as a client after its kept-alive connection was closed
    by a retiring worker): the status, or the error's name."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/livez")
        return str(connection.getresponse().status)
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


def _wait_for_livez(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        if _livez(port) == "200":
            return
        time.sleep(0.3)
    raise AssertionError("gunicorn did not answer /livez:\n" + log.read_text(errors="replace"))


def test_retiring_workers_lose_no_connection():
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="gt-recycle-")) / "gunicorn.log"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "goldenthread.platform.settings.test",
            "OTEL_TRACES_EXPORTER": "none",
            "OTEL_METRICS_EXPORTER": "none",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "GUNICORN_MAX_REQUESTS": str(REQUESTS_PER_WORKER),
            "GUNICORN_MAX_REQUESTS_JITTER": "0",
        }
    )
    command = [
        sys.executable, "-m", "gunicorn", "goldenthread.platform.wsgi:application",
        "-c", "python:goldenthread.platform.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=REPO, env=environment, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_for_livez(port, process, log)
        with ThreadPoolExecutor(CLIENTS) as clients:
            answers = Counter(clients.map(lambda _: _livez(port), range(REQUESTS)))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    assert answers == {"200": REQUESTS}, answers
    booted = log.read_text(errors="replace").count("Booting worker")
    # The two first workers and at least a few replacements: recycling really happened.
    assert booted >= 6, log.read_text(errors="replace")[-3000:]
