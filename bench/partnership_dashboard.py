"""Benchmark: the partnership dashboard over GraphQL against a raw SQL fetch of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gt_<you> \
        .venv/bin/python bench/partnership_dashboard.py [--repeat 15] [--recreate] [--database NAME]

It never touches the database DATABASE_URL names: it creates (once) `gt_bench_partnerships`
(or `--database`, so that two people measuring at once do not share one) on the same server,
migrates it, and provisions 12 organisations (a county, eight districts, the police, fire and
health). They form one partnership with 35 shared indicators and one active
agreement, signed by every party through the real services. The store then holds 12 members
× 35 indicators × 8 quarters of published values, written through `publish_value` (the
publication pipeline's one writer) on the first run and reused afterwards.

Measured, each `--repeat` times after one warm-up, interleaved (one of each in turn):
* the dashboard GraphQL query (every indicator, 8 quarters, the partnership figure with
  status and trends, every member's contribution with provenance) posted to /graphql/ on the
  county's host through the whole Django stack, with the number of SQL queries it ran and the
  CPU time this process spent on it (steadier than wall time on a shared machine);
* `partnership_dashboard` alone (the figures the GraphQL query serialises, built in Python);
* one raw SQL statement fetching the same published rows (current values under the county's
  agreement grants, those indicators, periods and members).
Prints medians and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "gt_bench_partnerships"
REPO = Path(__file__).resolve().parents[1]
MEMBERS = 12
INDICATORS = 35
QUARTERS = [f"{year}/{(year + 1) % 100:02d} Q{q}" for year in (2023, 2024) for q in (1, 2, 3, 4)]
AS_OF = date(2025, 4, 15)  # the last complete quarter is 2024/25 Q4
SLUG_PREFIX = "bench-pt"
PARTNERSHIP = "Benchmark county-wide partnership"


def bench_database_url(source_url: str, name: str = BENCH_DATABASE) -> str:
    parts = urlsplit(source_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"--database must be letters, digits and underscores, not {name!r}")
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str, *, recreate: bool) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development")
    os.environ["DEBUG"] = "0"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- data -----------------------------------------------------------------------------------


def organisations():
    from goldenthread.tenants.models import Organisation
    from goldenthread.tenants.services import organisation_create

    kinds = ["county"] + ["district"] * 8 + ["police", "fire", "health"]
    made = []
    for index, kind in enumerate(kinds[:MEMBERS]):
        slug = f"{SLUG_PREFIX}-{index:02d}"
        found = Organisation.objects.filter(slug=slug).first()
        if found is None:
            found = organisation_create(
                name=f"Bench {kind} {index:02d}",
                slug=slug,
                type=kind,
                admin_email=f"admin@{slug}.example",
                admin_name=f"Admin {index:02d}",
                licensed_modules=["performance", "planning", "partnerships", "benchmarking"],
            ).organisation
            print(f"provisioned {slug}")
        made.append(found)
    return made


def administrator(organisation):
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.models import User

    with schema_context(organisation.schema_name):
        return User.objects.get(email=f"admin@{organisation.slug}.example")


def partnership_with_agreement(orgs):
    from goldenthread.partnerships import services
    from goldenthread.partnerships.models import Partnership

    county = orgs[0]
    existing = Partnership.objects.filter(name=PARTNERSHIP, lead_organisation=county).first()
    if existing is not None:
        return existing
    admin = administrator(county)
    partnership = services.partnership_create(
        organisation=county,
        actor=admin,
        name=PARTNERSHIP,
        type="county_wide",
        starts_on=date(2023, 4, 1),
    )
    for member in orgs[1:]:
        services.partnership_member_add(
            partnership=partnership, organisation=county, actor=admin, member=member
        )
    rules = ["sum", "mean", "weighted", "recompute"]
    codes = []
    for number in range(INDICATORS):
        indicator = services.partnership_indicator_create(
            partnership=partnership,
            organisation=county,
            actor=admin,
            aggregation=rules[number % 4],
            code=f"BPT-{number:02d}",
            title=f"Shared indicator {number:02d}",
            polarity="higher",
            factor=100 if rules[number % 4] == "recompute" else 1,
        )
        services.partnership_target_set(
            indicator=indicator,
            organisation=county,
            actor=admin,
            period_code="2024/25 Q4",
            value=50,
        )
        codes.append(indicator.code)
    version = services.agreement_create(
        partnership=partnership,
        organisation=county,
        actor=admin,
        title="Benchmark agreement",
        parties=orgs,
        indicator_codes=codes,
        fields=["values", "targets", "commentary"],
        purpose="Benchmark",
        lawful_basis="not_personal",
        retention_months=24,
        starts_on=date(2023, 4, 1),
    )
    services.agreement_send_for_acceptance(version=version, organisation=county, actor=admin)
    for org in orgs:
        services.agreement_accept(version=version, organisation=org, actor=administrator(org))
    return partnership


def fill_store(partnership, orgs) -> None:
    from goldenthread.partnerships.selectors.bases import agreement_bases
    from goldenthread.platform.core.periods import parse_period
    from goldenthread.shared_indicators.publication.domain.snapshots import ValueSnapshot
    from goldenthread.shared_indicators.publication.models import PublishedValue
    from goldenthread.shared_indicators.publication.services import publish_value

    codes = list(partnership.indicators.values_list("code", flat=True))
    expected = MEMBERS * INDICATORS * len(QUARTERS)
    have = PublishedValue.objects.filter(
        indicator_code__in=codes, is_current=True, organisation__in=orgs
    ).count()
    if have >= expected:
        return
    started = time.perf_counter()
    approved_at = datetime(2025, 4, 20, 9, 0, tzinfo=UTC)
    source = 0
    for m, org in enumerate(orgs):
        for i, code in enumerate(codes):
            bases = agreement_bases(org.pk, code)
            for q, period_code in enumerate(QUARTERS):
                period = parse_period(period_code)
                source += 1
                numerator = Decimal(40 + (m * 7 + i * 3 + q * 5) % 30)
                denominator = Decimal(100 + m * 10)
                publish_value(
                    organisation=org,
                    bases=bases,
                    snapshot=ValueSnapshot(
                        indicator_code=code,
                        catalogue_indicator_id=None,
                        indicator_title=f"Shared indicator {code}",
                        unit="number",
                        unit_label="",
                        polarity="higher",
                        frequency="quarterly",
                        decimal_places=1,
                        period_code=period.code,
                        period_type=str(period.type),
                        period_start=period.start,
                        period_end=period.end,
                        sub_area_kind="",
                        sub_area_name="",
                        value=(numerator / denominator * 100).quantize(Decimal("0.000001")),
                        numerator=numerator,
                        denominator=denominator,
                        value_state="entered",
                        target=Decimal(50),
                        commentary=f"Commentary {m}/{i}/{q}",
                        source_value_id=source,
                        approved_by_name=f"Verifier {m:02d}",
                        approved_at=approved_at,
                    ),
                )
    print(f"published {source} values in {time.perf_counter() - started:.1f} s")


def analyse() -> None:
    """Fresh planner statistics for the store, as autovacuum would have after the fill (without
    them PostgreSQL guesses one row per table and plans both the dashboard's query and the raw
    fetch badly)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publication_publishedvalue, publication_publicationgrant")


