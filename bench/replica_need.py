"""Benchmark: would a read replica help the cross-organisation reads? (#16 item 10)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything \
        .venv/bin/python bench/replica_need.py [--rounds 12] [--reads 6] [--writers 2]

The documented rule (docs/architecture.md, "Read replicas for cross-organisation reads"): route
those reads to a replica if their latency doubles under write load on the primary. This bench
measures exactly that on `bench/benchmarking.py`'s data set (its own database, built on first
use and reused): the GraphQL comparison of one indicator over 8 quarters in the 400-member
club, through the whole Django stack, read alone and read while `--writers` separate processes
keep publishing into the store as the publication worker does (each publication refreshes the
ranking rows the comparison reads: `rankings.refresh.store_changed` in its own transaction).

Alone and under writes are interleaved round by round (the writers are paused and resumed), so
both see the same drift in the machine's load. Printed: median and p90 of each, the ratio,
how many publications the writers made, and the verdict against the rule. On one machine the
writers also take CPU from the reader, which a separate database server would not: the ratio
is an upper bound on what a replica would save.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmarking  # noqa: E402  (the data set and its names)

DOUBLING = 2.0


def _publish_forever(reader_id: int, period, running, stop, counter) -> None:
    """One writer process: publications of the reader's value, back to back, while `running`."""
    from django.db import connection, transaction

    from goldenthread.shared_indicators.benchmarking.services.rankings.refresh import (
        store_changed,
    )

    connection.set_schema_to_public()
    while not stop.is_set():
        if not running.wait(timeout=0.2):
            continue
        with transaction.atomic():
            store_changed(
                organisation_id=reader_id,
                indicator_code=benchmarking.CODE,
                period_type=period.type.value,
                start=period.start,
                end=period.end,
            )
        with counter.get_lock():
            counter.value += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--reads", type=int, default=6, help="reads per phase per round")
    parser.add_argument("--writers", type=int, default=2, help="writer processes")
    parser.add_argument("--database", default=benchmarking.BENCH_DB)
    options = parser.parse_args()
    benchmarking._setup_django(recreate=False, database=options.database)

    # One log line per request would bury the figures.
    logging.getLogger("goldenthread.request").setLevel(logging.WARNING)

    from django.db import connections

    from goldenthread.shared_indicators.benchmarking.selectors import period_range

    reader, clubs = benchmarking._build()
    big = max(clubs, key=lambda club: club.name)  # the 400-member club
    period = period_range(benchmarking.FIRST, benchmarking.LAST)[0]

    # Forked writers must not share the parent's database socket: close it before forking,
    # the parent reconnects on its next query and each child opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    running, stop = context.Event(), context.Event()
    counter = context.Value("i", 0)
    writers = [
        context.Process(target=_publish_forever, args=(reader.id, period, running, stop, counter))
        for _ in range(options.writers)
    ]
    for writer in writers:
        writer.start()

    client = benchmarking._client(reader)
    variables = {
        "club": str(big.id),
        "code": benchmarking.CODE,
        "first": benchmarking.FIRST,
        "last": benchmarking.LAST,
        "page": 50,
    }
    body = json.dumps({"query": benchmarking.COMPARISON, "variables": variables})

    def read() -> float:
        start = time.perf_counter()
        response = client.post("/graphql/", data=body, content_type="application/json")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200 and "errors" not in response.json()
        return elapsed

    for _ in range(benchmarking.WARMUP):
        read()
    alone: list[float] = []
    under_writes: list[float] = []
    publications = 0
    try:
        for _ in range(options.rounds):
            alone.extend(read() for _ in range(options.reads))
            running.set()
            time.sleep(0.3)  # the writers are publishing before the reads start
            before = counter.value
            under_writes.extend(read() for _ in range(options.reads))
            publications += counter.value - before
            running.clear()
            time.sleep(0.3)
    finally:
        stop.set()
        running.set()
        for writer in writers:
            writer.join(timeout=10)

    ratio = statistics.median(under_writes) / statistics.median(alone)
    print(
        f"GraphQL comparison, {benchmarking.ORGANISATIONS}-member club, 8 quarters, page of 50; "
        f"{options.rounds} rounds x {options.reads} reads per phase"
    )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, values in (("alone", alone), (f"under {options.writers} writers", under_writes)):
        p90 = sorted(values)[int(len(values) * 0.9) - 1]
        print(f"  {name:<18} median {statistics.median(values):7.1f} ms  p90 {p90:7.1f} ms")
    print(f"  publications during the reads under writes: {publications}")
    print(f"  ratio (median under writes / alone): {ratio:.2f}")
    verdict = "a replica would help" if ratio >= DOUBLING else "a replica is not needed yet"
    print(f"Rule: replicas if the ratio reaches {DOUBLING:.1f} -> {verdict}")


if __name__ == "__main__":
    main()
