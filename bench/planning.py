"""Benchmark of the golden thread's heaviest pages against a raw SQL fetch of the same rows.

Creates a throwaway organisation with 600 PIs, 2,000 actions and 1,000 risks (and a strategy
tree linking them), then times the "my items" home page, the exception views and the heat
map as served through Django's test client (full middleware, templates and all), against a
raw SQL fetch of the rows each page shows. Prints each page's queries, median server time and
the ratio to the raw fetch; drops the organisation afterwards.

    export DATABASE_URL=postgres://...   # a migrated database (`goldenthread migrate`)
    .venv/bin/python bench/planning.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

PIS, ACTIONS, RISKS = 600, 2000, 1000
STATUSES = ["on_target", "warning", "off_target", "data_only", "missing"]


def populate(schema: str) -> dict:
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.indicators.models import (
        Indicator,
        IndicatorValue,
        PerformanceSettings,
    )
    from goldenthread.platform.planning.models import (
        Action,
        ActionPlan,
        PlanningSettings,
        Risk,
        RiskRegister,
        StrategyIndicatorLink,
        StrategyNode,
    )

    rng = random.Random(4)
    today = timezone.localdate()
    with schema_context(schema):
        PlanningSettings.load()
        PerformanceSettings.load()
        managers = [
            user_create(email=f"m{i}@bench.example", full_name=f"Manager {i}", roles=["manager"])
            for i in range(5)
        ]
        staff = [
            user_create(email=f"s{i}@bench.example", full_name=f"Staff {i}") for i in range(40)
        ]
        me = managers[0]
        pis = Indicator.objects.bulk_create(
            Indicator(
                code=f"PI{i:04d}",
                title=f"Indicator {i}",
                unit_kind="number",
                polarity="higher",
                frequency="quarterly",
                owner=me if i % 20 == 0 else rng.choice(staff),
            )
            for i in range(PIS)
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=pi,
                period_code="2024-Q1",
                period_type="quarter",
                period_start=date(2024, 4, 1),
                period_end=date(2024, 6, 30),
                value=Decimal(1),
                entered_at=timezone.now(),
                status=rng.choice(STATUSES),
            )
            for pi in pis
        )
        roots = StrategyNode.objects.bulk_create(
            StrategyNode(level=1, code=f"S{i}", title=f"Outcome {i}") for i in range(5)
        )
        middles = StrategyNode.objects.bulk_create(
            StrategyNode(level=2, code=f"S{r.pk}-{j}", title="Priority", parent=r)
            for r in roots
            for j in range(4)
        )
        leaves = StrategyNode.objects.bulk_create(
            StrategyNode(level=3, code=f"S{m.pk}-{k}", title="Service plan", parent=m, owner=me)
            for m in middles
            for k in range(5)
        )
        StrategyIndicatorLink.objects.bulk_create(
            StrategyIndicatorLink(node=leaves[i % len(leaves)], indicator=pi, weight=Decimal(1))
            for i, pi in enumerate(pis)
        )
        plans = ActionPlan.objects.bulk_create(
            ActionPlan(code=f"P{i}", title=f"Plan {i}", strategy_node=leaves[i], owner=me)
            for i in range(len(leaves))
        )
        actions = []
        for i in range(ACTIONS):
            start = today - timedelta(days=rng.randint(0, 300))
            due = start + timedelta(days=rng.randint(10, 400))
            actions.append(
                Action(
                    code=f"A{i:05d}",
                    title=f"Action {i}",
                    plan=plans[i % len(plans)],
                    assigned_to=me if i % 40 == 0 else rng.choice(staff),
                    managed_by=rng.choice(managers),
                    start_date=start,
                    due_date=due,
                    progress=rng.randint(0, 100),
                    state=rng.choice(["open"] * 8 + ["completed", "deferred"]),
                )
            )
        for action in actions:
            if action.state == "completed":
                action.completed_on = today
        actions = Action.objects.bulk_create(actions)
        Action.indicators.through.objects.bulk_create(
            Action.indicators.through(action_id=a.pk, indicator_id=pis[i % PIS].pk)
            for i, a in enumerate(actions[::3])
        )
        registers = RiskRegister.objects.bulk_create(
            RiskRegister(name=f"Register {kind}", kind=kind, owner=me)
            for kind in ("strategic", "operational", "project", "partnership")
        )
        risks = []
        for i in range(RISKS):
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            risks.append(
                Risk(
                    register=registers[i % 4],
                    code=f"R{i:04d}",
                    title=f"Risk {i}",
                    owner=me if i % 25 == 0 else rng.choice(staff),
                    inherent_likelihood=5,
                    inherent_impact=5,
                    current_likelihood=likelihood,
                    current_impact=impact,
                    target_likelihood=1,
                    target_impact=1,
                    current_score=likelihood * impact,
                    review_date=today + timedelta(days=rng.randint(-60, 120)),
                )
            )
        risks = Risk.objects.bulk_create(risks)
        StrategyNode.risks.through.objects.bulk_create(
            StrategyNode.risks.through(strategynode_id=leaves[i % len(leaves)].pk, risk_id=r.pk)
            for i, r in enumerate(risks)
        )
        return {"user": me, "register": registers[0]}


RAW = {
    "home": [
        "SELECT * FROM planning_action WHERE assigned_to_id = %(me)s AND state = 'open'",
        "SELECT * FROM planning_action WHERE managed_by_id = %(me)s AND state = 'open' "
        "AND due_date < CURRENT_DATE",
        "SELECT * FROM planning_risk WHERE owner_id = %(me)s AND state = 'open'",
        "SELECT * FROM indicators_indicator WHERE owner_id = %(me)s",
    ],
    "exceptions": [
        "SELECT assigned_to_id, count(*) FROM planning_action WHERE state = 'open' "
        "AND due_date < CURRENT_DATE GROUP BY assigned_to_id",
        "SELECT * FROM planning_action WHERE state = 'open' AND due_date < CURRENT_DATE "
        "ORDER BY due_date LIMIT 100",
        "SELECT * FROM planning_action WHERE state = 'open' AND start_date <= CURRENT_DATE "
        "AND due_date >= CURRENT_DATE",
        "SELECT * FROM planning_risk WHERE state = 'open' AND review_date < CURRENT_DATE "
        "ORDER BY review_date LIMIT 100",
    ],
    "heat map": [
        "SELECT current_likelihood, current_impact, count(*) FROM planning_risk "
        "WHERE state = 'open' AND register_id = %(register)s GROUP BY 1, 2",
    ],
}


def time_raw(schema: str, statements: list[str], params: dict, repeat: int) -> float:
    timings = []
    with schema_context(schema):
        for _ in range(repeat):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def time_page(client: Client, url: str, repeat: int) -> tuple[float, int]:
    client.get(url)  # warm up
    timings, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]

    from goldenthread.tenants.models import Domain, Organisation
    from goldenthread.tenants.services import organisation_create

    slug = f"bench{uuid.uuid4().hex[:6]}"
    made = organisation_create(
        name="Bench Council",
        slug=slug,
        type="district",
        admin_email=f"admin@{slug}.example",
        admin_name="Bench Admin",
        licensed_modules=["performance", "planning", "partnerships", "benchmarking"],
    )
    organisation = made.organisation
    schema = organisation.schema_name
    try:
        started = time.perf_counter()
        facts = populate(schema)
        print(
            f"Populated {PIS} PIs, {ACTIONS} actions, {RISKS} risks in "
            f"{time.perf_counter() - started:.1f}s"
        )
        client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
        with schema_context(schema):
            client.force_login(facts["user"])
        params = {"me": facts["user"].pk, "register": facts["register"].pk}
        pages = {
            "home": "/planning/",
            "exceptions": "/planning/exceptions/",
            "heat map": f"/planning/risks/registers/{facts['register'].pk}/",
        }
        print(f"{'page':<12}{'queries':>8}{'server ms':>12}{'raw SQL ms':>12}{'ratio':>8}")
        for name, url in pages.items():
            page_time, queries = time_page(client, url, args.repeat)
            raw_time = time_raw(schema, RAW[name], params, args.repeat)
            print(
                f"{name:<12}{queries:>8}{page_time * 1000:>12.1f}{raw_time * 1000:>12.1f}"
                f"{page_time / raw_time:>8.1f}"
            )
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        Domain.objects.filter(tenant=organisation).delete()
        Organisation.objects.filter(pk=organisation.pk).delete()


if __name__ == "__main__":
    main()
