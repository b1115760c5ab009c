"""SPC and year-end forecasts of a partnership's figures over GraphQL: worked from the figures
the dashboard already gives (the worked values of the indicators' SPC tests), in no more
queries than the figures alone; nothing for an organisation outside the partnership."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import approve, sign_all

pytestmark = pytest.mark.django_db

VALUES = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 12, 11, 13, 12]
PERIODS = [f"{2020 + n // 4}/{(21 + n // 4) % 100:02d} Q{n % 4 + 1}" for n in range(16)]

FIGURES = """
query Figures($id: ID!, $periods: [String!]) {
  partnership(id: $id) {
    sharedIndicators(periodCodes: $periods) {
      code
      figures { periodCode value }
      %s
    }
  }
}
"""
INSIGHT = """
      spc { points enoughPoints mean upperProcessLimit lowerProcessLimit variation
            variationLabel assurance assuranceLabel latestRules }
      forecast(annualTarget: "11") { year available outturn low high probability words
                                     method pastYears }
"""


def run(client, query, **variables):
    return client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )


@pytest.fixture
def sixteen_quarters(scenario):
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    for period, value in zip(PERIODS, VALUES, strict=True):
        approve(scenario.parties.police, code, period, value)
    return code


def test_the_figures_spc_and_forecast(scenario, client_for, sixteen_quarters):
    county = scenario.parties.county
    client = client_for(county.organisation, user=county.reader)
    body = run(client, FIGURES % INSIGHT, id=str(scenario.partnership.pk), periods=PERIODS).json()
    assert "errors" not in body, body
    [shared] = [
        i for i in body["data"]["partnership"]["sharedIndicators"] if i["code"] == sixteen_quarters
    ]
    spc = shared["spc"]
    # 16 values: mean 185 / 16 = 11.5625; mR-bar 22 / 15 = 1.4667; limits ± 3.9013.
    assert spc["points"] == 16 and spc["enoughPoints"] is True
    assert spc["mean"] == pytest.approx(11.5625)
    assert spc["upperProcessLimit"] == pytest.approx(15.4638, abs=0.0001)
    assert spc["lowerProcessLimit"] == pytest.approx(7.6612, abs=0.0001)
    assert spc["variation"] == "common_cause" and spc["latestRules"] == []
    forecast = shared["forecast"]
    # The latest year (2023/24) has every quarter: its outturn is its own average.
    assert forecast["year"] == "2023/24" and forecast["available"] is True
    assert forecast["outturn"] == pytest.approx(12.0)
    assert forecast["pastYears"] == 3
    assert forecast["words"] == "Likely to meet the annual target"


def test_too_few_figures_say_so(scenario, client_for, sixteen_quarters):
    county = scenario.parties.county
    client = client_for(county.organisation, user=county.reader)
    body = run(
        client, FIGURES % INSIGHT, id=str(scenario.partnership.pk), periods=PERIODS[-4:]
    ).json()
    [shared] = [
        i for i in body["data"]["partnership"]["sharedIndicators"] if i["code"] == sixteen_quarters
    ]
    assert shared["spc"]["enoughPoints"] is False and shared["spc"]["mean"] is None
    assert shared["spc"]["variationLabel"] == "Not enough points for SPC"
    assert shared["forecast"]["pastYears"] == 0


def test_spc_and_forecast_cost_no_more_queries(scenario, client_for, sixteen_quarters):
    county = scenario.parties.county
    client = client_for(county.organisation, user=county.reader)

    def count(query) -> int:
        with CaptureQueriesContext(connection) as queries:
            body = run(client, query, id=str(scenario.partnership.pk), periods=PERIODS).json()
        assert "errors" not in body, body
        return len(queries)

    assert count(FIGURES % INSIGHT) == count(FIGURES % "")


def test_an_outsider_gets_no_figures_to_work_from(scenario, client_for, sixteen_quarters):
    outsider = scenario.parties.outsider
    client = client_for(outsider.organisation, user=outsider.admin)
    body = run(client, FIGURES % INSIGHT, id=str(scenario.partnership.pk), periods=PERIODS).json()
    assert body["data"]["partnership"] is None