DASHBOARD = """
query Dashboard($id: ID!, $asOf: Date!) {
  partnership(id: $id) {
    name
    members { organisation { name } role }
    sharedIndicators(periods: 8, asOf: $asOf) {
      code title aggregation
      figures {
        periodCode value complete target
        status { code label } shortTrend { code } longTrend { code }
        missingMembers { name }
        contributions {
          organisation { name } state value target commentary
          status { code }
          provenance { approvedBy approvedAt revision agreementVersionId agreementLabel }
        }
      }
    }
  }
}
"""


RAW_SQL = """
SELECT pv.*
FROM publication_publishedvalue pv
WHERE pv.is_current
  AND pv.indicator_code = ANY(%s)
  AND pv.period_code = ANY(%s)
  AND pv.organisation_id = ANY(%s)
  AND EXISTS (
    SELECT 1 FROM publication_publicationgrant g
    WHERE g.published_value_id = pv.id AND g.basis_type = 'agreement' AND g.basis_id = ANY(%s)
  )
"""


def measure(partnership, orgs, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from goldenthread.partnerships.selectors import readable_bases
    from goldenthread.partnerships.selectors.dashboard import partnership_dashboard, window_for
    from goldenthread.platform.core.periods import previous_period, same_period_last_year

    county = orgs[0]
    client = Client(HTTP_HOST=county.get_primary_domain().domain)
    with schema_context(county.schema_name):
        client.force_login(administrator(county))
    body = json.dumps(
        {"query": DASHBOARD, "variables": {"id": str(partnership.pk), "asOf": AS_OF.isoformat()}}
    )

    cpu_times: list[float] = []

    def graphql() -> tuple[float, int, dict]:
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.post("/graphql/", data=body, content_type="application/json")
            elapsed = time.perf_counter() - started
            cpu_times.append(time.process_time() - cpu)
        data = response.json()
        if response.status_code != 200 or "errors" in data:
            raise SystemExit(f"GraphQL failed: {response.status_code} {str(data)[:500]}")
        return elapsed, len(queries), data

    def dashboard() -> float:
        connection.set_schema_to_public()
        started = time.perf_counter()
        partnership_dashboard(
            partnership=partnership,
            reader=county,
            reader_user=f"bench@{county.slug}.example",
            interface="graphql",
            periods=8,
            as_of=AS_OF,
        )
        return time.perf_counter() - started

    indicators = list(partnership.indicators.all())
    codes = [i.code for i in indicators]
    shown = window_for(indicators[0], count=8, as_of=AS_OF)
    periods = {p.code for p in shown} | {previous_period(shown[0]).code}
    periods |= {same_period_last_year(p).code for p in shown}
    connection.set_schema_to_public()
    basis_ids = [b.id for b in readable_bases(partnership=partnership, organisation=county)]
    args = [codes, sorted(periods), [o.pk for o in orgs], basis_ids]

    def raw() -> tuple[float, int]:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, args)
            rows = cursor.fetchall()
        return time.perf_counter() - started, len(rows)

    graphql()
    dashboard()
    raw()
    cpu_times.clear()
    graphql_times, counts, raw_times, dashboard_times = [], set(), [], []
    rows = 0
    data = {}
    for _ in range(repeat):
        elapsed, count, data = graphql()
        graphql_times.append(elapsed)
        counts.add(count)
        dashboard_times.append(dashboard())
        connection.set_schema_to_public()
        elapsed, rows = raw()
        raw_times.append(elapsed)
    figures = sum(len(i["figures"]) for i in data["data"]["partnership"]["sharedIndicators"])
    contributions = sum(
        len(f["contributions"])
        for i in data["data"]["partnership"]["sharedIndicators"]
        for f in i["figures"]
    )
    return {
        "graphql_median_ms": statistics.median(graphql_times) * 1000,
        "graphql_p95_ms": sorted(graphql_times)[int(len(graphql_times) * 0.95) - 1] * 1000,
        "graphql_cpu_median_ms": statistics.median(cpu_times) * 1000,
        "dashboard_median_ms": statistics.median(dashboard_times) * 1000,
        "raw_median_ms": statistics.median(raw_times) * 1000,
        "queries": sorted(counts),
        "rows": rows,
        "figures": figures,
        "contributions": contributions,
        "response_bytes": len(json.dumps(data)),
    }


