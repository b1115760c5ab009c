"""Requests in bench/estate_scale.py: signed-in home pages spread over few or many
organisations, measured in interleaved rounds, with each PostgreSQL backend's memory.

Each arm is THREADS long-lived threads that keep their database connections from round to
round, as a web server's threads do; the arms take turns (ABBA order over the rounds), so a
change in the machine's load falls on all of them alike, and each round gives its own ratio of
medians (their median and spread are the figure). One untimed warm-up round per arm first.

Who sends where. Over all organisations, job j's n-th request goes to organisation
j + n x THREADS (so concurrent requests never share an organisation and its one signed-in
session). Over a few organisations, every thread sends to each of them in turn, as a web
server's threads do whatever organisation the next request is for, each thread with its own
session per organisation (`Site.sign_in_more`) so that no two requests queue on one session
row; its connection switches schema on every request, as it does over all organisations. The
`pinned` arm sends each thread to one organisation only (the earlier baseline): its connection
never switches schema, so its prepared statements are never re-planned.
"""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

THREADS = 4
CACHE_SAMPLE_EVERY = 10  # requests, per thread: the catalogue-cache query is itself a query

CATALOGUE_CACHE_SQL = (
    "SELECT coalesce(sum(total_bytes), 0) FROM pg_backend_memory_contexts "
    "WHERE name IN ('CacheMemoryContext', 'CatCacheMemoryContext') "
    "OR parent = 'CacheMemoryContext'"
)


class Site:
    """A signed-in session cookie per organisation, for in-process requests to its host."""

    def __init__(self) -> None:
        self.sessions: list[tuple[str, str]] = []  # (host, session cookie)
        self.accounts: list[tuple] = []  # (organisation, user), as self.sessions
        self.more: dict[tuple[int, int], tuple[str, str]] = {}  # (index, thread) -> session

    def sign_in(self, organisation, user) -> None:
        self.sessions.append(self._session(organisation, user))
        self.accounts.append((organisation, user))

    def sign_in_more(self, organisations: int, threads: int) -> None:
        """A session of its own for each thread in each of the first `organisations`."""
        for index in range(organisations):
            for thread in range(threads):
                if (index, thread) not in self.more:
                    self.more[index, thread] = self._session(*self.accounts[index])

    @staticmethod
    def _session(organisation, user) -> tuple[str, str]:
        from django.conf import settings
        from django.test import Client
        from django_tenants.utils import schema_context

        from goldenthread.tenants.services import organisation_host

        host = organisation_host(organisation.slug)
        client = Client(HTTP_HOST=host)
        with schema_context(organisation.schema_name):
            client.force_login(user)
        return host, client.cookies[settings.SESSION_COOKIE_NAME].value

    def sign_in_existing(self, slug_prefix: str) -> int:
        """Sign in to every organisation an earlier run provisioned (`<prefix><n>`, in order
        of n), as its first administrator; returns the largest n."""
        from django.db import connection
        from django_tenants.utils import schema_context

        from goldenthread.platform.accounts.models import User
        from goldenthread.tenants.models import Organisation

        organisations = sorted(
            Organisation.objects.filter(slug__startswith=slug_prefix),
            key=lambda o: int(o.slug.removeprefix(slug_prefix)),
        )
        for organisation in organisations:
            with schema_context(organisation.schema_name):
                user = User.objects.get(email=f"admin@{organisation.slug}.example")
            self.sign_in(organisation, user)
        # This thread has just touched every schema: let its backend go.
        connection.close()
        return int(organisations[-1].slug.removeprefix(slug_prefix))

    def client(self, index: int, thread: int | None = None):
        from django.conf import settings
        from django.test import Client

        host, cookie = self.sessions[index] if thread is None else self.more[index, thread]
        client = Client(HTTP_HOST=host)
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        return client


def get(client) -> float:
    started = time.perf_counter()
    response = client.get("/")
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET / answered {response.status_code}, not 200")
    return elapsed


def single_organisation(site: Site, count: int = 60) -> float:
    client = site.client(0)
    get(client)
    return statistics.median(get(client) for _ in range(count)) * 1000


