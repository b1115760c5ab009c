"""Benchmark: one benchmarking comparison over GraphQL, as a client asks it, in a 400-member club
against the same comparison in a 10-member club over the same store of 400 organisations x 20
indicators x 12 quarters.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything \
        .venv/bin/python bench/benchmarking.py [--runs 40] [--recreate] [--database NAME]

Uses its own database, gt_bench_benchmarking (or --database), on the server DATABASE_URL names
(created and migrated if missing; the data set is built once and reused; the database
DATABASE_URL names is never touched). The reading organisation is provisioned for real (its
schema, host and administrator), the 399 others are organisation rows without schemas (a
comparison reads only the public store and the ranking table). Store rows and their consent
grants are bulk-inserted and the ranking table is then built from them in one go
(`rankings.refresh.rebuild_everything`): setup, not measured.

Measured, interleaving the two clubs run by run (the machine's load drifts), after warm-ups:
* the GraphQL comparison of one indicator over 8 quarters (ranks and quartiles computed for
  every member; summary, your own entry and the first page of 50 entries per quarter in the
  response) POSTed to /graphql/ on the reader's host through the whole Django stack (session,
  tenant, CSRF-free JSON, read-log INSERT included), with the number of SQL statements;
* the same asking for every entry (`entries(first: 400)`), to show what a full league table
  costs;
* the same with a page of 10, so both clubs return responses of the same size;
* for where the time goes: the selector `comparison_for` alone (first page; it writes its own
  read-log row since the read log moved into the selector), and the read-log INSERT alone
  (`record_comparison_read`: one row naming every member whose values were shown);
* then, not interleaved with the reads, the write side: refreshing one quarter of the
  compared indicator, as the publication worker does after publishing a value
  (`rankings.refresh.store_changed`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "gt_bench_benchmarking"
WRITE_RUNS = 15
ORGANISATIONS, INDICATORS, QUARTERS = 400, 20, 12
SMALL = 10
WARMUP = 5
FIRST_QUARTER = "2022/23 Q1"
READER_SLUG = "bench-reader"
CODE = "BENCH 00"
FIRST, LAST = "2023/24 Q1", "2024/25 Q4"


def _database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _ensure_database(url: str, *, recreate: bool) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and recreate:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _stale(url: str) -> bool:
    """A data set from the previous version of this benchmark (no provisioned reader)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        has_tables = connection.execute(
            "SELECT 1 FROM pg_tables WHERE tablename = 'benchmarking_club'"
        ).fetchone()
        if not has_tables:
            return False
        clubs = connection.execute(
            "SELECT count(*) FROM benchmarking_club WHERE name LIKE 'Bench %%'"
        ).fetchone()[0]
        reader = connection.execute(
            "SELECT 1 FROM tenants_organisation WHERE slug = %s", [READER_SLUG]
        ).fetchone()
        return bool(clubs) and not reader


def _setup_django(*, recreate: bool, database: str) -> None:
    url = _database_url(database)
    _ensure_database(url, recreate=recreate)
    if _stale(url):
        print("Rebuilding the data set: it predates the provisioned reader.", flush=True)
        _ensure_database(url, recreate=True)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "goldenthread.platform.settings.test"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    from goldenthread.tenants.services import ensure_public_organisation
    from goldenthread.tenants.template_schema import ensure_template_schema

    # The public schema and the template only: the 399 bare organisations have no schemas.
    call_command("migrate", shared=True, verbosity=0)
    ensure_public_organisation()
    ensure_template_schema()


def _reader():
    from goldenthread.tenants.models import Organisation
    from goldenthread.tenants.services import organisation_create

    found = Organisation.objects.filter(slug=READER_SLUG).first()
    if found is not None:
        return found
    return organisation_create(
        name="Bench Reader Council",
        slug=READER_SLUG,
        type="district",
        region="london",
        admin_email=f"admin@{READER_SLUG}.example",
        admin_name="Bench Admin",
        licensed_modules=["performance", "planning", "partnerships", "benchmarking"],
    ).organisation