def freeze_as_a_worker_does(skip: bool) -> str:
    """Do what a gunicorn worker does once it has loaded the application (`gunicorn_conf`),
    so that the figures are those of a worker; code before it had no such step."""
    try:
        from goldenthread.platform.gunicorn_conf import freeze_loaded_objects
    except ImportError:
        return "not frozen (this code has no freeze_loaded_objects)"
    if skip:
        return "not frozen (--no-freeze)"
    freeze_loaded_objects()
    return "loaded objects frozen, as in a gunicorn worker"


def main() -> None:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--database", default=BENCH_DATABASE, help="its own database's name")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the loaded objects in the collector's reach (gunicorn workers freeze them)",
    )
    options = parser.parse_args()
    source = os.environ.get("DATABASE_URL")
    if not source:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (its database is not touched).")
    url = bench_database_url(source, options.database)
    ensure_database(url, recreate=options.recreate)
    setup(url)
    orgs = organisations()
    partnership = partnership_with_agreement(orgs)
    fill_store(partnership, orgs)
    analyse()
    print(f"collector: {freeze_as_a_worker_does(options.no_freeze)}")
    result = measure(partnership, orgs, options.repeat)
    print(
        f"{MEMBERS} members × {INDICATORS} indicators × {len(QUARTERS)} quarters: "
        f"{result['rows']} published rows; {result['figures']} partnership figures, "
        f"{result['contributions']} contributions, {result['response_bytes'] / 1024:.0f} KiB"
    )
    print(
        f"GraphQL dashboard: median {result['graphql_median_ms']:.0f} ms "
        f"(p95 {result['graphql_p95_ms']:.0f} ms), SQL queries per request {result['queries']}"
    )
    print(
        f"  of which CPU in this process: median {result['graphql_cpu_median_ms']:.0f} ms; "
        f"partnership_dashboard alone: median {result['dashboard_median_ms']:.0f} ms"
    )
    print(f"raw SQL fetch of the same rows: median {result['raw_median_ms']:.1f} ms")
    print(f"ratio: {result['graphql_median_ms'] / result['raw_median_ms']:.1f}×")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
