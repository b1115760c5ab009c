"""Benchmark: one benchmarking comparison over a store of 400 organisations x 20 indicators x
12 quarters, against the same comparison in a 10-member club over the same store.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything .venv/bin/python bench/benchmarking.py

Uses its own database, gt_bench_benchmarking, on the server DATABASE_URL names (created and
migrated if missing; the data set is built once and reused). The setup bulk-inserts store rows
(published values and their grants) directly: it is not what is measured. Measured: the
comparison of one indicator over 8 quarters with ranks and quartiles for every member, (a)
through the selector `comparison_for` and (b) through the GraphQL API (schema execution,
serialisation included), each as the median of many runs, with the SQL query count.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "gt_bench_benchmarking"
ORGANISATIONS, INDICATORS, QUARTERS = 400, 20, 12
SMALL = 10
RUNS, WARMUP = 40, 5
FIRST_QUARTER = "2022/23 Q1"


def _database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _setup_django() -> None:
    url = _database_url()
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "goldenthread.platform.settings.test"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    # Only the public schema: the bench's organisations have no schemas of their own (the
    # comparison reads only the public store), so there is nothing per organisation to migrate.
    call_command("migrate", shared=True, verbosity=0)


def _build():
    """Organisations, indicators, two clubs with consents, and the published store."""
    from django.db import transaction

    from goldenthread.platform.core.periods import next_period, parse_period
    from goldenthread.shared_indicators.benchmarking.models import (
        Club,
        ClubConsent,
        ClubIndicator,
        ClubMembership,
    )
    from goldenthread.shared_indicators.models import CatalogueIndicator
    from goldenthread.shared_indicators.publication.models import (
        PublicationGrant,
        PublishedValue,
    )
    from goldenthread.tenants.models import Organisation, Region

    existing = Club.objects.filter(name__startswith="Bench ").order_by("name")
    if existing.count() == 2:
        return list(existing)

    print("Building the data set (once)…", flush=True)
    regions = list(Region.values)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                schema_name=f"bench_{i:04d}",
                slug=f"bench-{i:04d}",
                name=f"Bench Council {i:04d}",
                type="district",
                region=regions[i % len(regions)],
            )
            for i in range(ORGANISATIONS)
        )
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
                name=name, administering_organisation=organisations[0], anonymised=True
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
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return sorted(clubs, key=lambda club: club.name)


COMPARISON = """
query Compare($club: ID!, $code: String!, $first: String!, $last: String!) {
  benchmarkingComparison(clubId: $club, indicatorCode: $code,
                         firstPeriod: $first, lastPeriod: $last) {
    periods {
      period { code }
      shown
      summary { count median mean minimum maximum }
      you { rank quartile value }
      entries(first: 500) { label isYou value rank quartile distanceFromMedian }
    }
  }
}
"""


def _measure(call) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        call()
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    return statistics.median(timings), len(captured)


def main() -> None:
    _setup_django()
    from goldenthread.graphql.api import schema
    from goldenthread.platform.core.periods import parse_period, periods_between
    from goldenthread.shared_indicators.benchmarking.selectors import comparison_for

    big, small = sorted(_build(), key=lambda club: club.name, reverse=True)  # 400, then 010
    reader = big.administering_organisation
    code = "BENCH 00"
    first, last = "2023/24 Q1", "2024/25 Q4"
    periods = periods_between(parse_period(first).type, parse_period(first), parse_period(last))
    assert len(periods) == 8

    from django.db import connection

    # The GraphQL API reads as the organisation on the request; its schema need not exist
    # (PostgreSQL ignores a missing schema on the search path), only the public tables are read.
    connection.set_tenant(reader)
    results = {}
    for club in (small, big):

        def selector(club=club):
            view = comparison_for(
                reader=reader,
                club=club,
                indicator_code=code,
                periods=periods,
                today=date(2026, 1, 1),
            )
            assert all(result.shown for result in view.comparison.periods)
            return view

        context = SimpleNamespace(tenant=reader, user=SimpleNamespace(email="bench@example"))

        def graphql(club=club, context=context):
            context.__dict__.pop("_benchmarking_loaders", None)
            outcome = schema.execute(
                COMPARISON,
                variables={"club": str(club.id), "code": code, "first": first, "last": last},
                context_value=context,
            )
            assert not outcome.errors, outcome.errors
            return outcome

        members = selector().comparison.periods[0].summary.count
        results[club.name] = {
            "members": members,
            "selector": _measure(selector),
            "graphql": _measure(graphql),
        }

    print(f"Store: {ORGANISATIONS} organisations x {INDICATORS} indicators x {QUARTERS} quarters")
    print("One comparison: one indicator over 8 quarters, ranks and quartiles for all members")
    for name in ("Bench 010", "Bench 400"):
        r = results[name]
        print(
            f"  {r['members']:>3} members: selector {r['selector'][0]:7.2f} ms median "
            f"({r['selector'][1]} queries); GraphQL {r['graphql'][0]:7.2f} ms median "
            f"({r['graphql'][1]} queries)"
        )
    for path in ("selector", "graphql"):
        ratio = results["Bench 400"][path][0] / results["Bench 010"][path][0]
        print(f"  {path}: 400/10 latency ratio {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
