"""A burst of new connections is shared by gunicorn's workers with the shipped settings
(`gunicorn_conf`: `gunicorn_worker.SharingThreadWorker`), real processes.

Two workers of four threads; eight clients connect at once and each sends a request that takes
half a second. gunicorn's own threaded worker lets whichever worker is awake accept them all
(some then wait for a thread while the other worker idles). A worker whose threads are all
busy must stop accepting, so each worker serves four and all eight finish together.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter

from tests.fixtures.processes import GunicornProcess, gunicorn_with_shipped_settings

WORKERS = 2
THREADS = 4


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


def _wait_until_every_worker_serves(server: GunicornProcess) -> None:
    """Until a burst has reached every worker: a worker still loading the application does not
    accept yet, and its share would go to the others."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.log_text()[-3000:]
        served = set(_burst(server.port))
        if "refused" in served:
            time.sleep(0.3)
        elif len(served) == WORKERS:
            return
    raise AssertionError("not every worker served:\n" + server.log_text())


def test_a_burst_of_connections_is_shared_by_the_workers():
    settings = {"GUNICORN_WORKERS": str(WORKERS), "GUNICORN_THREADS": str(THREADS)}
    app = "tests.fixtures.pid_app:application"
    with gunicorn_with_shipped_settings(app, settings=settings) as server:
        _wait_until_every_worker_serves(server)
        served = _burst(server.port)
    # Each worker served as many as it has threads: none waited for a thread
    assert sorted(Counter(served).values()) == [THREADS] * WORKERS, served
