"""Cost beside performance: a PI paired with its cost PI shows spend and unit cost on its
page, in REST and in the quarterly report; pairing is a performance officer's decision,
audited, and refused to others (and across organisations) with nothing changed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import AuditEntry, CostPairing, Indicator

QUARTERS = ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3"]


def enter(people, indicator, numbers):
    from goldenthread.platform.indicators.services.values import value_enter

    for code, number in zip(QUARTERS, numbers, strict=False):
        if number is not None:
            value_enter(
                actor=people.provider,
                indicator=indicator,
                period_code=code,
                value=number,
                confirm_out_of_range=True,
                out_of_range_note="Checked",
            )


@pytest.fixture
def costed(org_a, people, make_indicator):
    """Households helped (a count) and the service's spend, both quarterly."""
    with schema_context(org_a.schema_name):
        helped = make_indicator(
            code="HH 1", unit_kind="number", polarity="higher", decimal_places=0
        )
        spend = make_indicator(
            code="HH COST", unit_kind="money", polarity="lower", decimal_places=0
        )
        enter(people, helped, [200, 250, 240])
        enter(people, spend, [50000, 50000, 48000])
        return helped, spend


def pair(client, indicator, cost, measure="spend"):
    return client.put(
        f"/api/v1/indicators/{indicator.pk}/cost/",
        data=json.dumps({"cost_indicator": cost.pk, "measure": measure}),
        content_type="application/json",
    )


def test_an_officer_pairs_a_pi_and_rest_shows_the_unit_cost(org_a, people, costed, client_for):
    helped, spend = costed
    response = pair(client_for(org_a, user=people.officer), helped, spend)
    assert response.status_code == 200, response.content
    body = (
        client_for(org_a, user=people.councillor)
        .get(f"/api/v1/indicators/{helped.pk}/cost/")
        .json()
    )
    assert body["paired"] is True and body["cost_indicator"]["code"] == "HH COST"
    assert [p["unit_cost"] for p in body["points"]] == ["250.00", "200.00", "200.00"]
    assert body["latest"]["period"] == "2024/25 Q3"
    # 48,000 / 240 = 200, the same as Q2's 50,000 / 250.
    assert body["trend"] == "no_change"
    with schema_context(org_a.schema_name):
        entry = AuditEntry.objects.get(action="cost_pairing_set")
        assert entry.actor == people.officer
        assert entry.new == {"cost_indicator": "HH COST", "measure": "spend"}


def test_unpairing_is_audited_and_rest_says_there_is_no_cost(org_a, people, costed, client_for):
    helped, spend = costed
    client = client_for(org_a, user=people.officer)
    pair(client, helped, spend)
    response = client.delete(f"/api/v1/indicators/{helped.pk}/cost/")
    assert response.status_code == 200 and response.json()["paired"] is False
    with schema_context(org_a.schema_name):
        assert not CostPairing.objects.exists()
        assert AuditEntry.objects.filter(action="cost_pairing_cleared").count() == 1


@pytest.mark.parametrize("role", ["provider", "councillor", "verifier", "manager"])
def test_others_may_not_pair_and_nothing_changes(org_a, people, costed, client_for, role):
    helped, spend = costed
    response = pair(client_for(org_a, user=getattr(people, role)), helped, spend)
    assert response.status_code == 403
    with schema_context(org_a.schema_name):
        assert not CostPairing.objects.exists()
        assert not AuditEntry.objects.filter(action="cost_pairing_set").exists()


def test_another_organisation_cannot_read_or_pair(
    org_a, org_b, people, costed, client_for, make_user
):
    helped, spend = costed
    outsider = make_user(org_b, roles=["performance_officer"]).user
    client = client_for(org_b, user=outsider)
    assert client.get(f"/api/v1/indicators/{helped.pk}/cost/").status_code == 404
    assert pair(client, helped, spend).status_code == 404
    with schema_context(org_a.schema_name):
        assert not CostPairing.objects.exists()


