"""Soak: a steady mixed load for a while, with zero errors and flat worker memory.

    .venv/bin/python bench/soak.py [--duration 60] [--rate 100] [--concurrency 8] [--keep]
    .venv/bin/python bench/soak.py --duration 600      # issue #16's ten minutes

Issue #16 item 9. On a throw-away `<DATABASE_URL's name>_bench` database (dropped at the end):
one organisation with `--pis` PIs (eight quarters of values each, as `report.py` fills them)
and API keys for a reader, a performance officer and a verifier; gunicorn started with
`goldenthread.platform.gunicorn_conf` (as in production, DEBUG off) and a real Celery worker
process (prefork, as deployed). Then `--concurrency` client threads send, paced to `--rate`
requests per second in all (100: the PI list's documented throughput at concurrency 8 with
the demo's settings):

  * reads, authenticated by API key: the PI list (`/api/v1/indicators/`) and `/api/v1/me/`;
  * about one request in twelve a write that queues tasks: a cycle of reopen (officer; queues
    notification e-mails), submit (officer) and approve (verifier; queues the publication
    task) of one of the last quarter's values, round robin.

Every few seconds the resident memory (RSS) of each gunicorn worker and of the Celery worker
(its main process and pool children) is sampled. At the end it prints the requests sent,
errors (any answer other than 2xx/3xx, or no answer), latency percentiles, the load average,
and for each process group the first and last RSS and the slope (least squares, MB/min)
over the second half of the run (the first half includes warm-up: caches, imports and
connection pools filling). Exits non-zero on any error or a slope above `--max-slope` MB/min.
The ratio printed against a baseline is the achieved rate against the requested one.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
SLUG = "benchsoak"
WRITE_EVERY = 12  # one request in this many is a write
IDLE_RECONNECT_SECONDS = 4  # under gunicorn's keep-alive of 5 s


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second in all")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pis", type=int, default=100)
    parser.add_argument(
        "--sample-every", type=float, default=5.0, help="seconds between RSS samples"
    )
    parser.add_argument("--max-slope", type=float, default=2.0, help="MB/min allowed per group")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--no-recycle",
        action="store_true",
        help="never recycle gunicorn workers (GUNICORN_MAX_REQUESTS=0), so a leak shows",
    )
    args, _unknown = parser.parse_known_args(argv)  # run_all passes its own arguments on
    return args


def prepare(pis: int) -> dict:
    """The organisation, its PIs and values, keys for a reader, an officer and a verifier, and
    the ids of the values the writes cycle through."""
    from _server import bench_organisation
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.accounts.services import api_credential_issue
    from goldenthread.platform.indicators.models import Indicator, IndicatorValue

    organisation, facts = bench_organisation(name="Bench Soak Council", slug=SLUG, pis=pis)
    with schema_context(organisation.schema_name):
        # Submitting an off-target value may need commentary first; the cycle is about load,
        # not that rule, so it is off for these PIs (set-up, not measured).
        Indicator.objects.update(commentary_required_when_off_target=False)
        keys = {}
        for name, email in (
            ("reader", facts["reader"].email),
            ("officer", "performance_officer@bench.example"),
            ("verifier", "verifier@bench.example"),
        ):
            _, keys[name] = api_credential_issue(
                user=User.objects.get(email=email), name=f"soak {name}"
            )
        value_ids = list(
            IndicatorValue.objects.filter(
                workflow_status="approved",
                period_start=facts["period"].start,
                sub_area__isnull=True,
            ).values_list("pk", flat=True)
        )
    return {"host": organisation.get_primary_domain().domain, "keys": keys, "values": value_ids}


def start_worker(log_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0", "OTEL_TRACES_EXPORTER": "none"}
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "goldenthread.platform.celery_app",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--loglevel",
        "WARNING",
        "--logfile",
        str(log_dir / "celery.log"),
    ]
    log = (log_dir / "celery.out").open("w")
    return subprocess.Popen(  # noqa: S603
        command, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


class Writes:
    """Round robin over the values: each cycle is reopen, submit, approve of one value."""

    STEPS = ("reopen", "submit", "approve")

    def __init__(self, value_ids: list[int]) -> None:
        self.lock = threading.Lock()
        self.value_ids = value_ids
        self.index = 0
        self.step = 0

    def next(self) -> tuple[int, str] | None:
        # One value's three steps in order, by one thread at a time (the lock), so that a
        # step never overtakes the one before it.
        with self.lock:
            pk = self.value_ids[self.index % len(self.value_ids)]
            step = self.STEPS[self.step]
            self.step = (self.step + 1) % len(self.STEPS)
            if self.step == 0:
                self.index += 1
            return pk, step


def request(conn, method, path, headers, body=None) -> int:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def drive(args, port, facts, results: Results) -> float:
    host, keys = facts["host"], facts["keys"]

    def headers(who: str, json_body: bool = False) -> dict:
        h = {"Host": host, "Authorization": f"Bearer {keys[who]}"}
        if json_body:
            h["Content-Type"] = "application/json"
        return h

    writes = Writes(facts["values"])
    write_lock = threading.Lock()  # the three steps of a cycle go one after another
    interval = args.concurrency / args.rate  # each thread's pace
    stop = time.monotonic() + args.duration
    counter = [0]
    count_lock = threading.Lock()

    def client(offset: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        last_used = time.monotonic()
        next_at = time.monotonic() + offset
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            if next_at > now:
                time.sleep(next_at - now)
            next_at += interval
            if time.monotonic() - last_used > IDLE_RECONNECT_SECONDS:
                # gunicorn closes a keep-alive connection idle for `keepalive` seconds (5);
                # a client sending on it then gets a broken pipe, as a browser or a pooling
                # HTTP client would not (they reopen). A thread that waited its turn for a
                # write can be idle that long on a loaded machine.
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with count_lock:
                counter[0] += 1
                n = counter[0]
            started = time.perf_counter()
            error, kind = None, "request"
            try:
                if n % WRITE_EVERY == 0:
                    with write_lock:
                        started = time.perf_counter()  # the wait for the lock is not latency
                        pk, step = writes.next()
                        who = "verifier" if step == "approve" else "officer"
                        body = json.dumps({"reason": "Soak test"}) if step == "reopen" else "{}"
                        kind = f"write {step}"
                        status = request(
                            conn,
                            "POST",
                            f"/api/v1/indicators/values/{pk}/{step}/",
                            headers(who, True),
                            body,
                        )
                elif n % 2:
                    kind = "read PI list"
                    status = request(conn, "GET", "/api/v1/indicators/", headers("reader"))
                else:
                    kind = "read me"
                    status = request(conn, "GET", "/api/v1/me/", headers("reader"))
                if not 200 <= status < 400:
                    error = f"HTTP {status}"
            except OSError as exc:
                error = f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            results.add(kind, time.perf_counter() - started, error)
            last_used = time.monotonic()

    threads = [
        threading.Thread(target=client, args=(i * interval / args.concurrency,))
        for i in range(args.concurrency)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def rss_mb(pids) -> float:
    import psutil

    total = 0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):  # a worker recycled meanwhile
            total += psutil.Process(pid).memory_info().rss
    return total / 2**20


def groups(gunicorn: subprocess.Popen, worker: subprocess.Popen) -> dict[str, list[int]]:
    import psutil

    return {
        "gunicorn workers": [c.pid for c in psutil.Process(gunicorn.pid).children()],
        "celery worker": [worker.pid]
        + [c.pid for c in psutil.Process(worker.pid).children(recursive=True)],
    }


def slope_mb_per_min(samples: list[tuple[float, float]]) -> float:
    if len(samples) < 2:
        return 0.0
    xs = [t / 60 for t, _ in samples]
    ys = [mb for _, mb in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    return (
        sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def run(args: argparse.Namespace, work: Path) -> bool:
    from _server import free_port, start_gunicorn, stop

    facts = prepare(args.pis)
    from django.db import connections

    connections.close_all()
    port = free_port()
    worker = start_worker(work)
    gunicorn = start_gunicorn(port, work)
    results = Results()
    samples: dict[str, list[tuple[float, float]]] = {}
    sampling = threading.Event()
    began = time.monotonic()

    seen_workers: set[int] = set()

    def sample() -> None:
        while not sampling.wait(args.sample_every):
            found = groups(gunicorn, worker)
            seen_workers.update(found["gunicorn workers"])
            for name, pids in found.items():
                samples.setdefault(name, []).append((time.monotonic() - began, rss_mb(pids)))

    sampler = threading.Thread(target=sample, daemon=True)
    load_before = os.getloadavg()
    try:
        time.sleep(3)  # the worker connects to the broker
        sampler.start()
        elapsed = drive(args, port, facts, results)
        sampling.set()
        sampler.join()
    finally:
        stop(gunicorn, worker)
    load_after = os.getloadavg()

    sent = sum(len(v) for v in results.latencies.values())
    achieved = sent / elapsed
    print(
        f"soak: {elapsed:.0f} s, {sent} requests, {achieved:.1f} req/s "
        f"(asked {args.rate:.0f}; ratio {achieved / args.rate:.2f}), concurrency {args.concurrency}"
    )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    print(f"{'requests':<16} {'count':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, values in sorted(results.latencies.items()):
        print(
            f"{kind:<16} {len(values):>7} {percentile(values, 0.5):>8.1f}"
            f" {percentile(values, 0.99):>8.1f}"
        )
    print(f"errors: {len(results.errors)}")
    for error in results.errors[:10]:
        print(f"  {error}")
    flat = True
    print(f"{'memory (RSS)':<18} {'first MB':>9} {'last MB':>9} {'slope MB/min':>13} (second half)")
    for name, points in samples.items():
        half = [p for p in points if p[0] >= points[-1][0] / 2]
        slope = slope_mb_per_min(half)
        ok = slope <= args.max_slope
        flat = flat and ok
        print(
            f"{name:<18} {points[0][1]:>9.1f} {points[-1][1]:>9.1f} {slope:>13.2f}"
            f" {'flat' if ok else 'GROWING'}"
        )
    print(
        f"gunicorn worker processes seen: {len(seen_workers)} (recycled after max_requests,"
        f" {os.environ.get('GUNICORN_MAX_REQUESTS', 'the default')})"
    )
    met = not results.errors and flat and sent > 0
    print(f"soak: {'met' if met else 'NOT met'} (zero errors, slope <= {args.max_slope} MB/min)")
    return met


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.no_recycle:
        os.environ["GUNICORN_MAX_REQUESTS"] = "0"
    from _server import bench_database

    environment = {"LOG_FORMAT": "json", "OTEL_METRICS_EXPORTER": "none"}
    with bench_database(keep=args.keep, environment=environment):
        with tempfile.TemporaryDirectory() as work:
            met = run(args, Path(work))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
