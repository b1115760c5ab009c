"""Numbers through the pages: the single-entry page, its inline check and the grid read values
with the one parser; a percentage's 0-100 default and a far move from the previous period
confirmed with a note, which the verifier sees on the approval card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils.html import escape

from goldenthread.platform.indicators.models import IndicatorValue

from .conftest import enter

PERIOD = "2024/25 Q1"


def values_of(indicator):
    return dict(
        IndicatorValue.objects.filter(indicator=indicator).values_list("period_code", "value")
    )


@pytest.fixture
def count(org_a, people, make_indicator, alpha):
    with alpha():
        return make_indicator(code="PG 9", unit_kind="number", decimal_places=0)


def cell(indicator, period_code):
    return f"cell-{indicator.pk}-{period_code.replace('/', '-').replace(' ', '-')}-value"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,5", "The value '12,5' looks like 12.5 written with a decimal comma; type 12.5."),
        (
            "1.234,5",
            "The value '1.234,5' looks like 1234.5 written with a decimal comma and dots "
            "between thousands; type 1234.5.",
        ),
        ("1,234", "The value '1,234' could be 1234 (a comma between thousands) or 1.234"),
        ("=1+1", "The value must be a number, not '=1+1'."),
        ("", "Enter a value for PG 1"),
    ],
)
def test_the_entry_page_refuses_a_decimal_comma_and_keeps_what_was_typed(
    org_a, people, pi, as_user, alpha, typed, message
):
    client = as_user(people.provider)
    response = client.post(
        f"/indicators/{pi.pk}/enter/", {"period": PERIOD, "value": typed, "action": "save"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in html
    assert f'value="{escape(typed)}"' in html or not typed
    with alpha():
        assert values_of(pi) == {}


@pytest.mark.parametrize(("typed", "number"), [("12.5%", "12.5"), ("  7 ", "7"), ("55", "55")])
def test_the_entry_page_stores_what_was_meant(org_a, people, pi, as_user, alpha, typed, number):
    response = as_user(people.provider).post(
        f"/indicators/{pi.pk}/enter/", {"period": PERIOD, "value": typed, "action": "save"}
    )
    assert response.status_code == 302
    with alpha():
        assert values_of(pi) == {PERIOD: Decimal(number)}


def test_the_inline_check_says_what_a_decimal_comma_was_read_as(org_a, people, pi, as_user):
    answer = as_user(people.provider).post(
        f"/indicators/{pi.pk}/check/", {"period": PERIOD, "value": "12,5"}
    )
    assert answer.json()["refused"] is True
    assert answer.json()["messages"] == [
        "The value '12,5' looks like 12.5 written with a decimal comma; type 12.5."
    ]


def test_the_grid_refuses_every_misread_cell_and_saves_only_the_others(
    org_a, people, pi, count, as_user, alpha
):
    response = as_user(people.provider).post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            cell(count, "2024/25 Q1"): "1 234",
            cell(count, "2024/25 Q2"): "1,234",
            cell(pi, "2024/25 Q1"): "12,5",
            cell(pi, "2024/25 Q2"): "12.5%",
            "action": "save",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "2 of 4 values refused and not saved. The other 2 saved as drafts." in html
    assert escape("The value '12,5' looks like 12.5 written with a decimal comma") in html
    assert escape("The value '1,234' could be 1234 (a comma between thousands)") in html
    with alpha():
        assert values_of(pi) == {"2024/25 Q2": Decimal("12.5")}
        assert values_of(count) == {"2024/25 Q1": Decimal("1234")}


def test_the_grid_stores_unambiguous_numbers(org_a, people, pi, count, as_user, alpha):
    response = as_user(people.provider).post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            cell(count, "2024/25 Q1"): "1 234",
            cell(count, "2024/25 Q2"): " 1,234.5 ",
            cell(pi, "2024/25 Q1"): "52.5%",
            "action": "save",
        },
    )
    assert response.status_code == 302
    with alpha():
        assert values_of(count) == {"2024/25 Q1": Decimal("1234"), "2024/25 Q2": Decimal("1234.5")}
        assert values_of(pi) == {"2024/25 Q1": Decimal("52.5")}
    # The same numbers typed again the same way are seen as unchanged.
    again = as_user(people.provider).post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            cell(count, "2024/25 Q1"): "1 234",
            cell(pi, "2024/25 Q1"): "52.5%",
            "action": "save",
        },
        follow=True,
    )
    assert "Nothing was saved: no value, commentary or note was entered or changed." in (
        again.content.decode()
    )


# --- sensible defaults (item 5b) ------------------------------------------------------------


def test_150_per_cent_is_refused_on_the_entry_page(org_a, people, make_indicator, as_user, alpha):
    with alpha():
        tax = make_indicator(code="CT 1", title="Council tax collected")
    response = as_user(people.provider).post(
        f"/indicators/{tax.pk}/enter/", {"period": PERIOD, "value": "150", "action": "save"}
    )
    assert response.status_code == 400
    assert "150 is above the maximum of 100 for this percentage." in response.content.decode()
    with alpha():
        assert values_of(tax) == {}


def test_a_far_move_is_confirmed_with_a_note_and_shown_to_the_verifier(
    org_a, people, pi, as_user, alpha
):
    with alpha():
        for period, value in (("2024/25 Q1", "50"), ("2024/25 Q2", "52"), ("2024/25 Q3", "51")):
            enter(people, pi, period, value)
        enter(people, pi, "2024/25 Q4", "53")
    client = as_user(people.provider)
    url = f"/indicators/{pi.pk}/enter/"
    checked = client.post(url, {"period": "2025/26 Q1", "value": "90", "action": "check"})
    assert "Far from the previous period:" in checked.content.decode()
    refused = client.post(url, {"period": "2025/26 Q1", "value": "90", "action": "submit"})
    assert refused.status_code == 400
    assert "90 is far from 53, the value for 2024/25 Q4" in refused.content.decode()
    with alpha():
        assert "2025/26 Q1" not in values_of(pi)
    saved = client.post(
        url,
        {
            "period": "2025/26 Q1",
            "value": "90",
            "confirm_out_of_range": "on",
            "out_of_range_note": "A new recycling contract started in April.",
            "action": "submit",
        },
    )
    assert saved.status_code == 302
    with alpha():
        row = IndicatorValue.objects.get(indicator=pi, period_code="2025/26 Q1")
        assert row.large_change_confirmed and row.workflow_status == "submitted"
    card = as_user(people.verifier).get("/indicators/approvals/").content.decode()
    assert "Far from the previous period" in card
    assert "Confirmed by the provider: A new recycling contract started in April." in card


def test_a_far_move_in_the_grid_is_saved_once_confirmed_with_a_note_in_its_cell(
    org_a, people, pi, as_user, alpha
):
    with alpha():
        enter(people, pi, "2024/25 Q1", "50")
    client = as_user(people.provider)
    key = cell(pi, "2024/25 Q2").removesuffix("-value")
    refused = client.post(
        "/indicators/grid/",
        {"frequency": "quarterly", "year": "2024/25", f"{key}-value": "5", "action": "save"},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "5 is far from 50, the value for 2024/25 Q1: less than 1/3 of it." in html
    assert "Confirm the value and add a note explaining it to save it anyway." in html
    # The summary sends the provider to the cell's own confirmation box, shown open.
    assert f'href="#{key}-confirm"' in html
    assert f'id="{key}-confirm" name="{key}-confirm" value="1" aria-invalid="true"' in html
    with alpha():
        assert values_of(pi) == {"2024/25 Q1": Decimal("50")}
    # A tick without a note is not enough.
    no_note = client.post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            f"{key}-value": "5",
            f"{key}-confirm": "1",
            "action": "save",
        },
    )
    assert no_note.status_code == 400
    saved = client.post(
        "/indicators/grid/",
        {
            "frequency": "quarterly",
            "year": "2024/25",
            f"{key}-value": "5",
            f"{key}-confirm": "1",
            f"{key}-note": "The depot closed for the quarter.",
            "action": "save",
        },
    )
    assert saved.status_code == 302
    with alpha():
        row = IndicatorValue.objects.get(indicator=pi, period_code="2024/25 Q2")
        assert (row.value, row.large_change_confirmed) == (Decimal("5"), True)
        assert row.out_of_range_note == "The depot closed for the quarter."


def test_the_entry_page_names_a_percentages_default_range(
    org_a, people, make_indicator, as_user, alpha
):
    with alpha():
        tax = make_indicator(code="CT 2", out_of_range_policy="confirm")
        refused_outright = make_indicator(code="CT 3")
    page = as_user(people.provider).get(f"/indicators/{tax.pk}/enter/").content.decode()
    assert "outside the valid range (0.0% to 100.0%) or far from the previous period" in page
    other = as_user(people.provider).get(f"/indicators/{refused_outright.pk}/enter/")
    assert "Only if the value is far from the previous period" in other.content.decode()