def test_a_cost_must_be_money_of_the_same_periods_and_not_the_pi_itself(
    org_a, people, costed, make_indicator, client_for
):
    helped, spend = costed
    with schema_context(org_a.schema_name):
        monthly = make_indicator(code="M COST", unit_kind="money", frequency="monthly")
    client = client_for(org_a, user=people.officer)
    cases = [
        (helped, "cannot be its own cost"),
        (monthly, "must cover the same periods"),
    ]
    for cost, words in cases:
        response = pair(client, helped, cost)
        assert response.status_code == 400
        assert words in json.dumps(response.json())
    response = pair(client, spend, helped)
    assert "is not measured in money" in json.dumps(response.json())
    response = client.put(
        f"/api/v1/indicators/{helped.pk}/cost/",
        data=json.dumps({"cost_indicator": 999999, "measure": "spend"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "cost_indicator" in json.dumps(response.json())
    with schema_context(org_a.schema_name):
        assert not CostPairing.objects.exists()


def test_spend_beside_a_percentage_is_shown_without_a_unit_cost(
    org_a, people, costed, make_indicator, client_for
):
    _, spend = costed
    with schema_context(org_a.schema_name):
        rate = make_indicator(code="RATE 1", unit_kind="percentage")
        enter(people, rate, [80, 82, 85])
    pair(client_for(org_a, user=people.officer), rate, spend)
    body = client_for(org_a, user=people.officer).get(f"/api/v1/indicators/{rate.pk}/cost/").json()
    assert body["has_unit_cost"] is False
    assert [p["cost"] for p in body["points"]] == ["50000", "50000", "48000"]
    assert {p["unit_cost"] for p in body["points"]} == {None}


def test_the_report_shows_cost_and_unit_cost_in_a_fixed_number_of_queries(
    org_a, people, costed, make_indicator, client_for
):
    from goldenthread.platform.indicators.selectors.report import performance_report

    helped, spend = costed
    pair(client_for(org_a, user=people.officer), helped, spend)
    with schema_context(org_a.schema_name):
        report = performance_report(period_code="2024/25 Q3", cost=True)
        rows = {row.indicator.code: row for row in report.rows}
        assert rows["HH 1"].cost.unit_cost == Decimal("200")
        assert rows["HH 1"].cost.previous_unit_cost == Decimal("200")
        assert rows["HH 1"].cost.cost == Decimal("48000")
        assert rows["HH COST"].cost is None
        with CaptureQueriesContext(connection) as few:
            performance_report(period_code="2024/25 Q3", cost=True)
        # More costed PIs cost no more queries.
        for n in range(3):
            pi = make_indicator(code=f"HH {n + 2}", unit_kind="number")
            enter(people, pi, [10, 20, 30])
            CostPairing.objects.create(
                indicator=pi, cost_indicator=spend, measure="spend", set_at=spend.created_at
            )
        with CaptureQueriesContext(connection) as more:
            performance_report(period_code="2024/25 Q3", cost=True)
        assert len(more) == len(few)
    response = client_for(org_a, user=people.councillor).get(
        "/api/v1/indicators/report/?period=2024/25 Q3&cost=true"
    )
    assert response.status_code == 200, response.content
    found = [r for r in response.json()["rows"] if r["code"] == "HH 1"]
    assert found[0]["cost"]["unit_cost"] == "200.00"
    assert found[0]["cost"]["trend_label"] == "No change"


def test_the_pi_page_shows_the_cost_and_the_officer_pairs_it_there(
    org_a, people, costed, client_for
):
    helped, spend = costed
    client = client_for(org_a, user=people.officer)
    page = client.get(f"/indicators/{helped.pk}/").content.decode()
    assert "Pair with a cost measure" in page
    response = client.post(
        f"/indicators/{helped.pk}/cost/",
        {"action": "pair", "cost_indicator": str(spend.pk), "measure": "spend"},
    )
    assert response.status_code == 302
    page = client.get(f"/indicators/{helped.pk}/").content.decode()
    assert "Cost beside performance" in page and "£200.00" in page
    # An invalid choice is refused on the page with its reason, nothing saved.
    response = client.post(f"/indicators/{helped.pk}/cost/", {"action": "pair", "measure": "spend"})
    assert response.status_code == 400
    assert "Choose the PI that holds what this one costs." in response.content.decode()


def test_the_pairing_form_is_refused_to_a_councillor(org_a, people, costed, client_for):
    helped, spend = costed
    client = client_for(org_a, user=people.councillor)
    assert (
        "Pair with a cost measure" not in client.get(f"/indicators/{helped.pk}/").content.decode()
    )
    response = client.post(
        f"/indicators/{helped.pk}/cost/",
        {"action": "pair", "cost_indicator": str(spend.pk), "measure": "spend"},
    )
    assert response.status_code == 403
    with schema_context(org_a.schema_name):
        assert not CostPairing.objects.exists()


def test_the_report_page_shows_cost_and_data_quality_columns_in_words(
    org_a, people, costed, client_for
):
    helped, spend = costed
    pair(client_for(org_a, user=people.officer), helped, spend)
    client = client_for(org_a, user=people.councillor)
    page = client.get("/indicators/report/?period=2024/25 Q3").content.decode()
    assert '<th scope="col">Cost</th>' not in page
    page = client.get(
        "/indicators/report/?period=2024/25 Q3&cost=on&data_quality=on"
    ).content.decode()
    assert '<th scope="col">Cost</th>' in page and '<th scope="col">Data quality</th>' in page
    assert "£200.00 per unit (HH COST); no change" in page
    # Drafts are not scored yet: the words say so rather than showing an empty number.
    assert "Not yet assessed" in page
    response = client.get("/api/v1/indicators/report/?period=2024/25 Q3&data_quality=true")
    row = next(r for r in response.json()["rows"] if r["code"] == "HH 1")
    assert (
        row["data_quality"]["words"] == "Not yet assessed" and row["data_quality"]["score"] is None
    )


def test_clubs_compare_unit_cost_as_a_catalogue_indicator_under_consent_only(
    org_a, people, costed, make_indicator, client_for
):
    """A unit cost adopted from the catalogue goes through the publication store under club
    consent like any value, and a club compares it; without consent nothing is published."""
    from datetime import date

    from goldenthread.platform.core.periods import parse_period
    from goldenthread.shared_indicators.benchmarking import selectors
    from goldenthread.shared_indicators.models import CatalogueIndicator
    from tests.shared_indicators.benchmarking.helpers import make_club, make_org, publish, unique

    helped, _ = costed
    unit_cost = CatalogueIndicator.objects.create(
        code=unique("UC "), title="Cost per household helped", unit="money",
        polarity="lower", frequency="quarterly", decimal_places=2,
    )  # fmt: skip
    peers = [make_org() for _ in range(4)]
    club = make_club(org_a, peers, unit_cost, minimum=3, name="Cost club")
    with schema_context(org_a.schema_name):
        cost_pi = make_indicator(code="UC 1", unit_kind="money", polarity="lower")
        Indicator.objects.filter(pk=cost_pi.pk).update(
            catalogue_code=unit_cost.code, catalogue_indicator=unit_cost
        )
    response = pair(client_for(org_a, user=people.officer), helped, cost_pi, "unit_cost")
    assert response.status_code == 200, response.content
    page = client_for(org_a, user=people.councillor).get(f"/indicators/{helped.pk}/")
    assert "so benchmarking clubs can compare it" in page.content.decode()
    for org, value in [(org_a, 210), *zip(peers, (190, 205, 230, 250), strict=True)]:
        assert publish(org, unit_cost, "2024/25 Q3", value) is not None
    stranger = make_org()  # not in the club: no consent, nothing published
    assert publish(stranger, unit_cost, "2024/25 Q3", 5) is None
    view = selectors.comparison_for(
        reader=org_a, reader_user=None, interface="page", club=club,
        indicator_code=unit_cost.code, periods=[parse_period("2024/25 Q3")],
        today=date(2026, 1, 1),
    )  # fmt: skip
    [period] = view.comparison.periods
    assert period.summary.count == 5 and period.you.value == Decimal("210")
