"""The PI list reads plain rows (`indicator_list_for_api`), not model instances: each item must
be the same body a PI's own endpoint gives, and a page costs the same queries whatever its
size."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

BASE = "/api/v1/indicators/"


def test_each_listed_pi_is_the_body_of_its_own_endpoint(
    org_a, people, make_indicator, catalogue_entry, client_for
):
    from goldenthread.platform.indicators.services.indicators import (
        indicator_adopt,
        indicator_sub_areas_set,
        service_area_create,
        sub_area_create,
    )
    from goldenthread.platform.indicators.services.values import value_enter

    entry = catalogue_entry(code="NI 195")
    with schema_context(org_a.schema_name):
        area = service_area_create(actor=people.officer, name="Streets")
        local = make_indicator(
            code="LST 1",
            service_area=area,
            verifier=people.verifier,
            tags=["street", "clean"],
            band_lower=Decimal("1.50"),
            band_upper=Decimal("3"),
            valid_minimum=Decimal("0"),
            tolerance_kind="absolute",
            tolerance_amount=Decimal("0.25"),
        )
        # Sub-areas come back by kind, then name, not by id.
        zeta = sub_area_create(actor=people.officer, kind="ward", name="Zeta")
        alpha = sub_area_create(actor=people.officer, kind="ward", name="Alpha")
        indicator_sub_areas_set(actor=people.officer, indicator=local, sub_areas=[zeta, alpha])
        value_enter(actor=people.provider, indicator=local, period_code="2024/25 Q1", value="2")
        adopted = indicator_adopt(
            actor=people.officer, catalogue_code="NI 195", data_providers=[people.provider]
        )
        make_indicator(code="LST 2", data_providers=[])
    entry.version = 2  # the catalogue moved on since it was adopted
    entry.save()
    client = client_for(org_a, user=people.officer)

    listed = {item["id"]: item for item in client.get(BASE).json()["results"]}

    assert len(listed) == 3
    for pk, item in listed.items():
        assert client.get(f"{BASE}{pk}/").json() == item
    assert listed[local.pk]["sub_area_ids"] == [alpha.pk, zeta.pk]
    assert listed[local.pk]["service_area"] == {"id": area.pk, "name": "Streets"}
    assert listed[local.pk]["band_lower"] == "1.5"
    assert listed[local.pk]["latest_status"] is not None
    assert listed[adopted.pk]["latest_status"] is None  # no value yet
    assert listed[adopted.pk]["catalogue_update_available"] is True
    assert sorted(listed[local.pk]["data_provider_ids"]) == listed[local.pk]["data_provider_ids"]


def test_a_page_costs_the_same_queries_for_two_pis_as_for_twelve(
    org_a, people, make_indicator, client_for
):
    client = client_for(org_a, user=people.officer)

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BASE).status_code == 200
        return len(captured)

    with schema_context(org_a.schema_name):
        for number in range(2):
            make_indicator(code=f"Q {number}")
    two = queries_for_the_list()
    with schema_context(org_a.schema_name):
        for number in range(2, 12):
            make_indicator(code=f"Q {number}")

    assert queries_for_the_list() == two
