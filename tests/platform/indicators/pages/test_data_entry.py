"""Entering values through the pages: what a provider owes, one value with its inline check,
the grid of many values, and bad input refused with clear messages."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from goldenthread.platform.core.periods import (
    PeriodType,
    next_period,
    period_containing,
    previous_period,
)
from goldenthread.platform.indicators.models import AuditEntry, Commentary, IndicatorValue
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse

from .conftest import enter


def values_of(indicator):
    return {
        row.period_code: (row.value, row.workflow_status)
        for row in IndicatorValue.objects.filter(indicator=indicator)
    }


def test_a_provider_saves_a_draft_then_submits_it(org_a, people, pi, as_user, alpha):
    client = as_user(people.provider)
    url = f"/indicators/{pi.pk}/enter/"
    saved = client.post(url, {"period": "2024/25 Q1", "value": "52.5", "action": "save"})
    assert saved.status_code == 302 and saved["Location"] == f"/indicators/{pi.pk}/"
    with alpha():
        assert values_of(pi) == {"2024/25 Q1": (Decimal("52.5"), "draft")}
    page = client.get(f"{url}?period=2024/25 Q1").content.decode()
    assert 'value="52.5"' in page and "Draft" in page
    submitted = client.post(url, {"period": "2024/25 Q1", "value": "52.5", "action": "submit"})
    assert submitted.status_code == 302
    with alpha():
        row = IndicatorValue.objects.get(indicator=pi)
        assert (row.workflow_status, row.status) == ("submitted", "on_target")
        assert row.submitted_by == people.provider


def test_checking_shows_the_status_without_saving(org_a, people, pi, as_user, alpha):
    response = as_user(people.provider).post(
        f"/indicators/{pi.pk}/enter/", {"period": "2024/25 Q1", "value": "48", "action": "check"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This value would be:" in html
    assert 'data-status="warning"' in html and "Warning: just off target" in html
    assert "(target 50.0%)" in html
    with alpha():
        assert not IndicatorValue.objects.filter(indicator=pi).exists()


def test_the_check_endpoint_answers_in_json(org_a, people, pi, as_user, alpha):
    client = as_user(people.provider)
    url = f"/indicators/{pi.pk}/check/"
    off = client.post(url, {"period": "2024/25 Q1", "value": "40"}).json()
    assert off["status"] == "off_target" and off["refused"] is False
    assert off["summary"] == "This value would be: Off target (target 50.0%)."
    assert "Off target" in off["html"] and "<svg" in off["html"]
    assert "add commentary explaining why" in off["html"]
    bad = client.post(url, {"period": "2024/25 Q1", "value": "abc"}).json()
    assert bad["refused"] is True and bad["status"] is None
    assert bad["messages"] == ["The value must be a number, not 'abc'."]
    too_big = client.post(url, {"period": "2024/25 Q1", "value": "120"}).json()
    assert too_big["refused"] is True and "above the maximum" in too_big["messages"][0]
    no_period = client.post(url, {"value": "50"})
    assert no_period.status_code == 400 and no_period.json()["refused"] is True
    with alpha():
        assert not IndicatorValue.objects.filter(indicator=pi).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "2024/25 Q1", "value": "lots"}, "value", "The value must be a number, not"),
        ({"period": "2024/25 Q1", "value": "150"}, "value", "above the maximum"),
        (
            {"period": "2024-05", "value": "50"},
            "period",
            "PG 1 is collected quarterly, so its values are for a quarter; "
            "&#x27;2024-05&#x27; is a month.",
        ),
        ({"period": "2024/25 Q7", "value": "50"}, "period", "is not a valid period code"),
        ({"period": "2099/00 Q1", "value": "50"}, "period", "has not started yet"),
        ({"period": "2024/25 Q1", "value": ""}, "value", "Enter a value for PG 1"),
    ],
)
def test_bad_values_are_refused_beside_their_field_and_nothing_changes(
    org_a, people, pi, as_user, alpha, data, field, message
):
    with alpha():
        audit_before = AuditEntry.objects.count()
    response = as_user(people.provider).post(
        f"/indicators/{pi.pk}/enter/", {**data, "action": "submit"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    # A refused period is said on the period picker, where another is chosen.
    anchor = "entry-period" if field == "period" else f"id_{field}"
    assert f'id="{anchor}_error"' in html and f'href="#{anchor}"' in html
    assert_form_markup(parse(response))
    with alpha():
        assert not IndicatorValue.objects.filter(indicator=pi).exists()
        assert AuditEntry.objects.count() == audit_before


def test_an_out_of_range_value_needs_a_confirmation_and_note_when_the_pi_allows(
    org_a, people, make_indicator, as_user, alpha
):
    with alpha():
        rate = make_indicator(code="OOR", valid_maximum=100, out_of_range_policy="confirm")
    client = as_user(people.provider)
    url = f"/indicators/{rate.pk}/enter/"
    form = client.get(f"{url}?period=2024/25 Q1").content.decode()
    assert "I confirm this value is right" in form
    unconfirmed = client.post(url, {"period": "2024/25 Q1", "value": "104", "action": "save"})
    assert unconfirmed.status_code == 400
    assert "Confirm the value and add a note" in unconfirmed.content.decode()
    no_note = client.post(
        url,
        {"period": "2024/25 Q1", "value": "104", "confirm_out_of_range": "on", "action": "save"},
    )
    assert no_note.status_code == 400
    with alpha():
        assert not IndicatorValue.objects.filter(indicator=rate).exists()
    confirmed = client.post(
        url,
        {
            "period": "2024/25 Q1",
            "value": "104",
            "confirm_out_of_range": "on",
            "out_of_range_note": "Includes a backlog cleared from last year.",
            "action": "save",
        },
    )
    assert confirmed.status_code == 302
    with alpha():
        row = IndicatorValue.objects.get(indicator=rate)
        assert row.out_of_range_confirmed and "backlog" in row.out_of_range_note


def test_submitting_off_target_needs_commentary_and_saves_nothing_without_it(
    org_a, people, pi, as_user, alpha
):
    client = as_user(people.provider)
    url = f"/indicators/{pi.pk}/enter/"
    refused = client.post(url, {"period": "2024/25 Q1", "value": "30", "action": "submit"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "add commentary explaining why before submitting it" in html
    assert 'id="id_commentary_error"' in html and 'data-status="off_target"' in html
    with alpha():
        assert not IndicatorValue.objects.filter(indicator=pi).exists()  # all or nothing
    accepted = client.post(
        url,
        {
            "period": "2024/25 Q1",
            "value": "30",
            "commentary": "Collections were suspended for six weeks.",
            "action": "submit",
        },
    )
    assert accepted.status_code == 302
    with alpha():
        assert values_of(pi) == {"2024/25 Q1": (Decimal("30"), "submitted")}
        assert Commentary.objects.get(indicator=pi).text.startswith("Collections")


def test_a_submitted_value_is_shown_but_cannot_be_changed(org_a, people, pi, as_user, alpha):
    with alpha():
        enter(people, pi, "2024/25 Q1", "52", submit=True)
    client = as_user(people.provider)
    page = client.get(f"/indicators/{pi.pk}/enter/?period=2024/25 Q1").content.decode()
    assert "the verifier must send it back before it can change" in page
    assert 'name="value"' not in page
    response = client.post(
        f"/indicators/{pi.pk}/enter/", {"period": "2024/25 Q1", "value": "60", "action": "save"}
    )
    assert response.status_code == 400
    assert "has been submitted for approval" in response.content.decode()
    with alpha():
        assert values_of(pi) == {"2024/25 Q1": (Decimal("52"), "submitted")}


def _backdate(indicator, day):
    indicator.__class__.objects.filter(pk=indicator.pk).update(
        created_at=timezone.make_aware(datetime.combine(day, time(9)))
    )


def test_what_i_owe_lists_late_values_with_due_dates_and_a_form_each(
    org_a, people, pi, make_indicator, as_user, alpha
):
    today = timezone.localdate()
    late_quarter = previous_period(previous_period(period_containing(PeriodType.QUARTER, today)))
    with alpha():
        _backdate(pi, late_quarter.start)
        not_mine = make_indicator(code="NOT MINE", data_providers=[people.other_provider])
        _backdate(not_mine, late_quarter.start)
        enter(people, pi, late_quarter.code, "40")  # a draft still counts as owed
    html = as_user(people.provider).get("/indicators/owe/").content.decode()
    assert f"PG 1</a> Household waste recycled: {late_quarter.label}" in html
    assert "Late: Missing" in html and "Was due" in html
    assert "A draft is saved: 40.0%" in html
    assert "NOT MINE" not in html
    assert f'action="/indicators/{pi.pk}/enter/"' in html
    assert f'data-value-check="/indicators/{pi.pk}/check/"' in html
    assert 'name="next" value="/indicators/owe/"' in html
    # and the provider can reach the spreadsheet import from here
    assert 'href="/indicators/import/"' in html


def test_a_provider_of_nothing_is_told_so(org_a, people, as_user):
    html = as_user(people.other_provider).get("/indicators/owe/").content.decode()
    assert "You are not a data provider for any indicator" in html


def test_someone_who_enters_no_values_is_refused_what_i_owe(org_a, people, as_user):
    """Not offered in their menu either (core.navigation asks the same rule)."""
    for user in (people.councillor, people.verifier, people.manager):
        response = as_user(user).get("/indicators/owe/")
        assert response.status_code == 403
        assert "You cannot see this page" in response.content.decode()


# --- grid ---------------------------------------------------------------------------------


@pytest.fixture
def two_pis(org_a, people, pi, make_indicator, alpha):
    with alpha():
        days = make_indicator(
            code="PG 2", unit_kind="time", polarity="lower", valid_minimum=0, whole_numbers=True
        )
    return pi, days


def cell(indicator, period_code):
    return f"cell-{indicator.pk}-{period_code.replace('/', '-').replace(' ', '-')}-value"


def test_the_grid_saves_many_values_at_once(org_a, people, two_pis, as_user, alpha):
    rate, days = two_pis
    client = as_user(people.provider)
    grid = client.get("/indicators/grid/?frequency=quarterly&year=2024/25").content.decode()
    assert f'id="{cell(rate, "2024/25 Q1")}"' in grid and f'id="{cell(days, "2024/25 Q4")}"' in grid
    response = client.post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            cell(rate, "2024/25 Q1"): "52",
            cell(rate, "2024/25 Q2"): "49",
            cell(days, "2024/25 Q1"): "12",
            "action": "save",
        },
    )
    assert response.status_code == 302
    with alpha():
        assert values_of(rate) == {
            "2024/25 Q1": (Decimal("52"), "draft"),
            "2024/25 Q2": (Decimal("49"), "draft"),
        }
        assert values_of(days) == {"2024/25 Q1": (Decimal("12"), "draft")}


def test_the_grid_saves_the_valid_cells_and_shows_the_refused_ones_again(
    org_a, people, two_pis, as_user, alpha
):
    rate, days = two_pis
    with alpha():
        enter(people, rate, "2024/25 Q3", "55")
    response = as_user(people.provider).post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            cell(rate, "2024/25 Q1"): "52",
            cell(rate, "2024/25 Q2"): "forty",
            cell(rate, "2024/25 Q3"): "56",
            cell(days, "2024/25 Q1"): "12.5",
            "action": "submit",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    title = "2 of 4 values refused and not saved. The other 2 saved and submitted for approval."
    assert title in html
    key = cell(rate, "2024/25 Q2").removesuffix("-value")
    assert f'aria-describedby="{key}-error"' in html and f'id="{key}-error"' in html
    assert f'href="#{key}-value"' in html  # the summary links to the cell
    assert "The value must be a number, not &#x27;forty&#x27;." in html
    assert "whole number" in html
    assert 'value="forty"' in html and 'value="12.5"' in html  # what was typed is kept
    page = parse(response)
    (summary,) = summaries(page)
    assert page.by_id(summary.get("aria-labelledby")).text == title
    assert f"#{key}-value" in summary_links(page, summary)
    assert_form_markup(page)
    # The saved cells now show their submitted values, read-only.
    assert f'id="{cell(rate, "2024/25 Q1")}"' not in html
    with alpha():
        assert values_of(rate) == {
            "2024/25 Q1": (Decimal("52"), "submitted"),
            "2024/25 Q3": (Decimal("56"), "submitted"),
        }
        assert values_of(days) == {}


def test_the_grid_shows_locked_and_future_periods_read_only(org_a, people, two_pis, as_user, alpha):
    rate, _ = two_pis
    with alpha():
        enter(people, rate, "2024/25 Q1", "52", approve=True)
    next_year = next_period(period_containing(PeriodType.FINANCIAL_YEAR, timezone.localdate()))
    client = as_user(people.provider)
    past = client.get("/indicators/grid/?frequency=quarterly&year=2024/25").content.decode()
    assert f'id="{cell(rate, "2024/25 Q1")}"' not in past and "Approved" in past
    assert f'id="{cell(rate, "2024/25 Q2")}"' in past
    future = client.get(
        f"/indicators/grid/?frequency=quarterly&year={next_year.code}"
    ).content.decode()
    assert future.count("Not started yet") == 8 and 'class="grid-input"' not in future


def test_the_grid_asks_for_commentary_on_an_off_target_cell_and_saves_the_rest(
    org_a, people, two_pis, as_user, alpha
):
    rate, days = two_pis  # rate's target is 50 in Q1 and Q2
    client = as_user(people.provider)
    key = cell(rate, "2024/25 Q2").removesuffix("-value")
    response = client.post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            cell(rate, "2024/25 Q1"): "52",
            f"{key}-value": "30",  # off target, no commentary
            cell(days, "2024/25 Q1"): "12",
            "action": "submit",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    message = (
        "PG 1 is off target for 2024/25 Q2: add commentary explaining why before submitting it."
    )
    assert message in html
    # The summary goes straight to the cell's commentary box, which is open and described.
    assert f'href="#{key}-commentary"' in html
    assert '<details class="cell-more" open>' in html
    assert f'name="{key}-commentary" rows="2" maxlength="10000" aria-invalid="true"' in html
    assert_form_markup(parse(response))
    with alpha():
        assert values_of(rate) == {"2024/25 Q1": (Decimal("52"), "submitted")}
        assert values_of(days) == {"2024/25 Q1": (Decimal("12"), "submitted")}
        assert not Commentary.objects.filter(indicator=rate).exists()
    # With commentary in its cell, the value is saved, commented and submitted.
    done = client.post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            f"{key}-value": "30",
            f"{key}-commentary": "The contractor lost a month to strikes.",
            "action": "submit",
        },
    )
    assert done.status_code == 302
    with alpha():
        assert values_of(rate)["2024/25 Q2"] == (Decimal("30"), "submitted")
        (note,) = Commentary.objects.filter(indicator=rate, period_code="2024/25 Q2")
        assert note.text == "The contractor lost a month to strikes."
        assert note.author == people.provider


def test_drafts_saved_from_the_grid_are_submitted_later_unchanged(
    org_a, people, two_pis, as_user, alpha
):
    rate, days = two_pis
    client = as_user(people.provider)
    typed = {
        "frequency": "quarterly",
        "year": "2024/25",
        cell(rate, "2024/25 Q1"): "52",
        cell(days, "2024/25 Q1"): "12",
    }
    assert client.post("/indicators/grid/", {**typed, "action": "save"}).status_code == 302
    with alpha():
        assert values_of(rate) == {"2024/25 Q1": (Decimal("52"), "draft")}
    # The page comes back with the drafts in their boxes; submitting them as they are works.
    page = client.get("/indicators/grid/?frequency=quarterly&year=2024/25").content.decode()
    assert f'id="{cell(rate, "2024/25 Q1")}" name="{cell(rate, "2024/25 Q1")}" value="52"' in page
    submitted = client.post("/indicators/grid/", {**typed, "action": "submit"}, follow=True)
    assert "2 values saved and submitted for approval." in submitted.content.decode()
    assert "Nothing was saved" not in submitted.content.decode()
    with alpha():
        assert values_of(rate) == {"2024/25 Q1": (Decimal("52"), "submitted")}
        assert values_of(days) == {"2024/25 Q1": (Decimal("12"), "submitted")}
        # Submitting an unchanged draft does not record a new entry.
        assert AuditEntry.objects.filter(indicator=rate, action="value_changed").count() == 0


def test_the_entry_page_reaches_another_quarter_without_typing_a_code(
    org_a, people, pi, as_user, alpha
):
    client = as_user(people.provider)
    html = client.get(f"/indicators/{pi.pk}/enter/").content.decode()
    page = parse(html)
    latest = previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    earlier = previous_period(latest)
    # One click: the recent quarters are links; the chosen one is marked.
    links = {
        a.text: a.get("href") for a in page.find_all("a") if "period=" in (a.get("href") or "")
    }
    label = earlier.label.split(" (")[0]
    assert label in links
    assert page.find_all("a", aria_current="page")
    # The select lists earlier years too, grouped, with the latest ended quarter chosen.
    select = page.by_id("entry-period")
    assert select is not None and select.tag == "select"
    assert f'<option value="{latest.code}" selected>' in html
    assert 'optgroup label="Another period: ' in html
    chosen = client.get(links[label]).content.decode()
    assert f'<input type="hidden" name="period" value="{earlier.code}">' in chosen
    assert f"<dd>{earlier.label}</dd>" in chosen
    # Saving from there stores the value for that quarter.
    with alpha():
        from goldenthread.platform.indicators.models import Target

        Target.objects.filter(indicator=pi).delete()
    saved = client.post(
        f"/indicators/{pi.pk}/enter/",
        {"period": earlier.code, "value": "40", "action": "save"},
    )
    assert saved.status_code == 302
    with alpha():
        assert values_of(pi) == {earlier.code: (Decimal("40"), "draft")}
