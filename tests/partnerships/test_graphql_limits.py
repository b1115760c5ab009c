"""The GraphQL limits on partnership dashboards: honest dashboards over every partnership are
answered; many distinct `asOf` dates in one request are refused before anything is read."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from goldenthread.shared_indicators.publication.models import CrossOrganisationRead

from .conftest import approve, sign_all

pytestmark = pytest.mark.django_db

# The all-partnerships dashboard: every indicator of every partnership over recent periods,
# the partnership figure with status and trends, and every member's contribution.
DASHBOARD = """
query Dashboard($periods: Int!) {
  partnerships {
    name
    members { organisation { name } role }
    sharedIndicators(periods: $periods, asOf: "2025-04-15") {
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


def post(client, query: str, variables: dict | None = None):
    return client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
    )


@pytest.fixture
def published(scenario):
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(scenario.parties.police, code, "2024/25 Q4", 60)
    approve(scenario.parties.health, code, "2024/25 Q4", 70)
    return scenario


def test_the_all_partnerships_dashboard_over_four_periods_is_answered(published, client_for):
    county = published.parties.county
    client = client_for(county.organisation, user=county.reader)
    reads = CrossOrganisationRead.objects.count()

    response = post(client, DASHBOARD, {"periods": 4})

    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    (partnership,) = [
        p for p in body["data"]["partnerships"] if p["name"] == published.partnership.name
    ]
    assert [len(i["figures"]) for i in partnership["sharedIndicators"]] == [4, 4, 4, 4]
    assert CrossOrganisationRead.objects.count() == reads + 1


def test_three_hundred_distinct_as_of_dates_are_refused_before_anything_is_read(
    published, client_for
):
    county = published.parties.county
    client = client_for(county.organisation, user=county.reader)
    reads = CrossOrganisationRead.objects.count()
    days = [date(2025, 4, 15) - timedelta(days=n) for n in range(300)]
    many = " ".join(
        f'd{n}: partnership(id: $id) {{ sharedIndicators(asOf: "{day.isoformat()}") '
        "{ figures { value } } }"
        for n, day in enumerate(days)
    )

    response = post(
        client, f"query Many($id: ID!) {{ {many} }}", {"id": str(published.partnership.pk)}
    )

    assert response.status_code == 400
    body = response.json()
    assert body.get("data") is None
    codes = {error["extensions"]["code"] for error in body["errors"]}
    assert codes >= {"QUERY_TOO_MANY_ALIASES", "QUERY_TOO_MANY_PERIODS"}
    assert CrossOrganisationRead.objects.count() == reads


def test_distinct_as_of_dates_given_as_variables_are_counted(published, client_for):
    county = published.parties.county
    client = client_for(county.organisation, user=county.reader)
    reads = CrossOrganisationRead.objects.count()
    query = """query Five($id: ID!, $a: Date, $b: Date, $c: Date, $d: Date, $e: Date) {
      a: partnership(id: $id) { sharedIndicators(asOf: $a) { code } }
      b: partnership(id: $id) { sharedIndicators(asOf: $b) { code } }
      c: partnership(id: $id) { sharedIndicators(asOf: $c) { code } }
      d: partnership(id: $id) { sharedIndicators(asOf: $d) { code } }
      e: partnership(id: $id) { sharedIndicators(asOf: $e) { code } } }"""
    days = {key: f"2025-04-{10 + n}" for n, key in enumerate("abcde")}

    refused = post(client, query, {"id": str(published.partnership.pk), **days})

    assert refused.status_code == 400
    assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["QUERY_TOO_MANY_PERIODS"]
    assert CrossOrganisationRead.objects.count() == reads
    # One date for all five is one selection, and answered.
    same = post(
        client, query, {"id": str(published.partnership.pk), **dict.fromkeys(days, "2025-04-15")}
    )
    assert "errors" not in same.json(), same.json()