def _build():
    """Organisations, indicators, two clubs with consents, and the published store."""
    from django.db import transaction

    from goldenthread.platform.core.periods import next_period, parse_period
    from goldenthread.shared_indicators.benchmarking.models import (
        Club,
        ClubConsent,
        ClubIndicator,
        ClubMembership,
        RankingPeriod,
    )
    from goldenthread.shared_indicators.models import CatalogueIndicator
    from goldenthread.shared_indicators.publication.models import (
        PublicationGrant,
        PublishedValue,
    )
    from goldenthread.tenants.models import Organisation, Region

    reader = _reader()
    existing = Club.objects.filter(name__startswith="Bench ").order_by("name")
    if existing.count() == 2:
        if not RankingPeriod.objects.exists():  # a data set from before the ranking table
            _rank_everything()
        return reader, list(existing)

    print("Building the data set (once)…", flush=True)
    regions = list(Region.values)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        others = Organisation.objects.bulk_create(
            Organisation(
                schema_name=f"bench_{i:04d}",
                slug=f"bench-{i:04d}",
                name=f"Bench Council {i:04d}",
                type="district",
                region=regions[i % len(regions)],
                licensed_modules=["performance", "benchmarking"],
            )
            for i in range(1, ORGANISATIONS)
        )
        organisations = [reader, *others]
        indicators = CatalogueIndicator.objects.bulk_create(
            CatalogueIndicator(
                code=f"BENCH {i:02d}",
                title=f"Bench indicator {i:02d}",
                unit="percentage",
                polarity="higher" if i % 2 == 0 else "lower",
                frequency="quarterly",
                decimal_places=1,
            )
            for i in range(INDICATORS)
        )
        clubs, consents_by_club = [], []
        for name, members in (
            ("Bench 400", organisations),
            ("Bench 010", organisations[:SMALL]),
        ):
            club = Club.objects.create(
                name=name, administering_organisation=reader, anonymised=True
            )
            memberships = ClubMembership.objects.bulk_create(
                ClubMembership(club=club, organisation=org) for org in members
            )
            club_indicators = ClubIndicator.objects.bulk_create(
                ClubIndicator(
                    club=club, catalogue_indicator=indicator, comparison_period_type="quarter"
                )
                for indicator in indicators
            )
            consents = ClubConsent.objects.bulk_create(
                ClubConsent(membership=m, club_indicator=ci, given_by="bench")
                for m in memberships
                for ci in club_indicators
            )
            clubs.append(club)
            consents_by_club.append(
                {
                    (c.membership.organisation_id, c.club_indicator.catalogue_indicator_id): c.id
                    for c in consents
                }
            )

        periods = [parse_period(FIRST_QUARTER)]
        while len(periods) < QUARTERS:
            periods.append(next_period(periods[-1]))
        rows = []
        for org_index, org in enumerate(organisations):
            for ind_index, indicator in enumerate(indicators):
                for q, period in enumerate(periods):
                    value = Decimal((org_index * 37 + ind_index * 11 + q * 5) % 1000) / 10
                    rows.append(
                        PublishedValue(
                            organisation=org,
                            indicator_code=indicator.code,
                            catalogue_indicator=indicator,
                            indicator_title=indicator.title,
                            unit="percentage",
                            polarity=indicator.polarity,
                            frequency="quarterly",
                            decimal_places=1,
                            period_code=period.code,
                            period_type=period.type.value,
                            period_start=period.start,
                            period_end=period.end,
                            value=value,
                            value_state="entered",
                            source_value_id=len(rows) + 1,
                            approved_at=now,
                            published_at=now,
                        )
                    )
        rows = PublishedValue.objects.bulk_create(rows, batch_size=5000)
        grants = []
        for row in rows:
            for consents in consents_by_club:
                consent_id = consents.get((row.organisation_id, row.catalogue_indicator_id))
                if consent_id is not None:
                    grants.append(
                        PublicationGrant(
                            published_value=row,
                            basis_type="club_consent",
                            basis_id=consent_id,
                            fields=["values"],
                            granted_at=now,
                        )
                    )
        PublicationGrant.objects.bulk_create(grants, batch_size=5000)
    _rank_everything()
    return reader, sorted(clubs, key=lambda club: club.name)


def _rank_everything() -> None:
    from django.db import connection, transaction

    from goldenthread.shared_indicators.benchmarking.services.rankings.refresh import (
        rebuild_everything,
    )

    print("Building the ranking table…", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with transaction.atomic():
        rebuild_everything()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)


COMPARISON = """
query Compare($club: ID!, $code: String!, $first: String!, $last: String!, $page: Int!) {
  benchmarkingComparison(clubId: $club, indicatorCode: $code,
                         firstPeriod: $first, lastPeriod: $last) {
    periods {
      period { code }
      shown
      summary { count median mean minimum maximum }
      mine { label rank quartile value distanceFromMedian }
      entries(first: $page) { label isYou value rank quartile distanceFromMedian }
    }
  }
}
"""


