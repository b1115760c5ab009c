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
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.fixtures.processes import gunicorn_with_shipped_settings

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


def test_retiring_workers_lose_no_connection():
    settings = {
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "GUNICORN_MAX_REQUESTS": str(REQUESTS_PER_WORKER),
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
    }
    app = "goldenthread.platform.wsgi:application"
    with gunicorn_with_shipped_settings(app, settings=settings) as server:
        server.wait_until_live()
        with ThreadPoolExecutor(CLIENTS) as clients:
            answers = Counter(clients.map(lambda _: _livez(server.port), range(REQUESTS)))
        log = server.log_text()
    assert answers == {"200": REQUESTS}, answers
    # The two first workers and at least a few replacements: recycling really happened.
    assert log.count("Booting worker") >= 6, log[-3000:]
