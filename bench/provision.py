"""Provisioning benchmark: organisations cloned from the template schema vs. plain migrations.

    make bench                       # every benchmark, embedded services if none configured
    .venv/bin/python bench/provision.py --organisations 10

In one run, against a throw-away database `<name>_bench` created beside the database `<name>`
that DATABASE_URL names (same server, never that database itself), it:

1. migrates the public and template schemas (`goldenthread migrate`);
2. provisions N whole organisations with `organisation_create` (row, schema copied from the
   template, domain, first administrator with a generated password, audit) — the figure for
   the "under 1 s per organisation" target;
3. creates N schemas as provisioning does, by copying the template (`clone_template_into`);
4. creates N schemas the plain way, `CREATE SCHEMA` + `migrate_schemas --tenant --schema=…` —
   3 and 4 are the like-for-like pair for the "at least 10x faster than migrations" target
   (the row, domain and administrator cost the same either way);

interleaving them so that any drift in the machine's load falls on all alike, after one
untimed warm-up of each. It prints each organisation's times, the median and mean of each
and the ratio of the schema medians, checks the targets and drops the database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from _throwaway import throwaway_database, timed_organisation_create

BENCH_SUFFIX = "_bench"
TARGET_SECONDS_PER_ORGANISATION = 1.0
TARGET_RATIO = 10.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--organisations", type=int, default=10)
    parser.add_argument(
        "--keep", action="store_true", help="Leave the benchmark database for inspection."
    )
    return parser.parse_args(argv)


def provision_one(index: int) -> float:
    _, elapsed = timed_organisation_create(
        slug=f"bench-provisioned-{index}", name=f"Bench Provisioned {index}"
    )
    return elapsed


def copy_one(index: int) -> float:
    """The schema step of provisioning: a copy of the template schema."""
    from django.db import transaction

    from goldenthread.tenants.template_schema import clone_template_into

    started = time.perf_counter()
    with transaction.atomic():
        clone_template_into(f"bench_copied_{index}")
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

    provision_one(0)  # warm-up: imports, the migration graph, caches
    copy_one(0)
    migrate_one(0)
    provisioned: list[float] = []
    cloned: list[float] = []
    migrated: list[float] = []
    print(
        f"\n{'organisation':>12}  {'whole provisioning':>18}  {'schema from template':>20}  "
        f"{'schema by migrations':>20}"
    )
    for index in range(1, count + 1):
        provisioned.append(provision_one(index))
        cloned.append(copy_one(index))
        migrated.append(migrate_one(index))
        print(
            f"{index:>12}  {provisioned[-1]:>16.3f} s  {cloned[-1]:>18.3f} s  "
            f"{migrated[-1]:>18.3f} s",
            flush=True,
        )

    ratio = statistics.median(migrated) / statistics.median(cloned)
    fast_enough = statistics.median(provisioned) < TARGET_SECONDS_PER_ORGANISATION
    ratio_met = ratio >= TARGET_RATIO
    print()
    print(summary("whole provisioning", provisioned))
    print(summary("schema from template", cloned))
    print(summary("schema by migrations", migrated))
    print(f"ratio (median migrations / median template copy): {ratio:.1f}x")
    print(
        f"target under {TARGET_SECONDS_PER_ORGANISATION:.0f} s per organisation: "
        f"{'met' if fast_enough else 'NOT met'}; "
        f"target at least {TARGET_RATIO:.0f}x: {'met' if ratio_met else 'NOT met'}"
    )
    return fast_enough and ratio_met


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with throwaway_database(BENCH_SUFFIX, keep=args.keep):
        run(args.organisations)
    return 0


if __name__ == "__main__":
    sys.exit(main())