def private_memory(pid: int) -> int:
    """A backend's private memory (RssAnon, bytes): its caches and work areas, not the
    shared buffers. Read from /proc, so the benchmark must run on the database's host."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@dataclass
class Arm:
    """THREADS threads sending requests round robin over the first `organisations`: each
    thread to every one of them in turn (`rotate`), or to every THREADS-th (not `rotate`;
    with 4 organisations, each thread to one)."""

    label: str
    site: Site
    organisations: int
    schema_limit: int  # DATABASE_SCHEMAS_PER_CONNECTION while this arm runs (0: none)
    rotate: bool = False
    times: list[float] = field(default_factory=list)
    rounds: list[list[float]] = field(default_factory=list)  # the timed rounds' times
    private_peak: dict[int, int] = field(default_factory=dict)  # backend pid -> bytes
    cache_peak: dict[int, int] = field(default_factory=dict)
    backends: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.pool = ThreadPoolExecutor(THREADS, thread_name_prefix=self.label)
        # Job j of a round sends to organisations j, j + THREADS, j + 2 x THREADS, … carrying
        # on from the round before: concurrent requests never share an organisation, whose
        # one signed-in session every request updates (a row lock the threads would queue
        # on, over 4 organisations far more than over all of them).
        self.sent_by_job = [0] * THREADS
        self.sent = threading.local()
        if self.rotate:
            self.site.sign_in_more(self.organisations, THREADS)

    def run_round(self, requests: int, *, timed: bool = True) -> None:
        from django.conf import settings

        settings.DATABASE_SCHEMAS_PER_CONNECTION = self.schema_limit
        jobs = [self.pool.submit(self._send, job, requests // THREADS) for job in range(THREADS)]
        times = [elapsed for job in jobs for elapsed in job.result()]  # re-raises a failure
        if timed:
            self.rounds.append(times)
            self.times.extend(times)

    def _send(self, job: int, count: int) -> list[float]:
        start = self.sent_by_job[job]
        self.sent_by_job[job] += count
        times = []
        for n in range(start, start + count):
            if self.rotate:
                client = self.site.client((job + n) % self.organisations, job)
            else:
                client = self.site.client((job + n * THREADS) % self.organisations)
            times.append(get(client))
            self._sample()
        return times

    def _sample(self) -> None:
        """After a request, while the connection is open: this backend's private memory, and
        every CACHE_SAMPLE_EVERY requests its catalogue cache. A connection retired at the
        end of a request is measured after the request before (one schema fewer)."""
        from django.db import connection

        raw = connection.connection
        if raw is None:
            return
        pid = raw.info.backend_pid
        self.backends.add(pid)
        self.private_peak[pid] = max(self.private_peak.get(pid, 0), private_memory(pid))
        self.sent.count = getattr(self.sent, "count", 0) + 1
        if self.sent.count % CACHE_SAMPLE_EVERY == 0:
            with connection.cursor() as cursor:
                cursor.execute(CATALOGUE_CACHE_SQL)
                used = cursor.fetchone()[0]
            self.cache_peak[pid] = max(self.cache_peak.get(pid, 0), used)

    def close(self) -> None:
        from django.db import connections

        # One job per thread (the barrier holds each until all have one), each closing its own.
        barrier = threading.Barrier(THREADS)

        def close_mine() -> None:
            barrier.wait()
            connections.close_all()

        for job in [self.pool.submit(close_mine) for _ in range(THREADS)]:
            job.result()
        self.pool.shutdown()

    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    def round_median_ms(self, number: int) -> float:
        return statistics.median(self.rounds[number]) * 1000

    def largest_private_mib(self) -> float:
        return max(self.private_peak.values(), default=0) / 2**20

    def largest_cache_mib(self) -> float:
        return max(self.cache_peak.values(), default=0) / 2**20


def interleaved_rounds(arms: list[Arm], rounds: int, requests: int) -> None:
    """An untimed warm-up round per arm (connections opened, statements prepared, the few
    organisations' catalogue cached), then `rounds` rounds of `requests` per arm, the arms'
    order reversed every other round. Prints each round's medians."""
    from django.conf import settings

    configured = settings.DATABASE_SCHEMAS_PER_CONNECTION
    try:
        for arm in arms:
            arm.run_round(requests, timed=False)
        for number in range(rounds):
            for arm in arms if number % 2 == 0 else reversed(arms):
                arm.run_round(requests)
            print(
                f"  round {number + 1}/{rounds}: "
                + ", ".join(f"{arm.label} {arm.round_median_ms(number):.0f} ms" for arm in arms),
                flush=True,
            )
    finally:
        settings.DATABASE_SCHEMAS_PER_CONNECTION = configured
        for arm in arms:
            arm.close()


def round_ratios(arm: Arm, baseline: Arm) -> list[float]:
    """Each timed round's median of `arm` over that of `baseline` (taken minutes apart at
    most, under the same load)."""
    return [
        arm.round_median_ms(number) / baseline.round_median_ms(number)
        for number in range(len(arm.rounds))
    ]
