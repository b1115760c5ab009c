"""Provisioning benchmark: organisations cloned from the template schema vs. plain migrations.

    make bench                       # every benchmark, embedded services if none configured
    .venv/bin/python bench/provision.py --organisations 10

In one run, against a throw-away database `<name>_bench` created beside the database `<name>`
that DATABASE_URL names (same server, never that database itself), it:

1. migrates the public and template schemas (`goldenthread migrate`);
2. provisions N organisations with `organisation_create` (row, cloned schema, domain and first
   administrator; the administrator gets no password, so hashing is not what is measured);
3. creates N schemas the plain way, `CREATE SCHEMA` + `migrate_schemas --tenant --schema=…`;

4. for comparison, N copies by a prototype plain-SQL schema copy (`_sql_copy.py`, not the
   product's path; checked to give the template's exact shape);

interleaving the three so that any drift in the machine's load falls on all alike, after one
untimed warm-up of each. It prints each organisation's time, the median and mean of each
method and the ratio of the medians, checks them against the targets (under 1 s per
organisation, at least 10x faster) and drops the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_SUFFIX = "_bench"
TARGET_SECONDS_PER_ORGANISATION = 1.0
TARGET_RATIO = 10.0

# Runnable as a plain script from a checkout (`python bench/provision.py`); `_sql_copy` sits
# beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--organisations", type=int, default=10)
    parser.add_argument(
        "--keep", action="store_true", help="Leave the benchmark database for inspection."
    )
    return parser.parse_args(argv)


def clone_one(index: int) -> float:
    from goldenthread.tenants.services import organisation_create

    started = time.perf_counter()
    organisation_create(
        name=f"Bench Cloned {index}",
        slug=f"bench-cloned-{index}",
        type="district",
        admin_email=f"admin@bench-cloned-{index}.example",
        admin_name="Bench Administrator",
        admin_password=None,
    )
    return time.perf_counter() - started


def migrate_one(index: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    schema = f"bench_migrated_{index}"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(schema)}")
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    return time.perf_counter() - started


def sql_copy_one(index: int) -> float:
    from _sql_copy import copy_schema

    started = time.perf_counter()
    copy_schema("org_template", f"bench_copied_{index}")
    return time.perf_counter() - started


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label:<22} median {statistics.median(times):7.3f} s   "
        f"mean {statistics.mean(times):7.3f} s   "
        f"min {min(times):7.3f} s   max {max(times):7.3f} s"
    )


def run(count: int) -> bool:
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"public and template schemas migrated in {time.perf_counter() - started:.1f} s")

    from _sql_copy import same_shape

    clone_one(0)  # warm-up: imports, the migration graph, the clone function, caches
    migrate_one(0)
    sql_copy_one(0)
    copy_is_faithful = same_shape("org_template", "bench_copied_0")
    cloned: list[float] = []
    migrated: list[float] = []
    copied: list[float] = []
    print(f"\n{'organisation':>12}  {'from template':>14}  {'by migrations':>14}  {'SQL copy':>12}")
    for index in range(1, count + 1):
        cloned.append(clone_one(index))
        migrated.append(migrate_one(index))
        copied.append(sql_copy_one(index))
        print(
            f"{index:>12}  {cloned[-1]:>12.3f} s  {migrated[-1]:>12.3f} s  {copied[-1]:>10.3f} s",
            flush=True,
        )

    ratio = statistics.median(migrated) / statistics.median(cloned)
    fast_enough = statistics.median(cloned) < TARGET_SECONDS_PER_ORGANISATION
    ratio_met = ratio >= TARGET_RATIO
    print()
    print(summary("cloned from template", cloned))
    print(summary("plain migrations", migrated))
    print(summary("prototype SQL copy", copied))
    print(f"ratio (median migrations / median clone): {ratio:.1f}x")
    print(
        "prototype SQL copy: "
        f"{statistics.median(migrated) / statistics.median(copied):.1f}x faster than migrations; "
        f"same shape as the template: {'yes' if copy_is_faithful else 'NO'}"
    )
    print(
        f"target under {TARGET_SECONDS_PER_ORGANISATION:.0f} s per organisation: "
        f"{'met' if fast_enough else 'NOT met'}; "
        f"target at least {TARGET_RATIO:.0f}x: {'met' if ratio_met else 'NOT met'}"
    )
    return fast_enough and ratio_met


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from goldenthread.platform.devtools.database import (
        database_name,
        drop_database,
        ensure_database,
        with_database_name,
    )
    from goldenthread.platform.devtools.services import available_services

    with available_services():
        configured = os.environ["DATABASE_URL"]
        # Named after the configured database so that benchmarks of two checkouts sharing a
        # server do not drop each other's; it can never be the configured database itself.
        bench_name = f"{database_name(configured)}{BENCH_SUFFIX}"
        bench_url = with_database_name(configured, bench_name)
        drop_database(bench_url)  # left over from an interrupted run
        ensure_database(bench_url)
        print(f"benchmark database: {bench_name} (beside {database_name(configured)})")
        os.environ["DATABASE_URL"] = bench_url
        os.environ.setdefault(
            "DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development"
        )
        try:
            run(args.organisations)
        finally:
            from django.db import connections

            connections.close_all()
            if args.keep:
                print(f"kept {bench_name}")
            else:
                drop_database(bench_url)
                print(f"dropped {bench_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
