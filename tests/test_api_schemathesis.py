"""schemathesis against the live OpenAPI schema: every REST operation, called through the
WSGI application on two seeded organisations' hosts with each one's own API key, answers no
5xx and only responses its schema documents (status code, content type and body).

The examples per operation are bounded (`EXAMPLES`) so the run stays near a minute. Path ids
are drawn half the time from the seeded objects, so that reads and writes reach real rows and
not only 404s. Everything runs inside the test's transaction and is rolled back.
Select it alone with `pytest -m schemathesis`.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ALL_ROLES = [
    "org_admin",
    "performance_officer",
    "data_provider",
    "verifier",
    "manager",
    "councillor",
    "auditor",
    "partner_liaison",
]


@dataclass
class Seeded:
    """An organisation's host, an API key acting with every role, and its objects' ids by
    the first segment of an API path after the area (e.g. "actions", "values")."""

    host: str
    key: str
    ids: dict[str, list[int]] = field(default_factory=dict)
    admin: object = None


def _seed(organisation, make_user) -> Seeded:
    from goldenthread.platform.accounts.services import api_credential_issue
    from goldenthread.platform.devtools.seeding.common import Cast, Tally
    from goldenthread.platform.devtools.seeding.performance import DISTRICT_PIS, seed_performance
    from goldenthread.platform.devtools.seeding.planning import seed_planning
    from goldenthread.platform.indicators.models import IndicatorValue
    from goldenthread.platform.planning import models as planning

    people = {
        role: make_user(organisation, roles=[role, "performance_officer"]).user
        for role in ("org_admin", "data_provider", "verifier", "manager", "councillor")
    }
    caller = make_user(organisation, roles=ALL_ROLES).user
    with schema_context(organisation.schema_name):
        cast = Cast(
            admin=people["org_admin"],
            data=people["data_provider"],
            verifier=people["verifier"],
            manager=people["manager"],
            councillor=people["councillor"],
        )
        # Only PIs that need no catalogue entry: the test database's catalogue is empty.
        own = tuple(spec for spec in DISTRICT_PIS if not spec.adopted)
        seed_performance(cast=cast, specs=own, rank=0, tally=Tally())
        seed_planning(cast=cast, tally=Tally())
        _, key = api_credential_issue(user=caller, name="schemathesis")
        from goldenthread.platform.indicators.models import Indicator

        ids = {
            "indicators": list(Indicator.objects.values_list("pk", flat=True)),
            "indicators/values": list(IndicatorValue.objects.values_list("pk", flat=True)[:20]),
            "planning/plans": list(planning.ActionPlan.objects.values_list("pk", flat=True)),
            "planning/actions": list(planning.Action.objects.values_list("pk", flat=True)),
            "planning/milestones": list(planning.Milestone.objects.values_list("pk", flat=True)),
            "planning/risks": list(planning.Risk.objects.values_list("pk", flat=True)),
            "planning/strategy": list(planning.StrategyNode.objects.values_list("pk", flat=True)),
            "planning/evidence": list(
                planning.EvidenceDocument.objects.values_list("pk", flat=True)
            ),
        }
        from goldenthread.platform.reporting.services import definition_create

        ids["reporting/definitions"] = [
            definition_create(
                user=people["org_admin"], data={"title": "Seeded pack", "sections": ["pis"]}
            ).pk
        ]
    seeded = Seeded(host=organisation.get_primary_domain().domain, key=key, ids=ids)
    seeded.admin = people["org_admin"]
    return seeded


def _seed_partnership(lead, member, *, actor) -> dict[str, list[int]]:
    """A partnership `lead` runs with `member`: a shared indicator with a target and a draft
    agreement; the ids of each, by the API path that names them."""
    from goldenthread.partnerships import services

    common = {"organisation": lead, "actor": actor}
    partnership = services.partnership_create(
        **common, name="Schemathesis LSP", type="lsp", starts_on=date(2024, 4, 1)
    )
    services.partnership_member_add(partnership=partnership, **common, member=member)
    indicator = services.partnership_indicator_create(
        partnership=partnership,
        **common,
        aggregation="sum",
        code="ST-0001",
        title="Shared",
        polarity="higher",
        frequency="quarterly",
        decimal_places=1,
    )
    services.partnership_target_set(
        indicator=indicator, **common, period_code="2024/25 Q1", value=Decimal("5")
    )
    version = services.agreement_create(
        partnership=partnership,
        **common,
        title="Schemathesis agreement",
        parties=[lead, member],
        indicator_codes=[indicator.code],
        fields=["values", "targets"],
        purpose="Joint reporting.",
        lawful_basis="not_personal",
        retention_months=12,
        starts_on=date(2024, 4, 1),
    )
    return {
        "partnerships": [partnership.pk],
        "partnerships/indicators": [indicator.pk],
        "partnerships/agreements": [version.pk],
    }


def _seeded_ids(seeded: Seeded, path: str) -> list[int]:
    """The ids that fit an operation's first path parameter, by its area and the segment
    before it: /api/v1/<area>/{id}/… or /api/v1/<area>/<segment>/{…}/…"""
    area, *rest = [s for s in path.split("/") if s][2:]
    key = area if not rest or rest[0].startswith("{") else f"{area}/{rest[0]}"
    return seeded.ids.get(key, [])


@contextmanager
def sharing_the_test_transaction():
    """Django closes "old" connections around each request, which would end this test's
    transaction; the WSGI application runs in the test's thread on its connection, so those
    two signal handlers are off meanwhile (as in Django's test client, which turns them back
    on after each of its own requests: use no test client inside this block)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _exercise(operation, seeded: Seeded, failures: dict[str, str], calls: list[int]):
    """A hypothesis test of one operation: bounded examples, each validated by CHECKS."""
    path_ids = _seeded_ids(seeded, operation.path)
    first_parameter = next(iter(re.findall(r"\{(\w+)\}", operation.path)), None)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(),
        pick=st.one_of(st.none(), st.sampled_from(path_ids or [0])),
    )
    def exercise(case, pick):
        if pick and first_parameter:
            case.path_parameters[first_parameter] = pick
        # A savepoint per call: a server error must not poison the calls after it.
        savepoint = transaction.savepoint()
        response = case.call(
            base_url=f"http://{seeded.host}",
            headers={"Authorization": f"Bearer {seeded.key}"},
        )
        calls.append(response.status_code)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:  # reported once per operation and kind, then asserted
            for failure in group.exceptions:
                kind = f"{operation.method.upper()} {operation.path} -> {response.status_code}"
                failures.setdefault(
                    f"{kind}: {failure.title}",
                    f"{case.method} {case.formatted_path} {case.query or ''} {case.body!r:.300}"
                    f"\n      {failure.message[:300]!r}\n      body: {response.text[:300]}",
                )

    return exercise


def test_every_operation_answers_as_documented_for_two_seeded_organisations(
    org_a, org_b, make_user, client_for
):
    served = client_for(org_a).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(served.content))
    schema.app = WSGIHandler()
    failures: dict[str, str] = {}
    calls: list[int] = []
    alpha, beta = _seed(org_a, make_user), _seed(org_b, make_user)
    shared = _seed_partnership(org_a, org_b, actor=alpha.admin)
    for seeded in (alpha, beta):
        seeded.ids.update(shared)
        with sharing_the_test_transaction():
            for result in schema.get_all_operations():
                _exercise(result.ok(), seeded, failures, calls)()
    assert len(calls) >= 2 * 100
    assert not failures, f"{len(failures)} kinds of failure:\n" + "\n".join(
        f"{kind}\n      {example}" for kind, example in sorted(failures.items())
    )
