"""Benchmark of the quarterly performance report page against a raw SQL fetch of its rows.

    .venv/bin/python bench/report.py [--pis 600] [--years 5] [--repeat 7] [--keep]

Against its own database `gt_bench_report` (on the server DATABASE_URL names; dropped first
if left over, and at the end unless --keep), it migrates, provisions one organisation and
fills it with PIs × quarters of approved values, targets and commentary (600 × 20 by
default: 12,000 values). It then times, median of --repeat runs after a warm-up:

- the report page for the last quarter of that data, through Django's test client (host
  routing, middleware, session, the selector, templates: the server's whole time);
- the report's selector alone (`performance_report`), to show where the time goes;
- a raw SQL fetch of the same rows (the PIs with their service areas and owners, the values
  and targets of the five quarters the report compares, the commentary, the settings), with
  a plain cursor and `fetchall()`.

It prints the page's query count, the timings and the ratio page / raw SQL (target: 3x).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BENCH_DATABASE = "gt_bench_report"
TARGET_RATIO = 3.0
SERVICE_AREAS = 12


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pis", type=int, default=600)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="Leave the database for inspection.")
    # `make bench` passes every benchmark the same arguments: ignore the ones for others.
    args, _ = parser.parse_known_args(argv)
    return args


def populate(*, pis: int, years: int) -> dict:
    """PIs of both polarities (and none) in service areas, each with a value and a target for
    every quarter of `years` years up to the last quarter that has ended, and commentary on
    the last four. Bulk inserts: this is set-up, not what is measured."""
    from django.utils import timezone

    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.core.periods import (
        PeriodType,
        period_containing,
        periods_between,
        previous_period,
    )
    from goldenthread.platform.indicators.models import (
        Commentary,
        Indicator,
        IndicatorValue,
        PerformanceSettings,
        ServiceArea,
        Target,
    )
    from goldenthread.platform.indicators.services.common import assess_indicator, store_status

    now = timezone.now()
    last = previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    first_day = last.end - timedelta(days=365 * years - 1)
    quarters = periods_between(PeriodType.QUARTER, first_day, last)[-4 * years :]
    people = {
        role: user_create(
            email=f"{role}@bench.example", full_name=role.replace("_", " ").title(), roles=[role]
        )
        for role in ("performance_officer", "data_provider", "verifier", "councillor")
    }
    areas = ServiceArea.objects.bulk_create(
        ServiceArea(name=f"Service area {n:02d}") for n in range(SERVICE_AREAS)
    )
    polarities = ("higher", "lower", "none")
    indicators = Indicator.objects.bulk_create(
        Indicator(
            code=f"BR {n:04d}",
            title=f"Benchmark indicator {n}",
            service_area=areas[n % SERVICE_AREAS] if n % 25 else None,
            owner=people["performance_officer"],
            unit_kind="percentage" if n % 2 else "number",
            polarity=polarities[n % 3],
            frequency="quarterly",
            decimal_places=1,
            rollup_rule="last",
            created_at=now,
            updated_at=now,
        )
        for n in range(pis)
    )
    settings = PerformanceSettings.load()
    values, targets, comments = [], [], []
    for n, indicator in enumerate(indicators):
        for q, quarter in enumerate(quarters):
            target = Decimal(50 + n % 30)
            value = target + Decimal((n * 7 + q * 13) % 21 - 10) / 2
            row = IndicatorValue(
                indicator=indicator,
                value=value,
                state="entered",
                workflow_status="approved" if (n + q) % 9 else "submitted",
                entered_by=people["data_provider"],
                entered_at=now,
                approved_by=people["verifier"],
                approved_at=now,
            )
            row.set_period(quarter)
            store_status(
                row,
                assess_indicator(
                    indicator=indicator, value=value, target=target, settings=settings
                ),
            )
            values.append(row)
            goal = Target(indicator=indicator, value=target, set_by=people["performance_officer"])
            goal.set_period(quarter)
            goal.set_at = now
            targets.append(goal)
            if q >= len(quarters) - 4 and (n + q) % 2:
                comments.append(
                    Commentary(
                        indicator=indicator,
                        period_code=quarter.code,
                        author=people["data_provider"],
                        text=f"Commentary on {indicator.code} for {quarter.label}.",
                    )
                )
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    Target.objects.bulk_create(targets, batch_size=2000)
    Commentary.objects.bulk_create(comments, batch_size=2000)
    return {"reader": people["councillor"], "period": last, "values": len(values)}


# The same rows and columns the report's queries read, fetched as plainly as PostgreSQL
# allows: the active PIs with their service areas and owners; the settings row; the overall
# values (the columns the report uses) and targets from the same quarter last year to the
# report's quarter; the commentary on that quarter with its authors.
VALUE_COLUMNS = (
    "v.id, v.indicator_id, v.sub_area_id, v.period_code, v.period_type, v.period_start, "
    "v.period_end, v.value, v.numerator, v.denominator, v.state, v.workflow_status, v.status, "
    "v.status_target, v.status_warning_threshold, v.status_tolerance_kind, "
    "v.status_tolerance_amount, v.status_polarity"
)
ACTIVE = "SELECT id FROM indicators_indicator WHERE is_active"
RAW_SQL = [
    """SELECT i.*, a.*, u.* FROM indicators_indicator i
       LEFT JOIN indicators_servicearea a ON a.id = i.service_area_id
       LEFT JOIN accounts_user u ON u.id = i.owner_id
       WHERE i.is_active ORDER BY i.code""",
    "SELECT * FROM indicators_performancesettings WHERE id = 1",
    f"""SELECT {VALUE_COLUMNS} FROM indicators_indicatorvalue v
       WHERE v.indicator_id IN ({ACTIVE}) AND v.sub_area_id IS NULL
         AND v.period_start >= %(earliest)s AND v.period_end <= %(latest)s""",
    f"""SELECT t.indicator_id, t.period_code, t.value FROM indicators_target t
       WHERE t.indicator_id IN ({ACTIVE}) AND t.sub_area_id IS NULL
         AND t.period_start >= %(earliest)s AND t.period_end <= %(latest)s""",
    f"""SELECT c.*, u.* FROM indicators_commentary c
       LEFT JOIN accounts_user u ON u.id = c.author_id
       WHERE c.period_code = %(period)s AND c.indicator_id IN ({ACTIVE})
       ORDER BY c.created_at DESC""",
]


def median_seconds(action, repeat: int) -> float:
    action()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def run(args: argparse.Namespace) -> bool:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from goldenthread.platform.core.periods import same_period_last_year
    from goldenthread.platform.indicators.selectors.report import performance_report
    from goldenthread.tenants.services import organisation_create

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    organisation = organisation_create(
        name="Bench Report Council",
        slug="benchreport",
        type="unitary",
        admin_email="admin@benchreport.example",
        admin_name="Bench Administrator",
    ).organisation
    schema = organisation.schema_name
    with schema_context(schema):
        facts = populate(pis=args.pis, years=args.years)
        with connection.cursor() as cursor:
            # Fresh statistics, as autovacuum would give a real database after a bulk load;
            # without them PostgreSQL plans the value queries as if the tables were empty.
            cursor.execute("ANALYZE")
    period = facts["period"]
    print(
        f"migrated and filled in {time.perf_counter() - started:.1f} s: {args.pis} PIs, "
        f"{facts['values']} values (and as many targets), report for {period.code}"
    )

    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    with schema_context(schema):
        client.force_login(facts["reader"])
    url = f"/indicators/report/?period={period.code}"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    page_time = median_seconds(page, args.repeat)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        page()
    rows = client.get(url).content.decode().count("<tr data-code=")

    def selector() -> None:
        with schema_context(schema):
            performance_report(period_code=period.code)

    selector_time = median_seconds(selector, args.repeat)
    params = {
        "earliest": same_period_last_year(period).start,
        "latest": period.end,
        "period": period.code,
    }

    def raw() -> None:
        with schema_context(schema), connection.cursor() as cursor:
            for sql in RAW_SQL:
                cursor.execute(sql, params)
                cursor.fetchall()

    raw_time = median_seconds(raw, args.repeat)
    ratio = page_time / raw_time
    print(f"report rows on the page: {rows}; queries per page: {queries}")
    print(f"{'report page (server time)':<32}{page_time * 1000:>9.1f} ms")
    print(f"{'  of which the selector':<32}{selector_time * 1000:>9.1f} ms")
    print(f"{'raw SQL fetch of the same rows':<32}{raw_time * 1000:>9.1f} ms")
    print(
        f"ratio page / raw SQL: {ratio:.1f}x (target {TARGET_RATIO:.0f}x: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}); "
        f"selector / raw SQL: {selector_time / raw_time:.1f}x"
    )
    return ratio <= TARGET_RATIO


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from goldenthread.platform.devtools.database import (
        drop_database,
        ensure_database,
        with_database_name,
    )
    from goldenthread.platform.devtools.services import available_services

    with available_services():
        bench_url = with_database_name(os.environ["DATABASE_URL"], BENCH_DATABASE)
        drop_database(bench_url)  # left over from an interrupted run
        ensure_database(bench_url)
        print(f"benchmark database: {BENCH_DATABASE}")
        os.environ["DATABASE_URL"] = bench_url
        os.environ.setdefault(
            "DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development"
        )
        try:
            run(args)
        finally:
            from django.db import connections

            connections.close_all()
            if args.keep:
                print(f"kept {BENCH_DATABASE}")
            else:
                drop_database(bench_url)
                print(f"dropped {BENCH_DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
