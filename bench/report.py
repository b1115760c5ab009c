"""Benchmark of the quarterly performance report page against a raw SQL fetch of its rows.

    .venv/bin/python bench/report.py [--pis 600] [--years 5] [--repeat 7] [--keep]
                                     [--database gt_bench_report]

Against its own database `gt_bench_report` (or --database, for runs side by side; on the
server DATABASE_URL names; dropped first if left over, and at the end unless --keep), it
migrates, provisions one organisation and fills it with PIs × quarters of approved values,
targets and commentary (600 × 20 by default: 12,000 values). It then times, median of
--repeat rounds after a warm-up round, the three taking turns in each round so that a shared
machine's load falls on all alike:

- the report page for the last quarter of that data, through Django's test client (host
  routing, middleware, session, the selector, the rows' formatting and the template: the
  server's whole time);
- the report's selector alone (`performance_report`);
- a raw SQL fetch of the same rows and columns the report reads (the settings, the service
  areas, the active PIs, the overall values of the three quarters compared, the quarter's
  targets, the newest commentary per PI with its author's name), with a plain cursor and
  `fetchall()`. It first checks that this returns as many rows and values as the report's
  own queries. Also the same rows read whole (`SELECT *`), for comparison.

It prints the page's query count, the timings and the ratios page / raw SQL (target: 3x)
and selector / raw SQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help="Name of the throw-away database (for benchmarks run side by side).",
    )
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
# allows: the settings row; the service areas; the active PIs; the overall values (the columns
# the report uses) of the three periods it compares (the report's quarter, the one before and
# the same quarter last year); the targets of the report's quarter; the newest commentary on
# that quarter per PI with its author. `run` checks that these are as many rows as the
# report's own queries return.
VALUE_COLUMNS = (
    "v.indicator_id, v.period_code, v.value, v.numerator, v.denominator, v.state, "
    "v.workflow_status, v.status, v.status_target, v.status_warning_threshold, "
    "v.status_tolerance_kind, v.status_tolerance_amount"
)
INDICATOR_COLUMNS = (
    "i.id, i.code, i.title, i.service_area_id, i.unit_kind, i.polarity, i.frequency, "
    "i.year_basis, i.decimal_places, i.is_calculated, i.factor, i.rollup_rule, i.year_to_date, "
    "i.falls_back_to_annual_target, i.band_lower, i.band_upper, i.tolerance_kind, "
    "i.tolerance_amount, i.due_day_of_following_month, i.due_lag_months"
)
ACTIVE = "SELECT id FROM indicators_indicator WHERE is_active"
RAW_SQL = [
    "SELECT * FROM indicators_performancesettings WHERE id = 1",
    "SELECT id, name FROM indicators_servicearea ORDER BY name",
    f"SELECT {INDICATOR_COLUMNS} FROM indicators_indicator i WHERE i.is_active ORDER BY i.code",
    f"""SELECT {VALUE_COLUMNS} FROM indicators_indicatorvalue v
       WHERE v.indicator_id IN ({ACTIVE}) AND v.sub_area_id IS NULL
         AND v.period_code IN (%(period)s, %(previous)s, %(last_year)s)""",
    f"""SELECT t.indicator_id, t.period_code, t.value FROM indicators_target t
       WHERE t.indicator_id IN ({ACTIVE}) AND t.sub_area_id IS NULL
         AND t.period_code IN (%(period)s, %(year)s)""",
    f"""SELECT DISTINCT ON (c.indicator_id, c.period_code)
              c.indicator_id, c.period_code, c.text, c.created_at, u.full_name, u.email
       FROM indicators_commentary c LEFT JOIN accounts_user u ON u.id = c.author_id
       WHERE c.period_code = %(period)s AND c.indicator_id IN ({ACTIVE})
       ORDER BY c.indicator_id, c.period_code, c.created_at DESC, c.id DESC""",
]


# The same rows read whole (`SELECT *`), a looser reading of "the same rows": what the report
# would cost the database if it loaded every column, as it did before it was tuned.
RAW_SQL_WHOLE_ROWS = [
    "SELECT * FROM indicators_performancesettings WHERE id = 1",
    "SELECT * FROM indicators_servicearea",
    "SELECT * FROM indicators_indicator i WHERE i.is_active ORDER BY i.code",
    f"""SELECT * FROM indicators_indicatorvalue v
       WHERE v.indicator_id IN ({ACTIVE}) AND v.sub_area_id IS NULL
         AND v.period_code IN (%(period)s, %(previous)s, %(last_year)s)""",
    f"""SELECT * FROM indicators_target t
       WHERE t.indicator_id IN ({ACTIVE}) AND t.sub_area_id IS NULL
         AND t.period_code IN (%(period)s, %(year)s)""",
    f"""SELECT DISTINCT ON (c.indicator_id, c.period_code) c.*, u.*
       FROM indicators_commentary c LEFT JOIN accounts_user u ON u.id = c.author_id
       WHERE c.period_code = %(period)s AND c.indicator_id IN ({ACTIVE})
       ORDER BY c.indicator_id, c.period_code, c.created_at DESC, c.id DESC""",
]


def median_seconds(actions: list[Callable[[], None]], repeat: int) -> list[float]:
    """Each action's median time over `repeat` rounds (after a warm-up round), the actions
    taking turns within each round."""
    timings: list[list[float]] = [[] for _ in actions]
    for round_ in range(repeat + 1):
        for action, times in zip(actions, timings, strict=True):
            started = time.perf_counter()
            action()
            if round_:
                times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in timings]


def run(args: argparse.Namespace) -> bool:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from goldenthread.platform.core.periods import (
        PeriodType,
        period_containing,
        previous_period,
        same_period_last_year,
    )
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

    def selector() -> None:
        with schema_context(schema):
            performance_report(period_code=period.code)

    params = {
        "period": period.code,
        "previous": previous_period(period).code,
        "last_year": same_period_last_year(period).code,
        # The year's target too: a quarter without its own may fall back to it.
        "year": period_containing(PeriodType.FINANCIAL_YEAR, period.end).code,
    }

    def raw(statements: list[str] = RAW_SQL) -> None:
        with schema_context(schema), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    def raw_whole_rows() -> None:
        raw(RAW_SQL_WHOLE_ROWS)

    queries: list[tuple[str, Any]] = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):  # not django-tenants' SET search_path
            queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page()
    page_queries = len(queries)  # SELECTs: session, user, organisation, the report
    queries.clear()
    with connection.execute_wrapper(record):
        selector()

    def fetched(statements) -> tuple[int, int]:
        """How many rows and values (rows x columns) the statements return."""
        rows = values = 0
        with schema_context(schema), connection.cursor() as cursor:
            for sql, query_params in statements:
                cursor.execute(sql, query_params)
                got = len(cursor.fetchall())
                rows, values = rows + got, values + got * len(cursor.description)
        return rows, values

    # Like with like: the raw fetch must return as much as the report's own queries.
    report_rows, report_values = fetched(queries)
    raw_rows, raw_values = fetched([(sql, params) for sql in RAW_SQL])
    assert (raw_rows, raw_values) == (report_rows, report_values), (
        f"raw SQL fetches {raw_rows} rows / {raw_values} values, "
        f"the report {report_rows} / {report_values}"
    )
    rows = client.get(url).content.decode().count("<tr data-code=")

    # Interleaved, so that the load of a shared machine falls on all three alike.
    page_time, selector_time, raw_time, whole_time = median_seconds(
        [page, selector, raw, raw_whole_rows], args.repeat
    )
    ratio = page_time / raw_time
    print(
        f"report rows on the page: {rows}; queries per page: {page_queries}, of which the "
        f"selector's: {len(queries)}, fetching {report_rows} rows, {report_values} values "
        f"(raw SQL: {raw_rows}, {raw_values})"
    )
    print(f"{'report page (server time)':<34}{page_time * 1000:>9.1f} ms")
    print(f"{'  the selector alone':<34}{selector_time * 1000:>9.1f} ms")
    print(f"{'raw SQL fetch of the same rows':<34}{raw_time * 1000:>9.1f} ms")
    print(f"{'  the same rows whole (SELECT *)':<34}{whole_time * 1000:>9.1f} ms")
    print(
        f"ratio page / raw SQL: {ratio:.1f}x (target {TARGET_RATIO:.0f}x: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}); "
        f"selector / raw SQL: {selector_time / raw_time:.1f}x"
    )
    print(
        f"against whole rows: page {page_time / whole_time:.1f}x, "
        f"selector {selector_time / whole_time:.1f}x"
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
        bench_url = with_database_name(os.environ["DATABASE_URL"], args.database)
        drop_database(bench_url)  # left over from an interrupted run
        ensure_database(bench_url)
        print(f"benchmark database: {args.database}")
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
                print(f"kept {args.database}")
            else:
                drop_database(bench_url)
                print(f"dropped {args.database}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
