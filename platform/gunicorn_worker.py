"""gunicorn's threaded worker, except that a worker whose threads are all busy leaves new
connections to its siblings.

gunicorn's workers accept from one shared listening socket, each as soon as it is awake, and
a kept-alive connection stays with the worker that accepted it. A burst of new connections
(a load balancer opening its pool, a client reconnecting after a deploy) is therefore
accepted by whichever worker is running at that moment: in the throughput benchmark eight
connections sat on one of two workers in most rounds, so one process, and one core's worth
of Python, served all of them while the other idled (bench/README.md).

`SharingThreadWorker` stops listening while every one of its threads has a request in hand
and listens again as soon as one finishes; meanwhile the kernel keeps the connections for a
worker that has a free thread, or for this one once it has. Connections it already holds are
served as before, so nothing is refused or reset (unlike one socket per worker, `reuse_port`,
infra/README.md "Web server settings"). Under sustained overload no thread is ever free, and
kept-alive clients would keep new connections waiting indefinitely; so a worker that has held
back for `HOLD_BACK_SECONDS` accepts again, as gunicorn's own worker does, and new clients
queue for a thread with the others. The check runs on each turn of gunicorn's main loop,
which a finishing request wakes; if every thread is on a long request, the next turn comes
after the loop's one-second wait, so holding back can last up to that.
"""

from __future__ import annotations

import time

from gunicorn.workers.gthread import ThreadWorker

# Long enough for a sibling with a free thread to take a burst, short against a request.
HOLD_BACK_SECONDS = 0.05


class SharingThreadWorker(ThreadWorker):
    # Requests handed to the thread pool and not yet finished. Changed only by the worker's
    # main loop (accepting, a kept-alive connection becoming readable, a request finishing),
    # so it needs no lock.
    _requests_in_hand = 0
    # When this worker began holding back new connections (None: it is not).
    _holding_back_since: float | None = None

    @property
    def worker_connections(self) -> int:
        """The connections this worker may hold now; gunicorn's main loop stops accepting when
        it holds that many. With every thread busy, that is what it holds, until
        HOLD_BACK_SECONDS have passed."""
        if self._requests_in_hand < self.cfg.threads:
            self._holding_back_since = None
            return self._connection_limit
        now = time.monotonic()
        if self._holding_back_since is None:
            self._holding_back_since = now
        if now - self._holding_back_since < HOLD_BACK_SECONDS:
            return self.nr_conns
        return self._connection_limit

    @worker_connections.setter
    def worker_connections(self, limit: int) -> None:
        # Set once by ThreadWorker.__init__ from the `worker_connections` setting.
        self._connection_limit = limit

    def enqueue_req(self, conn) -> None:
        self._requests_in_hand += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        self._requests_in_hand -= 1
        super().finish_request(conn, fs)
