"""The quarterly report's optional "Off target in a row" column: the run of off-target
periods and SPC's special cause concerning, in words on the page and as figures in REST, as
of the report period's end, in two more queries whatever the number of PIs."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.selectors.report import performance_report
from tests.platform.planning.test_exceptions import _series


def _red(org_a):
    from tests.factories import IndicatorFactory

    with schema_context(org_a.schema_name):
        red = IndicatorFactory(code="RED-3", polarity="higher")
        _series(
            red, [(50, "on_target"), (40, "off_target"), (41, "off_target"), (39, "off_target")]
        )
    return red


def test_the_report_says_how_long_a_pi_has_been_off_target(org_a, people, client_for):
    _red(org_a)
    client = client_for(org_a, user=people.councillor)
    page = client.get("/indicators/report/?period=2019/20 Q4&persistence=on").content.decode()
    assert '<th scope="col">Off target in a row</th>' in page
    assert "Off target 3 periods in a row" in page
    # As of an earlier period's end, the run was shorter.
    page = client.get("/indicators/report/?period=2019/20 Q3&persistence=on").content.decode()
    assert "Off target 2 periods in a row" in page
    body = client.get("/api/v1/indicators/report/?period=2019/20 Q4&persistence=true").json()
    [row] = [r for r in body["rows"] if r["code"] == "RED-3"]
    assert row["persistence"] == {"off_target_periods": 3, "special_cause_concerning": False}
    plain = client.get("/api/v1/indicators/report/?period=2019/20 Q4").json()
    assert "persistence" not in plain["rows"][0]


def test_the_column_costs_two_queries_whatever_the_number_of_pis(org_a, people):
    from tests.factories import IndicatorFactory

    _red(org_a)
    with schema_context(org_a.schema_name):
        performance_report(period_code="2019/20 Q4")  # warm the settings row
        with CaptureQueriesContext(connection) as without:
            performance_report(period_code="2019/20 Q4")
        with CaptureQueriesContext(connection) as few:
            performance_report(period_code="2019/20 Q4", persistence=True)
        for n in range(3):
            more = IndicatorFactory(code=f"RED-{n + 4}", polarity="higher")
            _series(more, [(40, "off_target"), (39, "off_target")])
        with CaptureQueriesContext(connection) as many:
            performance_report(period_code="2019/20 Q4", persistence=True)
    assert len(few) == len(without) + 2
    assert len(many) == len(few)
