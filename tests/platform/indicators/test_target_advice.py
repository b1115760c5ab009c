"""Advice when a target is set: returned with the saved target by the service, REST and the
targets page; never a refusal, and refusals of who may set targets are unchanged."""

from __future__ import annotations

import json

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import PermissionDenied
from goldenthread.platform.indicators.models import Target
from goldenthread.platform.indicators.services.targets import target_profile_annual, target_set
from goldenthread.platform.indicators.services.values import value_enter

BASE = "/api/v1/indicators/"


def _with_history(people, pi, values=("60", "70", "80")):
    for quarter, value in zip(("Q1", "Q2", "Q3"), values, strict=False):
        value_enter(
            actor=people.provider, indicator=pi, period_code=f"2024/25 {quarter}", value=value
        )


def test_a_target_below_current_performance_is_saved_with_advice(in_alpha, people, make_indicator):
    pi = make_indicator()
    _with_history(people, pi)
    target = target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q4", value="75")
    assert Target.objects.get(pk=target.pk).value == 75  # advice never blocks
    assert [a.key for a in target.advice] == ["unambitious"]
    assert "worse than current performance (80.0)" in target.advice[0].words

    stretch = target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q4", value="85")
    assert stretch.advice == []
    wild = target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q4", value="99")
    assert [a.key for a in wild.advice] == ["unrealistic"]


def test_year_target_out_of_line_with_its_periods(in_alpha, people, make_indicator):
    pi = make_indicator(unit_kind="number", decimal_places=0, rollup_rule="sum")
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        target_set(actor=people.officer, indicator=pi, period_code=f"2025/26 {quarter}", value="20")
    year = target_set(actor=people.officer, indicator=pi, period_code="2025/26", value="100")
    assert [a.key for a in year.advice] == ["inconsistent_profile"]
    assert "add up to 80, not the annual target 100" in year.advice[0].words
    # A profile the service makes is consistent, flat or cumulative.
    for method in ("flat", "cumulative"):
        targets = target_profile_annual(
            actor=people.officer, indicator=pi, year_code="2025/26", annual="120", method=method
        )
        assert targets[0].advice == []


def test_a_councillor_still_cannot_set_targets(in_alpha, people, make_indicator):
    pi = make_indicator()
    with pytest.raises(PermissionDenied):
        target_set(actor=people.councillor, indicator=pi, period_code="2024/25 Q1", value="1")
    assert not Target.objects.exists()


def test_rest_returns_advice_with_the_saved_target(
    org_a, org_b, people, make_user, client_for, make_indicator
):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ADV 1")
        _with_history(people, pi)
    url = f"{BASE}{pi.pk}/targets/"
    body = {"period": "2024/25 Q4", "value": "75"}
    response = client_for(org_a, user=people.officer).post(
        url, data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    advice = response.json()["advice"]
    assert [a["code"] for a in advice] == ["unambitious"]
    assert advice[0]["words"].startswith("Unambitious: the target 75.0")

    refused = client_for(org_a, user=people.councillor).post(
        url, data=json.dumps({**body, "value": "1"}), content_type="application/json"
    )
    assert refused.status_code == 403
    beta = make_user(org_b, roles=["performance_officer"]).user
    other = client_for(org_b, user=beta).post(
        url, data=json.dumps({**body, "value": "1"}), content_type="application/json"
    )
    assert other.status_code == 404
    with schema_context(org_a.schema_name):
        assert Target.objects.get(indicator=pi, period_code="2024/25 Q4").value == 75


def test_targets_page_shows_advice_after_saving(org_a, people, client_for, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ADV 2")
        _with_history(people, pi)
    client = client_for(org_a, user=people.officer)
    response = client.post(
        f"/indicators/{pi.pk}/targets/",
        {"action": "set", "target-period": "2024/25 Q4", "target-value": "75"},
        follow=True,
    )
    page = response.content.decode()
    assert "The target for 2024/25 Q4 is set." in page
    assert (
        "Advice on the 2024/25 Q4 target: Unambitious: the target 75.0 is worse than current "
        "performance (80.0)." in page
    )
