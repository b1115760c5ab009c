"""Benchmark: from approval to visibility in the published-values store, with a real worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gt_<you> CELERY_BROKER_URL=redis://... \
        .venv/bin/python bench/publication.py [--count 50] [--pool prefork] [--recreate]

It never touches the database DATABASE_URL names: it creates (once) `gt_bench_publication` on the
same server, migrates it, provisions a fresh organisation, and starts a real `celery worker`
subprocess (this script with `--worker`) against that database, on a queue of its own so that no
other worker on the broker can take its tasks.

Then it approves N values one after another through `value_approve` (each approval commits and
queues `publish_value_task`) and polls the store until each value is visible. It prints the
median and p95 of approval -> visible, and the ratio against a baseline measured in the same run:
the synchronous work the worker does for one value (`snapshot_from_value` + `publish_value`,
called directly). Target: median under 2 s.
"""

from __future__ import annotations

import argparse
import itertools
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "gt_bench_publication"
QUEUE = "bench_publication"
CODE_PREFIX = "BENCH"
POLL_SECONDS = 0.002
TIMEOUT_SECONDS = 30
REPO = Path(__file__).resolve().parents[1]


# --- database -------------------------------------------------------------------------------


def bench_database_url(source_url: str) -> str:
    """The benchmark database's URL: the same server as `source_url`, our own database."""
    parts = urlsplit(source_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://")
    if parts.path.lstrip("/") == BENCH_DATABASE:
        return source_url
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def ensure_database(url: str, *, recreate: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
        if exists and recreate:
            admin.execute(f'DROP DATABASE "{BENCH_DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
            print(f"created database {BENCH_DATABASE}")


def configure_environment(bench_url: str) -> None:
    """Point this process (and the worker it starts) at the benchmark database."""
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development")
    os.environ["DEBUG"] = "0"  # no query log growing in memory


# --- the basis the benchmark publishes under ---------------------------------------------------


def bench_bases(organisation_id: int, indicator_code: str):
    """Every organisation's BENCH* codes are covered by one agreement (benchmark database
    only; registered in this process and in the worker)."""
    from goldenthread.shared_indicators.publication.domain.bases import Basis

    if not indicator_code.startswith(CODE_PREFIX):
        return []
    return [
        Basis(
            type="agreement",
            id=1,
            fields=frozenset({"values", "targets", "commentary"}),
            label="Benchmark agreement v1",
        )
    ]


def setup_django() -> None:
    import django

    django.setup()
    from goldenthread.shared_indicators.publication.domain.bases import register_basis_provider

    register_basis_provider(bench_bases)


# --- worker ---------------------------------------------------------------------------------


def run_worker(pool: str, concurrency: int) -> None:
    setup_django()
    from goldenthread.platform.celery_app import app

    app.worker_main(
        [
            "worker",
            "--queues",
            QUEUE,
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--hostname",
            f"bench-publication-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )


def start_worker(pool: str, concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
        ],
        cwd=REPO,
        env=os.environ.copy(),
    )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


# --- the run --------------------------------------------------------------------------------


def provision():
    """A fresh organisation with a PI per 48 monthly values, and its people."""
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.services import user_create
    from goldenthread.tenants.services import organisation_create

    slug = f"bench{uuid.uuid4().hex[:8]}"
    password = secrets.token_urlsafe(24)  # nobody signs in to the benchmark organisation
    organisation = organisation_create(
        name=f"Benchmark {slug} Council",
        slug=slug,
        type="district",
        admin_email=f"admin@{slug}.example",
        admin_name="Benchmark Admin",
    ).organisation
    with schema_context(organisation.schema_name):
        people = {
            role: user_create(
                email=f"{role}@{slug}.example",
                full_name=f"Bench {role.replace('_', ' ').title()}",
                roles=[role],
                password=password,
            )
            for role in ("performance_officer", "data_provider", "verifier")
        }
    return organisation, people


def submitted_values(organisation, people, count: int, tag: str) -> list:
    """`count` submitted monthly values, spread over as many PIs as needed."""
    from django_tenants.utils import schema_context

    from goldenthread.platform.indicators.services.indicators import indicator_create
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_submit

    months = [f"{year}-{month:02d}" for year in range(2019, 2023) for month in range(1, 13)]
    values = []
    with schema_context(organisation.schema_name):
        for number in itertools.count(1):
            if len(values) >= count:
                break
            pi = indicator_create(
                actor=people["performance_officer"],
                code=f"{CODE_PREFIX}-{tag}-{number}",
                title=f"Benchmark indicator {tag} {number}",
                unit_kind="number",
                polarity="higher",
                frequency="monthly",
                decimal_places=0,
                data_providers=[people["data_provider"]],
            )
            for index, month in enumerate(months[: count - len(values)]):
                row = value_enter(
                    actor=people["data_provider"], indicator=pi, period_code=month, value=index
                )
                values.append(value_submit(actor=people["data_provider"], value=row))
    return values


def approve_and_wait(organisation, verifier, value) -> tuple[float, float]:
    """Approve, then poll until published. Returns (from calling approve, from its commit)."""
    from django_tenants.utils import schema_context

    from goldenthread.platform.indicators.services.workflow import value_approve
    from goldenthread.shared_indicators.publication.models import PublishedValue

    visible = PublishedValue.objects.filter(
        organisation_id=organisation.pk, source_value_id=value.pk, is_current=True
    )
    started = time.perf_counter()
    with schema_context(organisation.schema_name):
        value_approve(actor=verifier, value=value)  # atomic: returns after commit and queueing
    committed = time.perf_counter()
    deadline = committed + TIMEOUT_SECONDS
    while not visible.exists():
        if time.perf_counter() > deadline:
            raise SystemExit(f"value {value.pk} was not published within {TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)
    done = time.perf_counter()
    return done - started, done - committed


def direct_publication_seconds(organisation, value) -> float:
    """The baseline: the worker's own work for one value, called synchronously (a fresh key,
    so it is a first publication, not an idempotent no-op)."""
    from django_tenants.utils import schema_context

    from goldenthread.platform.indicators.models import IndicatorValue
    from goldenthread.platform.indicators.selectors.publication import snapshot_from_value
    from goldenthread.shared_indicators.publication.services import publish_value

    started = time.perf_counter()
    with schema_context(organisation.schema_name):
        row = IndicatorValue.objects.select_related("indicator", "sub_area", "approved_by").get(
            pk=value.pk
        )
        snapshot = replace(snapshot_from_value(row), indicator_code=f"{row.indicator.code}-DIRECT")
        published = publish_value(organisation=organisation, snapshot=snapshot)
    elapsed = time.perf_counter() - started
    assert published is not None and published.revision == 1
    return elapsed


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(count: int, pool: str, concurrency: int, recreate: bool) -> None:
    source = os.environ.get("DATABASE_URL")
    if not source:
        raise SystemExit("Set DATABASE_URL (its server hosts the benchmark database).")
    bench_url = bench_database_url(source)
    ensure_database(bench_url, recreate=recreate)
    configure_environment(bench_url)
    setup_django()

    from django.core.management import call_command

    from goldenthread.platform.celery_app import app

    app.conf.task_default_queue = QUEUE
    call_command("migrate", interactive=False, verbosity=0)
    organisation, people = provision()
    warmup = 3
    values = submitted_values(organisation, people, count + warmup, tag="A")
    verifier = people["verifier"]

    worker = start_worker(pool, concurrency)
    try:
        # The first approvals wait for the worker to start and warm up; not measured.
        for value in values[:warmup]:
            approve_and_wait(organisation, verifier, value)
        from_call, from_commit = [], []
        for value in values[warmup:]:
            total, after_commit = approve_and_wait(organisation, verifier, value)
            from_call.append(total)
            from_commit.append(after_commit)
    finally:
        stop_worker(worker)

    baseline = [direct_publication_seconds(organisation, value) for value in values[warmup:]]

    median = statistics.median(from_call)
    base = statistics.median(baseline)
    print(f"publication benchmark: {count} approvals, worker pool={pool} x{concurrency}")
    print(
        f"  approval -> visible (from calling value_approve): median {ms(median)}, "
        f"p95 {ms(percentile(from_call, 0.95))}, max {ms(max(from_call))}"
    )
    print(
        f"  commit -> visible (queue + worker + poll):       median "
        f"{ms(statistics.median(from_commit))}, p95 {ms(percentile(from_commit, 0.95))}"
    )
    print(
        f"  baseline, synchronous publish_value:            median {ms(base)}, "
        f"p95 {ms(percentile(baseline, 0.95))}"
    )
    print(f"  ratio approval->visible / synchronous publish:  {median / base:.1f}x")
    verdict = "PASS" if median < 2.0 else "FAIL"
    print(f"  target median < 2 s: {verdict}")
    if verdict == "FAIL":
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="approvals measured (default 50)")
    parser.add_argument("--pool", default="prefork", choices=["prefork", "solo", "threads"])
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--recreate", action="store_true", help="drop and recreate the benchmark database first"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        # Started by run(): the environment already names the benchmark database.
        if urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/") != BENCH_DATABASE:
            raise SystemExit("refusing to run the benchmark worker outside its own database")
        run_worker(args.pool, args.concurrency)
        return
    if args.count < 1:
        parser.error("--count must be at least 1")
    run(args.count, args.pool, args.concurrency, args.recreate)


if __name__ == "__main__":
    main()
