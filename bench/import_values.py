"""Import benchmark: 10,000 values through the import commit vs. saved one by one by the ORM.

    make bench                                   # every benchmark
    .venv/bin/python bench/import_values.py [--rows 10000] [--repeat 3] [--keep]

In a throw-away database `<configured name>_bench_import` on the server DATABASE_URL names
(`_throwaway.throwaway_database`: never that database itself; dropped at the end unless
--keep), one organisation gets 100 monthly PIs with a valid range and targets, and a file of
N values (100 PIs x N/100 months). Then, in one run and alternating, each method saves all N
values inside a transaction that is rolled back afterwards, so every round starts from the
same empty table:

- **import commit**: `read_file` + `commit_table`, the product's path: every row checked again
  under row locks (`validate_values`, the same checks as the preview), statuses from the pure
  domain functions, then `bulk_create` of the values and of their audit rows;
- **one by one**: for each row the same validation (`value_check`, which reads the period's
  target), then `IndicatorValue(...)` with its status, `full_clean()`, `save()`, and an
  `AuditEntry(...).save()`, as a service writing one value at a time does.

It prints each round's times, the medians and their ratio, and checks the target from the
issue: the import at least 10x faster.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from _throwaway import throwaway_database

BENCH_SUFFIX = "_bench_import"
TARGET_RATIO = 10.0
PIS = 100

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="Values to import (x100).")
    parser.add_argument("--repeat", type=int, default=3, help="Rounds of each method.")
    parser.add_argument(
        "--keep", action="store_true", help="Leave the benchmark database for inspection."
    )
    return parser.parse_args(argv)


class _RollBack(Exception):
    pass


def months(count: int) -> list[str]:
    return [f"{2010 + m // 12}-{m % 12 + 1:02d}" for m in range(count)]


def populate(rows: int):
    """An organisation with PIS monthly PIs (range 0-1,000,000, a target every month) and the
    CSV of `rows` values for them. Returns (schema, user, csv bytes)."""
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.core.periods import parse_period
    from goldenthread.platform.indicators.models import Target
    from goldenthread.platform.indicators.services.indicators import indicator_create
    from goldenthread.tenants.services import organisation_create

    organisation = organisation_create(
        name="Import Bench Council",
        slug="import-bench",
        type="district",
        admin_email="admin@import-bench.example",
        admin_name="Bench Administrator",
    ).organisation
    periods = months(rows // PIS)
    with schema_context(organisation.schema_name):
        user = user_create(
            email="officer@import-bench.example",
            full_name="Bench Officer",
            roles=["performance_officer"],
            password=None,
        )
        pis = [
            indicator_create(
                actor=user,
                code=f"BENCH {n:03d}",
                title=f"Bench indicator {n}",
                unit_kind="number",
                polarity="higher" if n % 2 else "lower",
                frequency="monthly",
                decimal_places=1,
                valid_minimum=Decimal("0"),
                valid_maximum=Decimal("1000000"),
            )
            for n in range(PIS)
        ]
        targets = []
        for pi in pis:
            for code in periods:
                target = Target(
                    indicator=pi, value=Decimal("500"), set_by=user, set_at=pi.created_at
                )
                target.set_period(parse_period(code))
                targets.append(target)
        Target.objects.bulk_create(targets, batch_size=2000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicator code", "period", "value"])
    for index, (code, pi) in enumerate((code, pi) for code in periods for pi in pis):
        writer.writerow([pi.code, code, f"{(index * 37) % 1000}.{index % 10}"])
    return organisation.schema_name, user, out.getvalue().encode()


def time_import(content: bytes, user, rows: int) -> float:
    from django.db import transaction

    from goldenthread.platform.indicators.domain.importing.columns import VALUE_COLUMNS
    from goldenthread.platform.indicators.domain.importing.reader import read_file
    from goldenthread.platform.indicators.models import AuditEntry, IndicatorValue
    from goldenthread.platform.indicators.services.importing.commit import commit_table

    try:
        with transaction.atomic():
            started = time.perf_counter()
            table = read_file(content, file_name="bench.csv", columns=VALUE_COLUMNS)
            written = commit_table(
                table=table,
                kind="values",
                actor=user,
                file_name="bench.csv",
                expected_digest=None,
            )
            elapsed = time.perf_counter() - started
            assert written.counts["new"] == rows, written.counts
            assert IndicatorValue.objects.count() == rows
            assert AuditEntry.objects.filter(action="value_entered").count() == rows
            raise _RollBack
    except _RollBack:
        return elapsed


def time_one_by_one(content: bytes, user, rows: int) -> float:
    from django.db import transaction
    from django.utils import timezone

    from goldenthread.platform.core.periods import parse_period
    from goldenthread.platform.indicators.domain.choices import AuditAction
    from goldenthread.platform.indicators.models import AuditEntry, Indicator, IndicatorValue
    from goldenthread.platform.indicators.services.audit import snapshot
    from goldenthread.platform.indicators.services.common import settings_for, store_status
    from goldenthread.platform.indicators.services.values import VALUE_AUDIT_FIELDS, value_check

    try:
        with transaction.atomic():
            started = time.perf_counter()
            records = list(csv.reader(io.StringIO(content.decode())))[1:]
            pis = {pi.code: pi for pi in Indicator.objects.all()}
            settings = settings_for()
            for code, period_code, value in records:
                pi = pis[code]
                check = value_check(
                    indicator=pi, period_code=period_code, value=value, settings=settings
                )
                if check.problems or check.out_of_range:
                    raise ValueError(check.messages)
                row = IndicatorValue(indicator=pi, value=check.value, state="entered")
                row.set_period(parse_period(period_code))
                store_status(row, check.status)
                row.entered_by, row.entered_at = user, timezone.now()
                row.full_clean()
                row.save()
                AuditEntry(
                    actor=user,
                    actor_name=user.full_name,
                    action=AuditAction.VALUE_ENTERED,
                    object_type="indicatorvalue",
                    object_id=str(row.pk),
                    indicator=pi,
                    period_code=row.period_code,
                    new=snapshot(row, VALUE_AUDIT_FIELDS),
                    reason="Imported one by one",
                ).save()
            elapsed = time.perf_counter() - started
            assert IndicatorValue.objects.count() == rows
            raise _RollBack
    except _RollBack:
        return elapsed


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label:<16} median {statistics.median(times):8.3f} s   "
        f"min {min(times):8.3f} s   max {max(times):8.3f} s"
    )


def run(rows: int, repeat: int) -> bool:
    import django
    from django.core.management import call_command

    django.setup()
    from django_tenants.utils import schema_context

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"public and template schemas migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    schema, user, content = populate(rows)
    print(
        f"{PIS} PIs, their targets and a file of {rows:,} values made in "
        f"{time.perf_counter() - started:.1f} s"
    )
    imported: list[float] = []
    one_by_one: list[float] = []
    with schema_context(schema):
        time_import(content, user, rows)  # warm-up: imports, caches, query plans
        print(f"\n{'round':>5}  {'import commit':>14}  {'one by one':>12}  {'ratio':>6}")
        for index in range(1, repeat + 1):
            imported.append(time_import(content, user, rows))
            one_by_one.append(time_one_by_one(content, user, rows))
            print(
                f"{index:>5}  {imported[-1]:>12.3f} s  {one_by_one[-1]:>10.3f} s  "
                f"{one_by_one[-1] / imported[-1]:>5.1f}x",
                flush=True,
            )
    ratio = statistics.median(one_by_one) / statistics.median(imported)
    print()
    print(summary("import commit", imported))
    print(summary("one by one", one_by_one))
    per_second = rows / statistics.median(imported)
    print(f"import commit: {per_second:,.0f} values a second")
    print(f"ratio (median one by one / median import): {ratio:.1f}x")
    print(f"target at least {TARGET_RATIO:.0f}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'}")
    return ratio >= TARGET_RATIO


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Query logging would cost the one-by-one method far more than the import.
    os.environ["DEBUG"] = "0"
    with throwaway_database(BENCH_SUFFIX, keep=args.keep):
        run(args.rows, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
