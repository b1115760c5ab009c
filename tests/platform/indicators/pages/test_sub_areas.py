"""Values by area or group on pages: sub-areas defined, chosen for a PI, given values and
targets, shown on the PI page and in the report; and who is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import AuditEntry, IndicatorValue, SubArea, Target
from goldenthread.platform.indicators.services.indicators import (
    indicator_sub_areas_set,
    sub_area_create,
)

from .conftest import enter


@pytest.fixture
def wards(alpha, people, pi):
    """Two wards chosen for `pi`."""
    with alpha():
        north = sub_area_create(actor=people.officer, kind="ward", name="North ward")
        south = sub_area_create(actor=people.officer, kind="ward", name="South ward")
        indicator_sub_areas_set(actor=people.officer, indicator=pi, sub_areas=[north, south])
    return north, south


def test_an_officer_defines_changes_and_lists_sub_areas(alpha, people, as_user):
    client = as_user(people.officer)
    page = client.get("/indicators/sub-areas/")
    assert page.status_code == 200 and "Add an area or group" in page.content.decode()

    added = client.post(
        "/indicators/sub-areas/", {"kind": "demographic_group", "name": "Over 65s", "code": ""}
    )
    assert added.status_code == 302
    with alpha():
        area = SubArea.objects.get(name="Over 65s")
        assert area.kind == "demographic_group"
        assert AuditEntry.objects.filter(object_type="subarea", action="created").exists()

    same = client.post("/indicators/sub-areas/", {"kind": "demographic_group", "name": "over 65s"})
    assert same.status_code == 400 and "already a demographic group called" in same.content.decode()

    renamed = client.post(
        f"/indicators/sub-areas/{area.pk}/",
        {"action": "save", "kind": "demographic_group", "name": "Aged 65 and over"},
    )
    assert renamed.status_code == 302
    listing = client.get("/indicators/sub-areas/").content.decode()
    assert "Aged 65 and over" in listing and "Demographic group" in listing
    assert ">demographic_group<" not in listing  # words, not codes


def test_a_sub_area_with_values_is_archived_and_one_without_is_deleted(
    alpha, people, pi, wards, as_user
):
    north, south = wards
    with alpha():
        IndicatorValue.objects.count()
        from goldenthread.platform.indicators.services.values import value_enter

        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q1",
            value="40",
            sub_area=north,
        )
    client = as_user(people.officer)
    assert (
        client.post(f"/indicators/sub-areas/{north.pk}/", {"action": "archive"}).status_code == 302
    )
    assert (
        client.post(f"/indicators/sub-areas/{south.pk}/", {"action": "archive"}).status_code == 302
    )
    with alpha():
        north.refresh_from_db()
        assert north.archived_at is not None
        assert not SubArea.objects.filter(pk=south.pk).exists()
        assert IndicatorValue.objects.filter(sub_area=north).count() == 1
    # An archived ward is not offered for new values, and can be restored.
    entry = client.get(f"/indicators/{pi.pk}/enter/").content.decode()
    assert "North ward (ward)" not in entry
    assert (
        client.post(f"/indicators/sub-areas/{north.pk}/", {"action": "restore"}).status_code == 302
    )
    with alpha():
        north.refresh_from_db()
        assert north.archived_at is None


@pytest.mark.parametrize("role", ["provider", "councillor", "verifier", "manager"])
def test_only_the_performance_team_defines_sub_areas(alpha, people, as_user, wards, role):
    north, _ = wards
    client = as_user(getattr(people, role))
    with alpha():
        before = list(SubArea.objects.values_list("pk", "name", "archived_at").order_by("pk"))
    # Everyone reads the list; the form is not offered to them.
    listing = client.get("/indicators/sub-areas/")
    assert listing.status_code == 200 and "Add an area or group" not in listing.content.decode()
    assert (
        client.post("/indicators/sub-areas/", {"kind": "ward", "name": "East"}).status_code == 403
    )
    assert client.get(f"/indicators/sub-areas/{north.pk}/").status_code == 403
    refused = client.post(f"/indicators/sub-areas/{north.pk}/", {"action": "archive"})
    assert refused.status_code == 403
    with alpha():
        after = list(SubArea.objects.values_list("pk", "name", "archived_at").order_by("pk"))
    assert after == before


def test_another_organisations_sub_area_is_not_found(org_b, people, as_user, pi):
    with schema_context(org_b.schema_name):
        theirs = SubArea.objects.create(kind="ward", name="Beta ward")
    client = as_user(people.officer)
    assert client.get(f"/indicators/sub-areas/{theirs.pk + 1000}/").status_code == 404
    with schema_context(org_b.schema_name):
        theirs_pk = theirs.pk
    # Alpha has no sub-area with Beta's id (Alpha has none at all here).
    assert client.get(f"/indicators/sub-areas/{theirs_pk}/").status_code == 404
    refused = client.post(f"/indicators/sub-areas/{theirs_pk}/", {"action": "archive"})
    assert refused.status_code == 404
    with schema_context(org_b.schema_name):
        assert SubArea.objects.filter(pk=theirs_pk, archived_at__isnull=True).exists()


def test_an_officer_chooses_a_pis_sub_areas_and_a_provider_cannot(alpha, people, pi, as_user):
    with alpha():
        north = sub_area_create(actor=people.officer, kind="ward", name="North ward")
    url = f"/indicators/{pi.pk}/sub-areas/"
    assert as_user(people.provider).post(url, {"sub_areas": [north.pk]}).status_code == 403
    with alpha():
        assert not pi.sub_areas.exists()
    client = as_user(people.officer)
    assert "North ward" in client.get(url).content.decode()
    assert client.post(url, {"sub_areas": [north.pk]}).status_code == 302
    with alpha():
        assert list(pi.sub_areas.all()) == [north]


def test_a_provider_enters_a_wards_value_through_the_same_checks_and_workflow(
    alpha, people, pi, wards, as_user
):
    north, _ = wards
    client = as_user(people.provider)
    page = client.get(f"/indicators/{pi.pk}/enter/?period=2024/25 Q1").content.decode()
    assert "Area or group" in page and "North ward (ward)" in page

    # The same checks as the overall value: a percentage above 100 is refused.
    refused = client.post(
        f"/indicators/{pi.pk}/enter/",
        {"period": "2024/25 Q1", "sub_area": north.pk, "value": "150", "action": "save"},
    )
    assert refused.status_code == 400
    with alpha():
        assert not IndicatorValue.objects.filter(sub_area=north).exists()

    saved = client.post(
        f"/indicators/{pi.pk}/enter/",
        {"period": "2024/25 Q1", "sub_area": north.pk, "value": "55", "action": "submit"},
    )
    assert saved.status_code == 302
    with alpha():
        row = IndicatorValue.objects.get(indicator=pi, sub_area=north)
        assert row.value == Decimal("55") and row.workflow_status == "submitted"
        # Rated against the PI's overall target (50) while the ward has none of its own.
        assert row.status_target == Decimal("50")
        assert not IndicatorValue.objects.filter(indicator=pi, sub_area__isnull=True).exists()
        assert AuditEntry.objects.filter(
            object_type="indicatorvalue", object_id=str(row.pk), action="value_entered"
        ).exists()

    # A sub-area the PI does not collect cannot be chosen.
    with alpha():
        other = sub_area_create(actor=people.officer, kind="ward", name="Elsewhere")
    wrong = client.post(
        f"/indicators/{pi.pk}/enter/",
        {"period": "2024/25 Q2", "sub_area": other.pk, "value": "45", "action": "save"},
    )
    assert wrong.status_code == 400
    with alpha():
        assert not IndicatorValue.objects.filter(sub_area=other).exists()


def test_a_wards_target_is_set_on_the_targets_page(alpha, people, pi, wards, as_user):
    north, _ = wards
    client = as_user(people.officer)
    done = client.post(
        f"/indicators/{pi.pk}/targets/",
        {
            "action": "set",
            "target-period": "2024/25 Q1",
            "target-sub_area": north.pk,
            "target-value": "42",
        },
    )
    assert done.status_code == 302
    with alpha():
        assert Target.objects.get(indicator=pi, sub_area=north).value == Decimal("42")
        assert Target.objects.get(indicator=pi, sub_area=None, period_code="2024/25 Q1").value == 50


def test_the_pi_page_and_the_report_show_values_by_area(alpha, people, pi, wards, as_user):
    north, south = wards
    with alpha():
        from goldenthread.platform.indicators.services.values import value_enter

        enter(people, pi, "2024/25 Q1", "52")
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q1",
            value="61.5",
            sub_area=north,
        )
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q1",
            value="38",
            sub_area=south,
        )
    for role in ("councillor", "officer"):
        page = as_user(getattr(people, role)).get(f"/indicators/{pi.pk}/").content.decode()
        assert "By area or group" in page and 'id="sub-area-chart-title"' in page
        assert "61.5" in page and "38.0" in page
    # The councillor reads but is not offered the officers' links.
    councillor_page = as_user(people.councillor).get(f"/indicators/{pi.pk}/").content.decode()
    assert f"/indicators/{pi.pk}/sub-areas/" not in councillor_page

    report = (
        as_user(people.councillor)
        .get("/indicators/report/?period=2024/25 Q1&sub_areas=on")
        .content.decode()
    )
    assert 'class="report-sub-area"' in report and "North ward" in report and "61.5" in report
    plain = as_user(people.councillor).get("/indicators/report/?period=2024/25 Q1").content.decode()
    assert "North ward" not in plain
