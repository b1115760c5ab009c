"""Benchmark: REST throughput under gunicorn with the settings production uses.

    .venv/bin/python bench/throughput.py [--duration 15] [--concurrency 8 32] [--pis 100] [--keep]

Issue #16's P6: at concurrency 8 the authenticated PI list should serve at least 60% of
`/healthz`'s requests per second on the same server, with a p99 under twice the health check's.

In one run, on a throw-away `<DATABASE_URL's name>_bench` database (dropped at the end): one
organisation with `--pis` PIs (eight quarters of values and targets each, as `report.py` fills
them) and an API key; gunicorn started with `goldenthread.platform.gunicorn_conf` (as in
production) and DEBUG off; then, for each concurrency, `wrk` (Debian's package; a small
Python driver when it is missing) against
  * `/healthz` (database and broker ping, no sign-in) — the baseline,
  * `/api/v1/me/` with the API key (host routing, authentication, budgets, one row),
  * `/api/v1/indicators/` with the API key (the first page of the PI list),
each for `--duration` seconds after a short warm-up. Prints requests per second, p50 and p99,
and the ratios against the health check measured in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
SLUG = "benchthroughput"
TARGET_RPS_SHARE = 0.60
TARGET_P99_RATIO = 2.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--pis", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--python-driver", action="store_true", help="do not use wrk")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(pis: int) -> tuple[str, str]:
    """The organisation, its PIs and an API key of a reader; returns (host, key)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context
    from report import populate

    from goldenthread.platform.accounts.services import api_credential_issue
    from goldenthread.tenants.services import organisation_create

    call_command("migrate", verbosity=0)
    organisation = organisation_create(
        name="Bench Throughput Council",
        slug=SLUG,
        type="unitary",
        admin_email="admin@benchthroughput.example",
        admin_name="Bench Administrator",
    ).organisation
    with schema_context(organisation.schema_name):
        facts = populate(pis=pis, years=2)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        _, key = api_credential_issue(user=facts["reader"], name="throughput bench")
    return organisation.get_primary_domain().domain, key


def start_gunicorn(port: int, log_dir: Path) -> subprocess.Popen:
    # Budgets far above the load: their counting is measured, their 429s would not be.
    budget = "100000000/minute"
    env = {
        **os.environ,
        "DEBUG": "0",
        "OTEL_TRACES_EXPORTER": "none",
        "OTEL_METRICS_EXPORTER": "none",
        "API_RATE_PER_CREDENTIAL": budget,
        "API_RATE_PER_USER": budget,
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "goldenthread.platform.wsgi:application",
        "-c",
        "python:goldenthread.platform.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        str(log_dir / "gunicorn.log"),
    ]
    # The application's own request log lines go to a file too, as a server's would.
    log = (log_dir / "app.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        command, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/livez")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start; see " + str(log_dir / "gunicorn.log"))


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


def load_wrk(port, path, headers, concurrency, duration, script) -> dict:
    command = ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{duration}s", "-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    requests, errors, p50_us, p99_us, duration_us = map(int, match.groups())
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50_us / 1000,
        "p99": p99_us / 1000,
        "errors": errors,
    }


def load_python(port, path, headers, concurrency, duration, _script=None) -> dict:
    """A keep-alive driver in threads, for machines without wrk (its own cost inflates every
    latency alike, so compare the ratios, not the absolute numbers)."""
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + duration
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors[0],
    }


def run(args: argparse.Namespace, work: Path) -> bool:
    host, key = prepare(args.pis)
    from django.db import connections

    connections.close_all()
    port = free_port()
    gunicorn = start_gunicorn(port, work)
    script = work / "report.lua"
    script.write_text(WRK_SCRIPT)
    load = load_python if args.python_driver or not shutil.which("wrk") else load_wrk
    print(f"driver: {'wrk' if load is load_wrk else 'python threads'}; host {host}")
    endpoints = {
        "healthz": ("/healthz", {"Host": host}),
        "me": ("/api/v1/me/", {"Host": host, "Authorization": f"Bearer {key}"}),
        "PI list": ("/api/v1/indicators/", {"Host": host, "Authorization": f"Bearer {key}"}),
    }
    met = True
    try:
        for concurrency in args.concurrency:
            results = {}
            for name, (path, headers) in endpoints.items():
                load(port, path, headers, concurrency, 2, str(script))  # warm-up
                results[name] = load(port, path, headers, concurrency, args.duration, str(script))
            base = results["healthz"]
            print(f"\nconcurrency {concurrency}, {args.duration} s each")
            print(
                f"{'endpoint':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
                f" {'rps/healthz':>12} {'p99/healthz':>12}"
            )
            for name, r in results.items():
                print(
                    f"{name:<10} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
                    f"{r['errors']:>7} {r['rps'] / base['rps']:>12.2f} "
                    f"{r['p99'] / base['p99']:>12.2f}"
                )
            if concurrency == 8:
                pis = results["PI list"]
                share, p99_ratio = pis["rps"] / base["rps"], pis["p99"] / base["p99"]
                ok = share >= TARGET_RPS_SHARE and p99_ratio < TARGET_P99_RATIO
                met = met and ok and not any(r["errors"] for r in results.values())
                print(
                    f"P6: PI list {share:.0%} of healthz's req/s (goal >= 60%), p99 "
                    f"{p99_ratio:.2f}x healthz's (goal < 2x): {'met' if ok else 'NOT met'}"
                )
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    return met


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from goldenthread.platform.devtools.database import (
        drop_database,
        ensure_database,
        with_database_name,
    )
    from goldenthread.platform.devtools.services import available_services

    with available_services(), tempfile.TemporaryDirectory() as work:
        name = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}_bench"
        bench_url = with_database_name(os.environ["DATABASE_URL"], name)
        drop_database(bench_url)
        ensure_database(bench_url)
        os.environ["DATABASE_URL"] = bench_url
        os.environ["DEBUG"] = "0"
        os.environ.setdefault(
            "DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development"
        )
        try:
            met = run(args, Path(work))
        finally:
            from django.db import connections

            connections.close_all()
            if args.keep:
                print(f"kept {name}")
            else:
                drop_database(bench_url)
                print(f"dropped {name}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
