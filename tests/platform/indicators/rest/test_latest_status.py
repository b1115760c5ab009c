"""A PI's own endpoint (and every answer that returns a PI's body) carries the PI's latest
status, read by the list's own query: the same body in the list and at `/indicators/{id}/`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

BASE = "/api/v1/indicators/"


def _listed(client) -> dict[int, dict]:
    return {item["id"]: item for item in client.get(BASE).json()["results"]}


@pytest.mark.parametrize(
    ("older", "latest", "expected"),
    [("60", "85", "on_target"), ("60", "77", "warning"), ("85", "60", "off_target")],
    ids=["green", "amber", "red"],
)
def test_a_pis_own_body_has_the_latest_status_the_list_gives(
    org_a, people, make_indicator, client_for, older, latest, expected
):
    from goldenthread.platform.indicators.services.targets import target_set
    from goldenthread.platform.indicators.services.values import value_enter

    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ST 1")
        for period in ("2024/25 Q1", "2024/25 Q2"):
            target_set(actor=people.officer, indicator=pi, period_code=period, value="80")
        # An older value of another colour: only the latest period's status counts.
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value=older)
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q2", value=latest)
    client = client_for(org_a, user=people.officer)

    own = client.get(f"{BASE}{pi.pk}/").json()

    assert own["latest_status"] == expected
    assert own == _listed(client)[pi.pk]


def test_a_pi_without_values_has_no_latest_status_in_either(
    org_a, people, make_indicator, client_for
):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ST 2")
    client = client_for(org_a, user=people.officer)

    own = client.get(f"{BASE}{pi.pk}/").json()

    assert own["latest_status"] is None
    assert own == _listed(client)[pi.pk]


def test_a_sub_areas_value_is_not_the_pis_latest_status(org_a, people, make_indicator, client_for):
    from goldenthread.platform.indicators.services.indicators import (
        indicator_sub_areas_set,
        sub_area_create,
    )
    from goldenthread.platform.indicators.services.targets import target_set
    from goldenthread.platform.indicators.services.values import value_enter

    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ST 3")
        ward = sub_area_create(actor=people.officer, kind="ward", name="North")
        indicator_sub_areas_set(actor=people.officer, indicator=pi, sub_areas=[ward])
        target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
        value_enter(
            actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="10", sub_area=ward
        )
    client = client_for(org_a, user=people.officer)

    assert client.get(f"{BASE}{pi.pk}/").json()["latest_status"] is None


def test_the_answers_of_changes_carry_the_latest_status_too(
    org_a, people, make_indicator, client_for
):
    from goldenthread.platform.indicators.services.targets import target_set
    from goldenthread.platform.indicators.services.values import value_enter

    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ST 4")
        target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="60")
    client = client_for(org_a, user=people.officer)

    changed = client.patch(f"{BASE}{pi.pk}/", {"title": "Renamed"}, content_type="application/json")
    retired = client.post(f"{BASE}{pi.pk}/retire/", {}, content_type="application/json")

    assert changed.status_code == 200 and changed.json()["title"] == "Renamed"
    assert changed.json()["latest_status"] == "off_target"
    assert retired.status_code == 200 and retired.json()["latest_status"] == "off_target"
    created = client.post(
        BASE,
        {
            "code": "ST 5",
            "title": "New",
            "unit_kind": "number",
            "polarity": "higher",
            "frequency": "quarterly",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["latest_status"] is None


def test_a_reader_cannot_change_a_pi_and_its_status_stays(
    org_a, people, make_indicator, client_for
):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ST 6")
    client = client_for(org_a, user=people.councillor)

    refused = client.patch(f"{BASE}{pi.pk}/", {"title": "No"}, content_type="application/json")

    assert refused.status_code == 403
    assert client.get(f"{BASE}{pi.pk}/").json()["title"] == "Indicator ST 6"


def test_another_organisations_pi_is_not_found(
    org_a, org_b, people, make_indicator, client_for, make_user
):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="ST 7")
    outsider = make_user(org_b, roles=["org_admin"]).user

    answer = client_for(org_b, user=outsider).get(f"{BASE}{pi.pk}/")

    assert answer.status_code == 404


def test_a_pis_body_is_one_query_whatever_it_links_to(org_a, people, make_indicator, client_for):
    from goldenthread.platform.indicators.services.indicators import (
        indicator_sub_areas_set,
        sub_area_create,
    )
    from goldenthread.platform.indicators.services.values import value_enter

    with schema_context(org_a.schema_name):
        bare = make_indicator(code="ST 8", data_providers=[])
        busy = make_indicator(code="ST 9")
        wards = [sub_area_create(actor=people.officer, kind="ward", name=f"W{n}") for n in range(3)]
        indicator_sub_areas_set(actor=people.officer, indicator=busy, sub_areas=wards)
        for quarter in (1, 2, 3):
            value_enter(
                actor=people.provider, indicator=busy, period_code=f"2024/25 Q{quarter}", value="5"
            )
    client = client_for(org_a, user=people.officer)

    def queries_for(pk: int) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{BASE}{pk}/").status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    for_bare, for_busy = queries_for(bare.pk), queries_for(busy.pk)

    assert len(for_busy) == len(for_bare)
    reading_pis = [sql for sql in for_busy if '"indicators_' in sql]
    assert len(reading_pis) == 1, reading_pis