def _client(reader):
    from django.test import Client
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.models import User

    client = Client(HTTP_HOST=reader.get_primary_domain().domain)
    with schema_context(reader.schema_name):
        client.force_login(User.objects.get(email=f"admin@{READER_SLUG}.example"))
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="timed runs per case (>= 30)")
    parser.add_argument("--recreate", action="store_true", help="rebuild the data set")
    parser.add_argument("--database", default=BENCH_DB, help=f"its database (default {BENCH_DB})")
    options = parser.parse_args()
    _setup_django(recreate=options.recreate, database=options.database)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from goldenthread.shared_indicators.benchmarking.domain.comparison import Window
    from goldenthread.shared_indicators.benchmarking.selectors import (
        comparison_for,
        period_range,
    )
    from goldenthread.shared_indicators.benchmarking.selectors.read_log import (
        record_comparison_read,
    )

    reader, clubs = _build()
    big, small = sorted(clubs, key=lambda club: club.name, reverse=True)  # 400, then 010
    client = _client(reader)
    periods = period_range(FIRST, LAST)
    assert len(periods) == 8

    def graphql(club, page: int):
        variables = {"club": str(club.id), "code": CODE, "first": FIRST, "last": LAST}
        body = json.dumps({"query": COMPARISON, "variables": {**variables, "page": page}})

        def call():
            response = client.post("/graphql/", data=body, content_type="application/json")
            data = response.json()
            assert response.status_code == 200 and "errors" not in data, data
            return data, len(response.content)

        return call

    def selector(club):
        def call():
            connection.set_schema_to_public()
            view = comparison_for(
                reader=reader,
                reader_user="bench@example",
                interface="graphql",
                club=club,
                indicator_code=CODE,
                periods=periods,
                today=timezone.localdate(),
                entries=Window(0, 50),
                group_entries=Window(0, 0),
                series=Window(0, 0),
            )
            assert all(result.shown for result in view.comparison.periods)
            return view, 0

        return call

    def read_log(club):
        view = selector(club)()[0]

        def call():
            record_comparison_read(
                view=view, reader=reader, reader_user="bench@example", interface="graphql"
            )
            return None, 0

        return call

    cases = {}
    for name, make in (
        ("graphql, page of 50", lambda club: graphql(club, 50)),
        ("graphql, page of 10", lambda club: graphql(club, 10)),
        ("graphql, every entry", lambda club: graphql(club, ORGANISATIONS)),
        ("selector, page of 50", selector),
        ("read log alone", read_log),
    ):
        cases[(name, SMALL)] = make(small)
        cases[(name, ORGANISATIONS)] = make(big)
    timings: dict = {key: [] for key in cases}
    sizes, queries = {}, {}
    for key, call in cases.items():
        for _ in range(WARMUP):
            call()
        with CaptureQueriesContext(connection) as captured:
            _, sizes[key] = call()
        queries[key] = len(captured)
    for _ in range(options.runs):
        for key, call in cases.items():  # interleaved: both clubs see the same load
            start = time.perf_counter()
            call()
            timings[key].append((time.perf_counter() - start) * 1000)

    members = graphql(big, 1)()[0]["data"]["benchmarkingComparison"]["periods"][0]
    print(f"Store: {ORGANISATIONS} organisations x {INDICATORS} indicators x {QUARTERS} quarters")
    print(
        f"One comparison: {CODE} over 8 quarters ({FIRST} to {LAST}), ranks and quartiles "
        f"for all {members['summary']['count']} members; median of {options.runs} runs"
    )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for case in dict.fromkeys(name for name, _ in cases):
        small_ms = statistics.median(timings[(case, SMALL)])
        big_ms = statistics.median(timings[(case, ORGANISATIONS)])
        p90 = sorted(timings[(case, ORGANISATIONS)])[int(options.runs * 0.9) - 1]
        print(
            f"  {case:<21} {SMALL:>3} members {small_ms:7.1f} ms ({queries[(case, SMALL)]} "
            f"queries{_size(sizes[(case, SMALL)])}); {ORGANISATIONS} members {big_ms:7.1f} ms "
            f"(p90 {p90:.1f}; {queries[(case, ORGANISATIONS)]} queries"
            f"{_size(sizes[(case, ORGANISATIONS)])}); ratio {big_ms / small_ms:.2f}"
        )
    print("Targets: under 100 ms median with 400 members; ratio 400/10 at most 1.5; queries equal")
    _write_side(reader, small, big, periods[0])


def _write_side(reader, small, big, period) -> None:
    """What a publication costs the ranking table: one quarter refreshed (in the publication
    worker's transaction), for the reader's value, which is in both clubs."""
    from django.db import connection, transaction

    from goldenthread.shared_indicators.benchmarking.models import ClubIndicator
    from goldenthread.shared_indicators.benchmarking.services.rankings.refresh import (
        refresh_club_indicators,
        store_changed,
    )

    def publish_refresh():
        with transaction.atomic():
            store_changed(
                organisation_id=reader.id,
                indicator_code=CODE,
                period_type=period.type.value,
                start=period.start,
                end=period.end,
            )

    def club_indicator_refresh(club):
        club_indicator = ClubIndicator.objects.select_related("club", "catalogue_indicator").get(
            club=club, catalogue_indicator__code=CODE
        )

        def call():
            with transaction.atomic():
                refresh_club_indicators([club_indicator])

        return call

    connection.set_schema_to_public()
    cases = {
        "one quarter, both clubs (a publication)": publish_refresh,
        f"every quarter, {SMALL}-member club": club_indicator_refresh(small),
        f"every quarter, {ORGANISATIONS}-member club": club_indicator_refresh(big),
    }
    timings = {name: [] for name in cases}
    for call in cases.values():
        call()
    for _ in range(WRITE_RUNS):
        for name, call in cases.items():
            start = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - start) * 1000)
    print(f"Write side (refreshing the ranking table), median of {WRITE_RUNS}:")
    for name, values in timings.items():
        print(f"  {name:<42} {statistics.median(values):7.1f} ms")


def _size(size: int) -> str:
    return f", {size / 1024:.0f} KiB" if size else ""


if __name__ == "__main__":
    main()
