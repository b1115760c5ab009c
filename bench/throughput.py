"""Benchmark: REST throughput under gunicorn with the settings production uses.

    .venv/bin/python bench/throughput.py [--duration 4] [--rounds 5] [--concurrency 8 32]
        [--servers 2x4 4x2 3x3 4x1sync] [--pis 100] [--keep] [--python-driver] [--recycle]

Issue #16's P6: at concurrency 8 the authenticated PI list should serve at least 60% of
`/healthz`'s requests per second on the same server, with a p99 under twice the health check's.

In one run, on a throw-away `<DATABASE_URL's name>_bench` database (dropped at the end): one
organisation with `--pis` PIs (eight quarters of values and targets each, as `report.py` fills
them) and an API key; gunicorn started with `goldenthread.platform.gunicorn_conf` (as in
production) and DEBUG off, once per `--servers` entry (`WxT`: W workers of T threads of
gunicorn_conf's worker class; `WxTgthread`: gunicorn's own threaded worker; `Wx1sync`: W sync
workers; any with `/shared` or `/reuseport` for gunicorn_conf's
`reuse_port` off or on, and `+nocache` for a server that builds the PI list on every request,
for comparison; none given: the settings module's own). Then, for each
concurrency, `wrk` (Debian's package; a small Python driver when it is missing) against
  * `/healthz` (database and broker ping, no sign-in) — the baseline,
  * `/api/v1/me/` with the API key (host routing, authentication, budgets, one row),
  * `/api/v1/indicators/` with the API key (the first page of the PI list),
in `--rounds` rounds of `--duration` seconds per endpoint, alternating (healthz, me, PI list,
healthz, …) after a warm-up: a change in the machine's load falls on every endpoint alike.
Workers are not recycled (`--recycle` keeps `max_requests`): a worker importing the
application afresh in the middle of a round stalls that round and nothing else.
Prints each endpoint's median requests per second, p50 and p99 over the rounds and the
medians of the per-round ratios against the health check, with the load average, and how
the connections sat on the workers in each round (a round in which one worker holds them all
is served by one core; see bench/README.md).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
SLUG = "benchthroughput"
TARGET_RPS_SHARE = 0.60
TARGET_P99_RATIO = 2.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=4, help="seconds per endpoint a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument(
        "--servers",
        nargs="+",
        default=[None],
        type=server_spec,
        help="gunicorn shapes to compare: WxT (W workers x T threads of gunicorn_conf's"
        " worker class), WxTgthread (gunicorn's own threaded worker) or Wx1sync, each with"
        " /shared (one listening socket for all workers) or /reuseport (one each) to override"
        " gunicorn_conf's reuse_port",
    )
    parser.add_argument("--pis", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--python-driver", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--recycle",
        action="store_true",
        help="keep gunicorn_conf's worker recycling (max_requests); off by default, since a"
        " worker re-importing the application mid-round stalls that round",
    )
    args, _unknown = parser.parse_known_args(argv)  # run_all passes its own arguments on
    return args


def server_spec(text: str) -> dict | None:
    """ "2x4" -> 2 workers of 4 threads, of gunicorn_conf's threaded worker class (the
    sharing worker); "2x4gthread" -> gunicorn's own threaded worker; "4x1sync" -> 4 sync
    workers. Any of them with "/shared" (one listening socket for all workers) or
    "/reuseport" (one each), and "+nocache" for the server without its cache of the PI list's
    pages (READ_CACHE_MAX_BYTES=0)."""
    match = re.fullmatch(r"(\d+)x(\d+)(sync|gthread)?(?:/(shared|reuseport))?(\+nocache)?", text)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"not a server shape: {text!r} "
            "(write e.g. 2x4, 2x4gthread, 4x1sync, 2x4/shared or 2x4+nocache)"
        )
    workers, threads, kind = int(match[1]), int(match[2]), match[3]
    if kind == "sync" and threads != 1:
        raise argparse.ArgumentTypeError(f"a sync worker has one thread: {text!r}")
    return {
        "workers": workers,
        "threads": threads,
        "worker_class": kind,
        "reuse_port": None if match[4] is None else match[4] == "reuseport",
        # The PI list built on every request, for comparison (not counted towards P6).
        "environment": {"READ_CACHE_MAX_BYTES": "0"} if match[5] else None,
        "label": text,
    }


def prepare(pis: int) -> tuple[str, str]:
    """The organisation, its PIs and an API key of a reader; returns (host, key)."""
    from _server import bench_organisation
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.services import api_credential_issue

    organisation, facts = bench_organisation(name="Bench Throughput Council", slug=SLUG, pis=pis)
    with schema_context(organisation.schema_name):
        _, key = api_credential_issue(user=facts["reader"], name="throughput bench")
    return organisation.get_primary_domain().domain, key


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.duration))
end
"""


def load_wrk(port, path, headers, concurrency, duration, script, workers) -> dict:
    # A 10-s timeout: on a loaded machine a slow answer is a latency, not an error.
    command = ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{duration}s", "--timeout", "10s"]
    command += ["-s", script]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as wrk:  # noqa: S603
        time.sleep(duration / 2)
        split = connection_split(port, workers)
        output, _ = wrk.communicate()
    if wrk.returncode:
        raise SystemExit(f"wrk failed ({wrk.returncode}):\n{output}")
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    requests, errors, p50_us, p99_us, duration_us = map(int, match.groups())
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50_us / 1000,
        "p99": p99_us / 1000,
        "errors": errors,
        "split": split,
    }


