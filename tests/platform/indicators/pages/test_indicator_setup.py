"""Setting PIs up through the pages: local and adopted PIs, catalogue updates, targets,
tolerance and due-date settings, service areas."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import (
    AuditEntry,
    Indicator,
    PerformanceSettings,
    ServiceArea,
    Target,
)
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse

LOCAL_PI = {
    "code": "LOC 1",
    "title": "Streets clean",
    "unit_kind": "percentage",
    "polarity": "higher",
    "frequency": "quarterly",
    "year_basis": "financial_year",
    "decimal_places": "1",
    "out_of_range_policy": "refuse",
    "commentary_required_when_off_target": "on",
    "valid_maximum": "100",
    "tags": "environment, streets",
}


def test_an_officer_sets_up_a_local_pi(org_a, people, as_user, alpha):
    client = as_user(people.officer)
    response = client.post("/indicators/new/", {**LOCAL_PI, "data_providers": [people.provider.pk]})
    assert response.status_code == 302
    with alpha():
        indicator = Indicator.objects.get(code="LOC 1")
        assert indicator.tags == ["environment", "streets"]
        assert indicator.valid_maximum == Decimal("100")
        assert list(indicator.data_providers.all()) == [people.provider]
        assert response["Location"] == f"/indicators/{indicator.pk}/"
        assert AuditEntry.objects.filter(indicator=indicator, action="created").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"decimal_places": "two"}, "decimal_places", "Enter a whole number from 0 to 6."),
        ({"valid_maximum": "lots"}, "valid_maximum", "Enter a number, like 12 or 12.5."),
        (
            {"valid_maximum": "99,5"},
            "valid_maximum",
            "&#x27;99,5&#x27; looks like 99.5 written with a decimal comma; type 99.5.",
        ),
        ({"code": ""}, "code", "Enter code"),
        (
            {"valid_minimum": "90", "valid_maximum": "10"},
            "valid_maximum",
            "The valid maximum must not be below the valid minimum.",
        ),
    ],
)
def test_bad_pi_input_is_shown_beside_its_field_and_saves_nothing(
    org_a, people, as_user, alpha, change, field, message
):
    response = as_user(people.officer).post("/indicators/new/", {**LOCAL_PI, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html  # the message is tied to its input
    assert 'class="error-summary"' in html
    assert_form_markup(parse(response))
    with alpha():
        assert not Indicator.objects.filter(title="Streets clean").exists()


def test_only_verifiers_are_offered_as_the_named_verifier(org_a, people, as_user, alpha):
    client = as_user(people.officer)
    form = client.get("/indicators/new/").content.decode()
    offered = re.search(r'<select name="verifier".*?</select>', form, re.S).group(0)
    assert f'value="{people.verifier.pk}"' in offered
    assert f'value="{people.provider.pk}"' not in offered
    # A forged choice of someone without the role is refused beside the field; nothing saved.
    response = client.post("/indicators/new/", {**LOCAL_PI, "verifier": people.provider.pk})
    assert response.status_code == 400
    assert 'id="id_verifier_error"' in response.content.decode()
    with alpha():
        assert not Indicator.objects.filter(code="LOC 1").exists()


def test_a_duplicate_code_is_refused_with_a_clear_message(org_a, people, pi, as_user, alpha):
    response = as_user(people.officer).post("/indicators/new/", {**LOCAL_PI, "code": "PG 1"})
    assert response.status_code == 400
    assert "There is already an indicator with the code PG 1." in response.content.decode()
    with alpha():
        assert Indicator.objects.filter(code="PG 1").count() == 1


def test_adopting_shows_catalogue_fields_read_only_and_a_later_version_as_a_notice(
    org_a, people, catalogue_entry, as_user, alpha
):
    entry = catalogue_entry(code="NI 195")
    client = as_user(people.officer)
    form = client.get("/indicators/adopt/").content.decode()
    assert "NI 195 – Improved street and environmental cleanliness" in form
    assert 'name="title"' not in form  # the catalogue's fields are not asked for
    response = client.post(
        "/indicators/adopt/",
        {
            "catalogue_code": "NI 195",
            "decimal_places": "1",
            "out_of_range_policy": "refuse",
            "year_basis": "financial_year",
        },
    )
    assert response.status_code == 302
    with alpha():
        adopted = Indicator.objects.get(code="NI 195")
        assert adopted.polarity == "lower" and adopted.adopted_catalogue_version == 1

    edit = client.get(f"/indicators/{adopted.pk}/edit/").content.decode()
    assert 'name="title"' in edit and "disabled" in edit
    assert "review and accept" not in edit
    # A posted title is ignored: the field is read-only.
    client.post(
        f"/indicators/{adopted.pk}/edit/",
        {
            "title": "Our own title",
            "decimal_places": "2",
            "out_of_range_policy": "refuse",
            "year_basis": "financial_year",
        },
    )
    with alpha():
        adopted.refresh_from_db()
        assert adopted.title == "Improved street and environmental cleanliness"
        assert adopted.decimal_places == 2

    with schema_context("public"):
        entry.title = "Street cleanliness (revised)"
        entry.version = 2
        entry.save()
    notice = client.get(f"/indicators/{adopted.pk}/edit/").content.decode()
    assert "review and accept" in notice and "Street cleanliness (revised)" in notice
    assert "Review and accept it" in client.get(f"/indicators/{adopted.pk}/").content.decode()
    with alpha():
        assert Indicator.objects.get(pk=adopted.pk).adopted_catalogue_version == 1
    client.post(f"/indicators/{adopted.pk}/accept-catalogue-version/")
    with alpha():
        adopted.refresh_from_db()
        assert adopted.title == "Street cleanliness (revised)"
        assert adopted.adopted_catalogue_version == 2


def test_targets_are_set_per_period_and_profiled_from_the_year(
    org_a, people, make_indicator, as_user, alpha
):
    with alpha():
        homes = make_indicator(
            code="HOMES", unit_kind="number", frequency="quarterly", decimal_places=0
        )
    client = as_user(people.officer)
    one = client.post(
        f"/indicators/{homes.pk}/targets/",
        {"action": "set", "target-period": "2024/25 Q1", "target-value": "30"},
    )
    assert one.status_code == 302
    profiled = client.post(
        f"/indicators/{homes.pk}/targets/",
        {
            "action": "profile",
            "profile-year": "2025/26",
            "profile-annual": "100",
            "profile-method": "cumulative",
        },
    )
    assert profiled.status_code == 302
    with alpha():
        targets = {t.period_code: t.value for t in Target.objects.filter(indicator=homes)}
    assert targets["2024/25 Q1"] == Decimal("30")
    assert [targets[f"2025/26 Q{n}"] for n in (1, 2, 3, 4)] == [25, 50, 75, 100]
    assert targets["2025/26"] == Decimal("100")
    page = client.get(f"/indicators/{homes.pk}/targets/").content.decode()
    assert "Profiled (cumulative) from the 2025/26 annual target." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"action": "set", "target-period": "2024-05", "target-value": "30"},
            "must be for a quarter or a longer period",
        ),
        (
            {"action": "set", "target-period": "2024/25 Q9", "target-value": "30"},
            "is not a valid period code",
        ),
        (
            {"action": "set", "target-period": "2024/25 Q1", "target-value": "thirty"},
            "The target must be a number, not &#x27;thirty&#x27;.",
        ),
        (
            {
                "action": "profile",
                "profile-year": "2024/25 Q1",
                "profile-annual": "9",
                "profile-method": "flat",
            },
            "is not a year",
        ),
    ],
)
def test_bad_targets_are_refused_with_the_reason_and_nothing_changes(
    org_a, people, pi, as_user, alpha, data, message
):
    with alpha():
        before = list(Target.objects.filter(indicator=pi).values_list("period_code", "value"))
    response = as_user(people.officer).post(f"/indicators/{pi.pk}/targets/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    (summary,) = summaries(parse(response))
    assert unescape(message) in summary.text
    assert_form_markup(parse(response))
    with alpha():
        after = list(Target.objects.filter(indicator=pi).values_list("period_code", "value"))
    assert after == before


def test_settings_change_the_organisations_tolerance_and_due_dates(org_a, people, as_user, alpha):
    client = as_user(people.admin)
    response = client.post(
        "/indicators/settings/",
        {
            "action": "settings",
            "tolerance_kind": "absolute",
            "tolerance_amount": "2",
            "due_day_of_following_month": "20",
            "due_lag_months": "1",
            "reminders_enabled": "on",
        },
    )
    assert response.status_code == 302
    with alpha():
        settings = PerformanceSettings.load()
        assert (settings.tolerance_kind, settings.tolerance_amount) == ("absolute", Decimal("2"))
        assert settings.due_day_of_following_month == 20
    bad = client.post(
        "/indicators/settings/",
        {
            "action": "settings",
            "tolerance_kind": "relative",
            "tolerance_amount": "-1",
            "due_day_of_following_month": "31",
            "due_lag_months": "1",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Ensure this value is less than or equal to 28." in html
    page = parse(bad)
    (summary,) = summaries(page)
    assert summary_links(page, summary) == [
        "#id_tolerance_amount",
        "#id_due_day_of_following_month",
    ]
    assert_form_markup(page)
    with alpha():
        settings = PerformanceSettings.load()
        assert (settings.tolerance_kind, settings.due_day_of_following_month) == ("absolute", 20)


def test_service_areas_are_added_on_the_settings_page(org_a, people, as_user, alpha):
    client = as_user(people.officer)
    assert (
        client.post(
            "/indicators/settings/", {"action": "area", "area-name": "Waste services"}
        ).status_code
        == 302
    )
    again = client.post("/indicators/settings/", {"action": "area", "area-name": "waste services"})
    assert again.status_code == 400
    assert "There is already a service area called waste services." in again.content.decode()
    page = parse(again)
    (summary,) = summaries(page)
    assert summary.get("aria-labelledby") == "area-errors-title"
    assert_form_markup(page)
    with alpha():
        assert ServiceArea.objects.filter(name__iexact="waste services").count() == 1


def test_the_list_searches_filters_and_paginates(org_a, people, make_indicator, as_user, alpha):
    from goldenthread.platform.indicators.services.indicators import service_area_create

    with alpha():
        waste = service_area_create(actor=people.officer, name="Waste")
        for number in range(30):
            make_indicator(
                code=f"LQZ{number:02d}",
                title="Recycling rate" if number % 2 else "Response time",
                service_area=waste if number < 5 else None,
                owner=people.manager if number == 7 else None,
            )
    client = as_user(people.councillor)
    # Searching by our codes' prefix keeps other tests' committed PIs out of the counts.
    first = client.get("/indicators/?q=LQZ").content.decode()
    assert "Showing 1–25 of 30 indicators." in first and 'rel="next"' in first
    assert "q=LQZ&amp;page=2" in first
    assert "Showing 26–30 of 30" in client.get("/indicators/?q=LQZ&page=2").content.decode()
    recycling = client.get("/indicators/?q=recycling").content.decode()
    assert len(re.findall(r">LQZ\d\d</a>", recycling)) == 15
    by_area = client.get(f"/indicators/?service_area={waste.pk}").content.decode()
    assert "of 5 indicators" in by_area
    by_owner = client.get(f"/indicators/?owner={people.manager.pk}").content.decode()
    assert "Showing 1–1 of 1 indicator." in by_owner and "LQZ07" in by_owner
    bad = client.get("/indicators/?q=LQZ&service_area=999999")
    page = parse(bad)
    (summary,) = summaries(page)
    assert page.by_id(summary.get("aria-labelledby")).text == "Some filters were not used"
    assert summary_links(page, summary) == ["#id_service_area"]
    assert "of 30 indicators" in bad.content.decode()
    assert_form_markup(page)
