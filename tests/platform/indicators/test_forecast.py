"""Year-end forecasts from stored values: the selector and GET /api/v1/indicators/<pk>/forecast/."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.periods import parse_period
from goldenthread.platform.indicators.models import IndicatorValue, Target
from goldenthread.platform.indicators.selectors.forecast import indicator_forecast
from goldenthread.platform.indicators.services.values import value_enter

SEASON = [10, 20, 30, 40]


def _enter(people, pi, code, value):
    value_enter(
        actor=people.provider, indicator=pi, period_code=code, value=value,
        confirm_out_of_range=True, out_of_range_note="Seasonal test data",
    )  # fmt: skip


@pytest.fixture
def counted_pi(org_a, people, make_indicator):
    """A quarterly count with five steady past years (10, 20, 30, 40) and a 2026/27 running
    10% ahead after two quarters (22 + 44 = 66 of a usual 30%: 220 for the year)."""
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="FC 1", unit_kind="number", rollup_rule="sum", decimal_places=0)
        for start in range(2021, 2026):
            year = f"{start}/{str(start + 1)[2:]}"
            for quarter, value in enumerate(SEASON, start=1):
                _enter(people, pi, f"{year} Q{quarter}", value)
        _enter(people, pi, "2026/27 Q1", 22)
        _enter(people, pi, "2026/27 Q2", 44)
        target = Target(indicator=pi, value=200, set_by=people.officer, set_at=timezone.now())
        target.set_period(parse_period("2026/27"))
        target.save()
        return pi


def test_the_selector_projects_the_year_from_past_shares(org_a, counted_pi):
    with schema_context(org_a.schema_name):
        year, forecast = indicator_forecast(counted_pi)
    assert year.code == "2026/27"
    assert forecast.outturn == pytest.approx(220)
    assert forecast.words == "Likely to meet the annual target"
    assert forecast.past_years == 5


def test_rest_gives_the_forecast_with_its_interval_and_method(
    org_a, people, client_for, counted_pi
):
    body = (
        client_for(org_a, user=people.officer)
        .get(f"/api/v1/indicators/{counted_pi.pk}/forecast/")
        .json()
    )
    assert body["year"] == "2026/27" and body["outturn"] == "220"
    assert body["low"] == "220" and body["high"] == "220"  # past years fitted exactly
    assert body["probability"] == 1.0
    assert body["method"] == "seasonal share of past years"
    assert body["words"] == "Likely to meet the annual target"


def test_a_pi_without_values_has_no_forecast(org_a, people, client_for, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="FC 2")
    body = client_for(org_a, user=people.officer).get(f"/api/v1/indicators/{pi.pk}/forecast/")
    assert body.status_code == 200 and body.json()["available"] is False


def test_refused_to_anonymous_and_another_organisation(
    org_a, org_b, make_user, client_for, counted_pi
):
    url = f"/api/v1/indicators/{counted_pi.pk}/forecast/"
    assert client_for(org_a).get(url).status_code == 401
    beta = client_for(org_b, user=make_user(org_b, roles=["performance_officer"]).user)
    assert beta.get(url).status_code == 404
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.filter(indicator=counted_pi).count() == 22


def test_the_pi_page_shows_the_forecast_panel(org_a, people, client_for, counted_pi):
    page = client_for(org_a, user=people.officer).get(f"/indicators/{counted_pi.pk}/")
    text = page.content.decode()
    assert "Year-end forecast" in text
    assert "Likely to meet the annual target" in text
    assert "220 to 220" in text
    assert "Seasonal share of past years, from 5 past years" in text


def test_an_outlying_value_asks_for_confirmation_with_a_note(org_a, people, counted_pi):
    from goldenthread.platform.core.errors import DomainError

    with schema_context(org_a.schema_name):
        # Q3 has been 30 for five years; 300 is far from it and from the recent values.
        with pytest.raises(DomainError) as refused:
            value_enter(
                actor=people.provider, indicator=counted_pi, period_code="2026/27 Q3", value=300
            )
        assert refused.value.code == "confirmation_required"
        assert "far from this indicator's own history" in refused.value.message
        assert not IndicatorValue.objects.filter(period_code="2026/27 Q3").exists()
        row = value_enter(
            actor=people.provider, indicator=counted_pi, period_code="2026/27 Q3", value=300,
            confirm_out_of_range=True, out_of_range_note="A one-off contract",
        )  # fmt: skip
        assert row.anomaly_confirmed and row.out_of_range_note == "A one-off contract"
        # A usual Q3 is not flagged.
        usual = value_enter(
            actor=people.provider, indicator=counted_pi, period_code="2025/26 Q3", value=31
        )
        assert not usual.anomaly_confirmed


def test_the_report_carries_forecasts_in_the_same_queries(
    org_a, people, counted_pi, make_indicator, django_assert_max_num_queries
):
    from goldenthread.platform.indicators.selectors.report import performance_report

    with schema_context(org_a.schema_name):
        make_indicator(code="FC 3", unit_kind="number", rollup_rule="sum")  # no values
        plain = performance_report(period_code="2026/27 Q2")
        with django_assert_max_num_queries(6):
            report = performance_report(period_code="2026/27 Q2", forecast=True)
    assert plain.rows[0].forecast is None
    by_code = {row.indicator.code: row.forecast for row in report.rows}
    assert by_code["FC 1"].outturn == pytest.approx(220)
    assert by_code["FC 1"].words == "Likely to meet the annual target"
    assert not by_code["FC 3"].available


def test_the_report_page_and_rest_show_the_forecast_on_request(
    org_a, people, client_for, counted_pi
):
    client = client_for(org_a, user=people.officer)
    page = client.get("/indicators/report/", {"period": "2026/27 Q2", "forecast": "on"})
    text = page.content.decode()
    assert '<th scope="col">Forecast</th>' in text
    assert "Likely to meet the annual target: 220 (80% interval 220 to 220;" in text
    without = client.get("/indicators/report/", {"period": "2026/27 Q2"}).content.decode()
    assert '<th scope="col">Forecast</th>' not in without
    body = client.get(
        "/api/v1/indicators/report/", {"period": "2026/27 Q2", "forecast": "true"}
    ).json()
    rows = {row["code"]: row for row in body["rows"]}
    assert (
        rows["FC 1"]["forecast"]["outturn"] == "220"
        and rows["FC 1"]["forecast"]["year"] == "2026/27"
    )


def test_the_verifier_sees_the_history_flag_with_the_note(org_a, people, client_for, counted_pi):
    from goldenthread.platform.indicators.services.workflow import value_submit

    with schema_context(org_a.schema_name):
        row = value_enter(
            actor=people.provider, indicator=counted_pi, period_code="2026/27 Q3", value=300,
            confirm_out_of_range=True, out_of_range_note="A one-off contract",
        )  # fmt: skip
        value_submit(actor=people.provider, value=row)
    html = client_for(org_a, user=people.verifier).get("/indicators/approvals/").content.decode()
    assert "Far from the indicator&#x27;s own history" in html or (
        "Far from the indicator's own history" in html
    )
    assert "A one-off contract" in html
