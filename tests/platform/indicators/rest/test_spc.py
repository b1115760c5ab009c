"""REST returns the SPC figures of the worked example in tests/.../domain/test_spc.py; the
baseline is an officer's choice, recorded, refused to others with nothing changed."""

from __future__ import annotations

import json

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import AuditEntry, SpcBaseline

BASE = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 12, 11, 13]


def quarters(count: int, first_year: int = 2019) -> list[str]:
    codes = []
    for n in range(count):
        year = first_year + n // 4
        codes.append(f"{year}/{(year + 1) % 100:02d} Q{n % 4 + 1}")
    return codes


def enter_series(people, indicator, numbers):
    from goldenthread.platform.indicators.services.values import value_enter

    for code, number in zip(quarters(len(numbers)), numbers, strict=True):
        value_enter(
            actor=people.provider,
            indicator=indicator,
            period_code=code,
            value=number,
            confirm_out_of_range=True,
            out_of_range_note="Checked",
        )


@pytest.fixture
def spc_pi(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        indicator = make_indicator(code="SPC 1", unit_kind="number", decimal_places=1)
        enter_series(people, indicator, [*BASE, 16])
        return indicator


def test_rest_returns_the_worked_figures(org_a, people, spc_pi, client_for):
    response = client_for(org_a, user=people.councillor).get(f"/api/v1/indicators/{spc_pi.pk}/spc/")
    assert response.status_code == 200, response.content
    body = response.json()
    # All 16 values: mean 189/16 = 11.8125; mR-bar (21 + 3) / 15 = 1.6;
    # limits 11.8125 ± 4.256 -> 7.5565 .. 16.0685: 16 is inside.
    assert body["enough_points"] is True
    assert body["mean"] == "11.8125"
    assert body["average_moving_range"] == "1.6000"
    assert body["upper_process_limit"] == "16.0685"
    assert body["lower_process_limit"] == "7.5565"
    assert body["variation"] == "common_cause"
    assert body["variation_label"] == "Common cause variation"
    assert len(body["points"]) == 16
    assert body["points"][0]["period"] == "2019/20 Q1"


def test_an_officer_sets_a_baseline_and_it_is_recorded(org_a, people, spc_pi, client_for):
    url = f"/api/v1/indicators/{spc_pi.pk}/spc/baseline/"
    first, last = quarters(15)[0], quarters(15)[-1]
    response = client_for(org_a, user=people.officer).post(
        url,
        data=json.dumps(
            {"first_period": first, "last_period": last, "reason": "Before the new IT"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # The worked limits of the first 15 values; 16 is above 15.5233.
    assert body["upper_process_limit"] == "15.5233"
    assert body["points"][-1]["rules"] == ["outside_limits"]
    assert body["points"][-1]["rule_labels"] == ["A point outside the process limits"]
    assert body["variation"] == "special_cause_improving"
    assert body["baseline"]["reason"] == "Before the new IT"
    with schema_context(org_a.schema_name):
        entry = AuditEntry.objects.get(action="spc_baseline_set")
        assert entry.actor == people.officer and entry.reason == "Before the new IT"
    # Cleared: back to every value.
    response = client_for(org_a, user=people.officer).delete(
        url, data=json.dumps({"reason": "IT settled"}), content_type="application/json"
    )
    assert response.json()["upper_process_limit"] == "16.0685"
    with schema_context(org_a.schema_name):
        assert not SpcBaseline.objects.exists()
        assert AuditEntry.objects.filter(action="spc_baseline_cleared").count() == 1


@pytest.mark.parametrize("role", ["provider", "councillor", "verifier"])
def test_others_are_refused_and_nothing_changes(org_a, people, spc_pi, client_for, role):
    response = client_for(org_a, user=getattr(people, role)).post(
        f"/api/v1/indicators/{spc_pi.pk}/spc/baseline/",
        data=json.dumps({"first_period": "2019/20 Q1", "last_period": "2022/23 Q3", "reason": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    with schema_context(org_a.schema_name):
        assert not SpcBaseline.objects.exists()
        assert not AuditEntry.objects.filter(action="spc_baseline_set").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"first_period": "2019/20 Q1", "last_period": "2022/23 Q2"}, "at least 15"),
        ({"first_period": "2030/31 Q1", "last_period": "2022/23 Q3"}, "must both have values"),
        ({"first_period": "2022/23 Q3", "last_period": "2019/20 Q1"}, "before its last"),
    ],
)
def test_a_bad_baseline_is_refused_saying_why(org_a, people, spc_pi, client_for, body, message):
    response = client_for(org_a, user=people.officer).post(
        f"/api/v1/indicators/{spc_pi.pk}/spc/baseline/",
        data=json.dumps({**body, "reason": "Trying"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in json.dumps(response.json())
    with schema_context(org_a.schema_name):
        assert not SpcBaseline.objects.exists()


def test_too_few_points_say_so(org_a, people, make_indicator, client_for):
    with schema_context(org_a.schema_name):
        indicator = make_indicator(code="SPC 2", unit_kind="number")
        enter_series(people, indicator, BASE[:14])
    body = (
        client_for(org_a, user=people.councillor)
        .get(f"/api/v1/indicators/{indicator.pk}/spc/")
        .json()
    )
    assert body["enough_points"] is False and body["mean"] is None
    assert body["variation_label"] == "Not enough points for SPC"
