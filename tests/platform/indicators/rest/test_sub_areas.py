"""Sub-areas through REST: a PI's sub-areas chosen, a sub-area renamed, archived (kept with
its values) or deleted (unused), restored; refused to readers and across organisations."""

from __future__ import annotations

import json

from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import Indicator, SubArea

BASE = "/api/v1/indicators/"


def send(client, method, url, data):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_an_officer_chooses_a_pis_sub_areas_and_archives_one_with_values(
    org_a, people, make_indicator, client_for
):
    from goldenthread.platform.indicators.services.indicators import sub_area_create
    from goldenthread.platform.indicators.services.values import value_enter

    with schema_context(org_a.schema_name):
        pi = make_indicator(code="SA 1")
        north = sub_area_create(actor=people.officer, kind="ward", name="North")
        spare = sub_area_create(actor=people.officer, kind="ward", name="Spare")
    officer = client_for(org_a, user=people.officer)

    chosen = send(officer, "put", f"{BASE}{pi.pk}/sub-areas/", {"sub_area_ids": [north.pk]})
    assert chosen.status_code == 200 and chosen.json()["sub_area_ids"] == [north.pk]
    with schema_context(org_a.schema_name):
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q1",
            value="5",
            sub_area=north,
        )

    archived = send(officer, "patch", f"{BASE}sub-areas/{north.pk}/", {"archived": True})
    assert archived.status_code == 200 and archived.json()["archived"] is True
    deleted = send(officer, "patch", f"{BASE}sub-areas/{spare.pk}/", {"archived": True})
    assert deleted.status_code == 204
    restored = send(officer, "patch", f"{BASE}sub-areas/{north.pk}/", {"archived": False})
    assert restored.json()["archived"] is False
    with schema_context(org_a.schema_name):
        assert not SubArea.objects.filter(pk=spare.pk).exists()


def test_an_archived_sub_area_cannot_be_newly_chosen(org_a, people, make_indicator, client_for):
    from goldenthread.platform.indicators.services.indicators import (
        sub_area_archive,
        sub_area_create,
    )
    from goldenthread.platform.indicators.services.targets import target_set

    with schema_context(org_a.schema_name):
        pi = make_indicator(code="SA 2")
        old = sub_area_create(actor=people.officer, kind="ward", name="Old ward")
        target_set(
            actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="5", sub_area=old
        )
        sub_area_archive(actor=people.officer, sub_area=old)
    refused = send(
        client_for(org_a, user=people.officer),
        "put",
        f"{BASE}{pi.pk}/sub-areas/",
        {"sub_area_ids": [old.pk]},
    )
    assert refused.status_code == 400 and "archived" in refused.json()["message"]
    with schema_context(org_a.schema_name):
        assert not Indicator.objects.get(pk=pi.pk).sub_areas.exists()


def test_readers_are_refused_and_another_organisations_sub_area_is_not_found(
    org_a, org_b, people, make_indicator, client_for
):
    from goldenthread.platform.indicators.services.indicators import sub_area_create

    with schema_context(org_a.schema_name):
        pi = make_indicator(code="SA 3")
        ours = sub_area_create(actor=people.officer, kind="ward", name="Ours")
    with schema_context(org_b.schema_name):
        theirs = SubArea.objects.create(kind="ward", name="Theirs")

    for role in ("councillor", "provider"):
        client = client_for(org_a, user=getattr(people, role))
        assert (
            send(client, "patch", f"{BASE}sub-areas/{ours.pk}/", {"name": "X"}).status_code == 403
        )
        assert send(client, "patch", f"{BASE}sub-areas/{ours.pk}/", {}).status_code == 403
        put = send(client, "put", f"{BASE}{pi.pk}/sub-areas/", {"sub_area_ids": [ours.pk]})
        assert put.status_code == 403
    officer = client_for(org_a, user=people.officer)
    missing = theirs.pk if theirs.pk != ours.pk else theirs.pk + 1000
    assert send(officer, "patch", f"{BASE}sub-areas/{missing}/", {"name": "X"}).status_code == 404
    put = send(officer, "put", f"{BASE}{pi.pk}/sub-areas/", {"sub_area_ids": [missing]})
    assert put.status_code == 404
    with schema_context(org_a.schema_name):
        assert SubArea.objects.get(pk=ours.pk).name == "Ours"
        assert not Indicator.objects.get(pk=pi.pk).sub_areas.exists()
    with schema_context(org_b.schema_name):
        assert SubArea.objects.get(pk=theirs.pk).name == "Theirs"
