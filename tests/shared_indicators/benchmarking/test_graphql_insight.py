"""SPC and year-end forecasts of benchmarking members' series over GraphQL: worked from the
series the comparison already gives, in no more queries; a member's series is labelled as
the club's rules say, so the figures reveal nothing the series did not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.shared_indicators.benchmarking.graphql_support import post
from tests.shared_indicators.benchmarking.helpers import (
    make_club,
    make_indicator,
    make_org,
    publish,
)

pytestmark = pytest.mark.django_db

VALUES = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 12, 11, 13, 2]
PERIODS = [f"{2020 + n // 4}/{(21 + n // 4) % 100:02d} Q{n % 4 + 1}" for n in range(16)]

SERIES = """
query Compare($club: ID!, $code: String!, $first: String!, $last: String!) {
  benchmarkingComparison(clubId: $club, indicatorCode: $code, firstPeriod: $first,
                         lastPeriod: $last) {
    timeSeries(first: 10) {
      label isYou points { value }
      %s
    }
  }
}
"""
INSIGHT = """
      spc { points enoughPoints mean lowerProcessLimit variation variationLabel latestRules }
      forecast { year available outturn words method pastYears }
"""


@pytest.fixture
def reader(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a, roles=["councillor"]).user)


@pytest.fixture
def club(org_a):
    indicator = make_indicator(polarity="higher")
    others = [make_org() for _ in range(5)]
    club = make_club(others[0], [org_a, *others[1:]], indicator, minimum=3)
    for i, org in enumerate([org_a, *others]):
        for period, value in zip(PERIODS, VALUES, strict=True):
            publish(org, indicator, period, value + (0 if org is org_a else i))
    return club, indicator


def variables(club, indicator):
    return {"club": str(club.id), "code": indicator.code, "first": PERIODS[0], "last": PERIODS[-1]}


def test_your_series_has_its_spc_and_forecast(reader, club):
    body = post(reader, SERIES % INSIGHT, variables(*club)).json()
    assert "errors" not in body, body
    series = body["data"]["benchmarkingComparison"]["timeSeries"]
    [you] = [item for item in series if item["isYou"]]
    # The worked example: mean 175 / 16 = 10.9375, mR-bar 32 / 15, lower limit 5.2628; the
    # last value, 2, is below it: for a higher-is-better indicator, special cause concerning.
    assert you["spc"]["points"] == 16 and you["spc"]["enoughPoints"] is True
    assert you["spc"]["mean"] == pytest.approx(10.9375)
    assert you["spc"]["lowerProcessLimit"] == pytest.approx(5.2628, abs=0.0001)
    assert you["spc"]["variation"] == "special_cause_concerning"
    assert you["spc"]["latestRules"] == ["A point outside the process limits"]
    assert you["forecast"]["year"] == "2023/24" and you["forecast"]["available"] is True
    # Every other member's series carries the same summaries under its club label only.
    others = [item for item in series if not item["isYou"]]
    assert others and all(item["spc"]["points"] == 16 for item in others)


def test_spc_and_forecast_cost_no_more_queries(reader, club):
    def count(query) -> int:
        with CaptureQueriesContext(connection) as captured:
            body = post(reader, query, variables(*club)).json()
        assert "errors" not in body, body
        return len(captured)

    assert count(SERIES % INSIGHT) == count(SERIES % "")


def test_a_non_member_gets_no_series(client_for, org_b, make_user, club):
    outsider = client_for(org_b, user=make_user(org_b, roles=["org_admin"]).user)
    body = post(outsider, SERIES % INSIGHT, variables(*club)).json()
    # "No such club among your organisation's clubs": no comparison, no series, no figures.
    assert (body.get("data") or {}).get("benchmarkingComparison") is None
    assert body["errors"] and "series" not in str(body.get("data"))
