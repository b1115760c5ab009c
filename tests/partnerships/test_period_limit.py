"""A dashboard shows 1 to 20 periods at once: one rule (`partnerships.domain.periods`), the
same refusal through REST and GraphQL, and nothing read (so nothing logged) when refused."""

from __future__ import annotations

import json

import pytest

from goldenthread.partnerships.domain.periods import MAX_DASHBOARD_PERIODS, PERIODS_MESSAGE
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead

from .conftest import approve, sign_all

pytestmark = pytest.mark.django_db

SHARED = """
query Shared($id: ID!, $periods: Int!) {
  partnership(id: $id) { sharedIndicators(periods: $periods) { code } }
}
"""


def test_rest_and_graphql_refuse_the_same_number_of_periods(scenario, client_for):
    parties = scenario.parties
    sign_all(scenario)
    approve(parties.police, scenario.indicators["mean"].code, "2024/25 Q4", 60)
    client = client_for(parties.county.organisation, user=parties.county.reader)
    pk = scenario.partnership.pk
    before = CrossOrganisationRead.objects.count()
    for periods in (0, MAX_DASHBOARD_PERIODS + 1):
        rest = client.get(f"/api/v1/partnerships/{pk}/dashboard/?periods={periods}")
        assert rest.status_code == 400 and rest.json()["message"] == PERIODS_MESSAGE
        graphql = client.post(
            "/graphql/",
            data=json.dumps({"query": SHARED, "variables": {"id": str(pk), "periods": periods}}),
            content_type="application/json",
        ).json()
        assert PERIODS_MESSAGE in graphql["errors"][0]["message"]
    assert CrossOrganisationRead.objects.count() == before
    for periods in (1, MAX_DASHBOARD_PERIODS):
        response = client.get(f"/api/v1/partnerships/{pk}/dashboard/?periods={periods}")
        assert response.status_code == 200