def connection_split(port: int, workers: int) -> str:
    """How the clients' connections to `port` are spread over the server's `workers` processes
    mid-round, largest first ("8+0" on two workers: one worker is serving every client), from
    `ss`; "" when `ss` is missing. Workers holding none are not listed by `ss`: each shows as
    a "+0"."""
    if shutil.which("ss") is None:
        return ""
    answer = subprocess.run(  # noqa: S603
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    counts = sorted(collections.Counter(re.findall(r"pid=(\d+)", answer)).values(), reverse=True)
    missing = max(0, workers - len(counts))
    return "+".join(str(count) for count in [*counts, *[0] * missing])


def load_python(port, path, headers, concurrency, duration, _script=None, _workers=0) -> dict:
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


def measure(load, port, endpoints, concurrency, args, script, workers) -> dict[str, list[dict]]:
    """Every endpoint, `args.rounds` times, alternating, on a server of `workers` processes; a
    list of results per endpoint."""
    for path, headers in endpoints.values():
        load(port, path, headers, concurrency, 2, script, workers)  # warm-up
    rounds: dict[str, list[dict]] = {name: [] for name in endpoints}
    for _ in range(args.rounds):
        for name, (path, headers) in endpoints.items():
            rounds[name].append(
                load(port, path, headers, concurrency, args.duration, script, workers)
            )
    return rounds


def _ratios(results: list[dict], base: list[dict], key: str) -> list[float]:
    """Per-round ratios; a round whose health check answered nothing in time has none."""
    return [r[key] / b[key] for r, b in zip(results, base, strict=True) if b[key] > 0]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(rounds: dict[str, list[dict]]) -> dict[str, dict]:
    """Per endpoint: medians over the rounds, and the medians of the per-round ratios against
    the health check of the same round."""
    base = rounds["healthz"]
    summary = {}
    for name, results in rounds.items():
        shares = _ratios(results, base, "rps")
        summary[name] = {
            "rps": _median([r["rps"] for r in results]),
            "p50": _median([r["p50"] for r in results]),
            "p99": _median([r["p99"] for r in results]),
            "errors": sum(r["errors"] for r in results),
            "share": _median(shares),
            "p99_ratio": _median(_ratios(results, base, "p99")),
            "shares": shares,
            "splits": [r.get("split", "") for r in results],
        }
    return summary


def report(label: str, concurrency: int, args, summary: dict, load_avg: tuple) -> bool:
    print(
        f"\nserver {label}, concurrency {concurrency}, {args.rounds} rounds of"
        f" {args.duration} s per endpoint; load average {load_avg[0]:.2f} before,"
        f" {os.getloadavg()[0]:.2f} after (1 min)"
    )
    print(
        f"{'endpoint':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f" {'rps/healthz':>12} {'p99/healthz':>12}  per-round rps/healthz"
    )
    for name, r in summary.items():
        rounds = " ".join(f"{share:.2f}" for share in r["shares"])
        print(
            f"{name:<10} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{r['errors']:>7} {r['share']:>12.2f} {r['p99_ratio']:>12.2f}  {rounds}"
        )
    if any(any(r["splits"]) for r in summary.values()):
        print("connections per worker mid-round (largest first), by round:")
        for name, r in summary.items():
            print(f"  {name:<10} {' '.join(r['splits'])}")
    errors = any(r["errors"] for r in summary.values())
    if concurrency != 8:
        return not errors
    pis = summary["PI list"]
    ok = pis["share"] >= TARGET_RPS_SHARE and pis["p99_ratio"] < TARGET_P99_RATIO
    print(
        f"P6: PI list {pis['share']:.0%} of healthz's req/s (goal >= 60%), p99 "
        f"{pis['p99_ratio']:.2f}x healthz's (goal < 2x): {'met' if ok else 'NOT met'}"
        " (medians of the per-round ratios)"
    )
    return ok and not errors


def run(args: argparse.Namespace, work: Path) -> bool:
    from _server import free_port, start_gunicorn, stop

    host, key = prepare(args.pis)
    from django.db import connections

    connections.close_all()
    script = work / "report.lua"
    script.write_text(WRK_SCRIPT)
    load = load_python if args.python_driver or not shutil.which("wrk") else load_wrk
    print(f"driver: {'wrk' if load is load_wrk else 'python threads'}; host {host}")
    endpoints = {
        "healthz": ("/healthz", {"Host": host}),
        "me": ("/api/v1/me/", {"Host": host, "Authorization": f"Bearer {key}"}),
        "PI list": ("/api/v1/indicators/", {"Host": host, "Authorization": f"Bearer {key}"}),
    }
    from goldenthread.platform import gunicorn_conf

    met = True
    for server in args.servers:
        port = free_port()
        shape = {k: v for k, v in (server or {}).items() if k != "label"}
        label = server["label"] if server else "from gunicorn_conf"
        workers = shape.get("workers") or gunicorn_conf.workers
        gunicorn = start_gunicorn(port, work, **shape)
        try:
            for concurrency in args.concurrency:
                load_avg = os.getloadavg()
                rounds = measure(load, port, endpoints, concurrency, args, str(script), workers)
                verdict = report(label, concurrency, args, summarise(rounds), load_avg)
                if not shape.get("environment"):  # a "+nocache" comparison is not P6's server
                    met = verdict and met
        finally:
            stop(gunicorn)
    return met


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.recycle:
        os.environ["GUNICORN_MAX_REQUESTS"] = "0"
    from _server import bench_database

    with bench_database(keep=args.keep), tempfile.TemporaryDirectory() as work:
        met = run(args, Path(work))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
