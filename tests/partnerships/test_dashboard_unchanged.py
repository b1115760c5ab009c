"""The optimised dashboard (#16 item 3) answers exactly as the code before it did.

`data/dashboard_before.json` holds the answers the previous implementation gave (recorded
once, with `GT_RECORD_DASHBOARD=1`, before the optimisation) to the full GraphQL dashboard
query, the REST dashboard and the read log they wrote, on a fixture that exercises every
branch: all four aggregation rules over several quarters, a member missing, one not
applicable and one not collected, a restatement with history, partnership and cascaded
targets, shared targets and commentary, a weighted and a recomputed rate. Values that differ
from run to run (times, ids, generated codes and names) are replaced by stable labels before
comparing; everything else must match to the character.

A second test runs the same query through graphql-core's own executor (every field through
the middleware and its resolver) and through the endpoint's, and compares the two.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from goldenthread.graphql.api import schema
from goldenthread.graphql.core.execution import SynchronousExecutionContext
from goldenthread.partnerships import services
from goldenthread.platform.core.licensing import ModuleMiddleware
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead
from graphql import ExecutionContext, execute, parse

from .conftest import approve, local_pi, publish_pending, sign_all

pytestmark = pytest.mark.django_db

BEFORE = Path(__file__).parent / "data" / "dashboard_before.json"
RECORD = os.environ.get("GT_RECORD_DASHBOARD") == "1"

QUERY = """
query Dashboard($id: ID!, $asOf: Date!) {
  partnership(id: $id) {
    name type typeLabel startsOn
    leadOrganisation { name slug type }
    members { organisation { name } role roleLabel }
    agreements { number label status statusLabel fields parties { name } }
    sharedIndicators(periods: 5, asOf: $asOf) {
      code title unitLabel polarity frequency decimalPlaces aggregation aggregationLabel
      catalogueBased
      figures {
        periodCode periodLabel value complete partialValue target previousValue lastYearValue
        status { code label } shortTrend { code label } longTrend { code label }
        missingMembers { name slug }
        provenance { organisation { name } approvedBy revision agreementLabel }
        contributions {
          organisation { name } role state value numerator denominator target cascadedTarget
          commentary restated
          status { code label }
          provenance { organisation { name } approvedBy approvedAt publishedAt revision
                       agreementVersionId agreementLabel }
          history { revision value state approvedBy approvedAt publishedAt supersededAt }
        }
      }
    }
  }
}
"""
AS_OF = date(2025, 4, 15)  # the window is 2023/24 Q4 to 2024/25 Q4


def _restate(party, code, period_code, value):
    """A correction after approval: reopened, re-entered, approved and republished."""
    from decimal import Decimal

    from django_tenants.utils import schema_context

    from goldenthread.platform.indicators.models import IndicatorValue
    from goldenthread.platform.indicators.services import workflow
    from goldenthread.platform.indicators.services.values import value_enter

    with schema_context(party.organisation.schema_name):
        row = IndicatorValue.objects.get(
            indicator__code=code, period_code=period_code, sub_area__isnull=True
        )
        row = workflow.value_reopen(actor=party.officer, value=row, reason="Double counted")
        row = value_enter(
            actor=party.provider,
            indicator=row.indicator,
            period_code=period_code,
            value=Decimal(value),
        )
        workflow.value_submit(actor=party.provider, value=row)
        workflow.value_approve(actor=party.verifier, value=row)
    publish_pending(party, [code])


def _rich_scenario(scenario):
    parties = scenario.parties
    county = parties.county
    # Commentary shared too, so that every field of a contribution has something to show.
    version = services.agreement_create(
        partnership=scenario.partnership,
        organisation=county.organisation,
        actor=county.admin,
        title="Shared with commentary",
        parties=[p.organisation for p in scenario.members],
        indicator_codes=[i.code for i in scenario.indicators.values()],
        fields=["values", "targets", "commentary"],
        purpose="Joint reporting with the reasons behind the figures.",
        lawful_basis="not_personal",
        retention_months=24,
        starts_on=date(2024, 4, 1),
    )
    sign_all(scenario)
    sign_all(scenario, version)
    sum_, mean, weighted, recompute = (
        scenario.indicators[k] for k in ("sum", "mean", "weighted", "recompute")
    )
    services.partnership_target_set(
        indicator=mean,
        organisation=county.organisation,
        actor=county.admin,
        period_code="2024/25 Q4",
        value=50,
    )
    for party, share in zip(scenario.members, (10, 20, 30, 40), strict=True):
        services.cascaded_target_set(
            indicator=sum_,
            organisation=county.organisation,
            actor=county.admin,
            member=party.organisation,
            period_code="2024/25 Q4",
            value=share,
        )
    for party in scenario.members:
        local_pi(party, weighted.code, is_calculated=True, factor=1, decimal_places=2)
        local_pi(party, recompute.code, is_calculated=True, factor=100, unit_kind="percentage")
    quarters = ("2023/24 Q4", "2024/25 Q3", "2024/25 Q4")
    for m, party in enumerate(scenario.members):
        for q, period in enumerate(quarters):
            if party is parties.health and period == "2024/25 Q4":
                continue  # missing everywhere in the latest quarter
            approve(party, sum_.code, period, 9 + m * 10 + q, publish=False)
            approve(
                party, mean.code, period, 40 + m * 3 - q, commentary=f"Note {m}/{q}", publish=False
            )
            approve(
                party, weighted.code, period, numerator=(20 + m) * 50, denominator=50 + m * 10,
                publish=False,
            )  # fmt: skip
            approve(party, recompute.code, period, numerator=10 + m + q, denominator=40 + m,
                    publish=False)  # fmt: skip
        publish_pending(party, [i.code for i in scenario.indicators.values()])
    approve(parties.health, mean.code, "2024/25 Q4", state="not_applicable")
    approve(parties.health, sum_.code, "2024/25 Q4", state="not_collected")
    _restate(parties.police, mean.code, "2024/25 Q4", 41)
    return version


def _stable(answer, scenario, version) -> str:
    """The answer as JSON with run-to-run differences replaced by labels."""
    text = json.dumps(answer, sort_keys=True, indent=1)
    replacements = {scenario.partnership.name: "<partnership>"}
    for rule, indicator in scenario.indicators.items():
        replacements[indicator.code] = f"<{rule}>"
    for key, party in vars(scenario.parties).items():
        if key.startswith("_"):
            continue
        for role in ("admin", "officer", "provider", "verifier", "reader"):
            user = getattr(party, role)
            replacements[user.full_name] = f"<{key} {role}>"
            replacements[user.email] = f"<{key} {role} email>"
    for old in sorted(replacements, key=len, reverse=True):
        text = text.replace(old, replacements[old])
    for label, pk in (("<version>", scenario.version.pk), ("<version 2>", version.pk)):
        version_id = rf'("agreement_?[vV]ersion_?[iI]d": )"?{pk}(?![0-9])"?'
        text = re.sub(version_id, rf'\1"{label}"', text)
    text = re.sub(r'"\d{4}-\d\d-\d\dT[0-9:.]+(\+00:00|Z)"', '"<time>"', text)
    text = re.sub(rf'"id": {scenario.partnership.pk}(?=[,\n])', '"id": "<partnership id>"', text)
    return text


def _answers(scenario, client_for, version) -> dict[str, str]:
    county = scenario.parties.county
    client = client_for(county.organisation, user=county.reader)
    before = set(CrossOrganisationRead.objects.values_list("pk", flat=True))
    graphql = client.post(
        "/graphql/",
        data=json.dumps(
            {
                "query": QUERY,
                "variables": {"id": str(scenario.partnership.pk), "asOf": AS_OF.isoformat()},
            }
        ),
        content_type="application/json",
    ).json()
    assert "errors" not in graphql, graphql
    rest = client.get(
        f"/api/v1/partnerships/{scenario.partnership.pk}/dashboard/?period=2024/25 Q4&periods=5"
    ).json()
    reads = [
        {
            "owners": len(r.owner_ids),
            "what": r.what,
            "of_owners": sorted(json.dumps(w, sort_keys=True) for w in r.what_by_owner.values()),
            "interface": r.interface,
            "basis": r.basis_label,
        }
        for r in CrossOrganisationRead.objects.exclude(pk__in=before).order_by("pk")
    ]
    return {
        "graphql": _stable(graphql, scenario, version),
        "rest": _stable(rest, scenario, version),
        "reads": _stable(reads, scenario, version),
    }


def test_the_dashboard_answers_as_before(scenario, client_for):
    version = _rich_scenario(scenario)
    answers = _answers(scenario, client_for, version)
    if RECORD:
        BEFORE.parent.mkdir(exist_ok=True)
        BEFORE.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")
    before = json.loads(BEFORE.read_text())
    # The fixture reaches every branch the recording did (guards the guard).
    graphql = json.loads(answers["graphql"])["data"]["partnership"]
    states = {
        c["state"]
        for i in graphql["sharedIndicators"]
        for f in i["figures"]
        for c in f["contributions"]
    }
    assert states == {"entered", "missing", "not_applicable", "not_collected"}
    assert any(
        c["history"] for i in graphql["sharedIndicators"] for f in i["figures"]
        for c in f["contributions"]
    )  # fmt: skip
    for door in ("graphql", "rest", "reads"):
        assert answers[door] == before[door], door


def test_the_endpoints_executor_answers_as_graphql_cores(scenario, client_for, rf):
    version = _rich_scenario(scenario)
    county = scenario.parties.county
    connection.set_tenant(county.organisation)
    variables = {"id": str(scenario.partnership.pk), "asOf": AS_OF.isoformat()}
    results = []
    for context_class in (ExecutionContext, SynchronousExecutionContext):
        # A fresh request object each time: loaders are cached per request.
        request = rf.post("/graphql/")
        request.user = county.reader
        request.organisation = county.organisation
        request.tenant = county.organisation
        result = execute(
            schema.graphql_schema,
            parse(QUERY),
            context_value=request,
            variable_values=variables,
            middleware=[ModuleMiddleware()],
            execution_context_class=context_class,
        )
        assert not result.errors, result.errors
        results.append(_stable(result.data, scenario, version))
    assert results[0] == results[1]
