"""The PI page's form sets and clears the SPC baseline: an officer's choice, recorded in the
audit trail; refused to anyone else with nothing changed; a bad choice says why."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import AuditEntry, SpcBaseline
from tests.platform.indicators.rest.test_spc import BASE, enter_series, quarters


@pytest.fixture
def spc_pi(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        indicator = make_indicator(code="SPC P", unit_kind="number", decimal_places=1)
        enter_series(people, indicator, [*BASE, 16])
        return indicator


def test_an_officer_sets_and_clears_the_baseline_on_the_pi_page(org_a, people, spc_pi, client_for):
    client = client_for(org_a, user=people.officer)
    page = client.get(f"/indicators/{spc_pi.pk}/").content.decode()
    assert "Calculate the limits from a baseline" in page
    first, last = quarters(15)[0], quarters(15)[-1]
    response = client.post(
        f"/indicators/{spc_pi.pk}/spc/baseline/",
        {"action": "set", "first_period": first, "last_period": last, "reason": "Before the move"},
    )
    assert response.status_code == 302
    page = client.get(f"/indicators/{spc_pi.pk}/").content.decode()
    assert f"calculated from {first} to {last}" in page and "Before the move" in page
    with schema_context(org_a.schema_name):
        entry = AuditEntry.objects.get(action="spc_baseline_set")
        assert entry.actor == people.officer and entry.reason == "Before the move"
    response = client.post(
        f"/indicators/{spc_pi.pk}/spc/baseline/", {"action": "clear", "reason": "Settled"}
    )
    assert response.status_code == 302
    with schema_context(org_a.schema_name):
        assert not SpcBaseline.objects.exists()
        assert AuditEntry.objects.filter(action="spc_baseline_cleared").count() == 1


def test_a_short_baseline_is_refused_on_the_page_saying_why(org_a, people, spc_pi, client_for):
    response = client_for(org_a, user=people.officer).post(
        f"/indicators/{spc_pi.pk}/spc/baseline/",
        {"action": "set", "first_period": quarters(15)[0], "last_period": quarters(15)[5],
         "reason": "Too short"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "at least 15" in response.content.decode()
    with schema_context(org_a.schema_name):
        assert not SpcBaseline.objects.exists()


@pytest.mark.parametrize("role", ["provider", "councillor", "verifier", "manager"])
def test_others_see_no_form_and_are_refused(org_a, people, spc_pi, client_for, role):
    client = client_for(org_a, user=getattr(people, role))
    assert (
        "Calculate the limits from a baseline"
        not in client.get(f"/indicators/{spc_pi.pk}/").content.decode()
    )
    response = client.post(
        f"/indicators/{spc_pi.pk}/spc/baseline/",
        {"action": "set", "first_period": quarters(15)[0], "last_period": quarters(15)[-1],
         "reason": "Mine"},
    )  # fmt: skip
    assert response.status_code == 403
    with schema_context(org_a.schema_name):
        assert not SpcBaseline.objects.exists()
        assert not AuditEntry.objects.filter(action="spc_baseline_set").exists()
