"""Numbers through REST: single values, the bulk upsert and targets read by the one parser
(a decimal comma or an ambiguous separator refused, saying what to type, nothing half
written); a percentage's default 0-100 range and a far move confirmed with a note."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import IndicatorValue, Target

BASE = "/api/v1/indicators/"
PERIOD = "2024/25 Q1"
HOSTILE = [
    "lots",
    "NaN",
    "Infinity",
    "1e999999",
    "0x10",
    "\u0661\u0662",
    "=1+1",
    "1\x00",
    "9" * 200,
]


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def pis(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):

        class PIs:
            percentage = make_indicator(code="PCT 1", unit_kind="percentage")
            count = make_indicator(code="NUM 1", unit_kind="number", decimal_places=0)
            confirmable = make_indicator(
                code="PCT 2", unit_kind="percentage", out_of_range_policy="confirm"
            )

        return PIs


def stored(org, indicator):
    with schema_context(org.schema_name):
        return {
            row.period_code: row.value for row in IndicatorValue.objects.filter(indicator=indicator)
        }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,5", "The value '12,5' looks like 12.5 written with a decimal comma; type 12.5."),
        (
            "1.234,5",
            "The value '1.234,5' looks like 1234.5 written with a decimal comma and dots "
            "between thousands; type 1234.5.",
        ),
        (
            "1,234",
            "The value '1,234' could be 1234 (a comma between thousands) or 1.234 (a decimal "
            "comma); type 1234 or 1.234.",
        ),
        ("", "Enter a value for PCT 1, or mark the period not collected or not applicable."),
    ],
)
def test_a_decimal_comma_is_never_stored_as_a_bigger_number(
    org_a, people, pis, client_for, typed, message
):
    client = client_for(org_a, user=people.provider)
    response = post(
        client, f"{BASE}{pis.percentage.pk}/values/", {"period": PERIOD, "value": typed}
    )
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert stored(org_a, pis.percentage) == {}


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_text_is_refused_and_nothing_is_stored(org_a, people, pis, client_for, typed):
    client = client_for(org_a, user=people.provider)
    response = post(client, f"{BASE}{pis.count.pk}/values/", {"period": PERIOD, "value": typed})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert stored(org_a, pis.count) == {}


@pytest.mark.parametrize(
    ("pi", "typed", "number"),
    [
        ("count", "1 234", Decimal("1234")),
        ("count", "  7 ", Decimal("7")),
        ("count", "1,234,567", Decimal("1234567")),
        ("count", 42, Decimal("42")),  # a JSON number
        ("percentage", "12.5%", Decimal("12.5")),
        ("percentage", "12.5", Decimal("12.5")),
        ("percentage", 12.5, Decimal("12.5")),
    ],
)
def test_numbers_people_write_are_stored_as_they_meant_them(
    org_a, people, pis, client_for, pi, typed, number
):
    indicator = getattr(pis, pi)
    client = client_for(org_a, user=people.provider)
    response = post(client, f"{BASE}{indicator.pk}/values/", {"period": PERIOD, "value": typed})
    assert response.status_code == 201, response.json()
    assert stored(org_a, indicator) == {PERIOD: number}


def test_a_per_cent_sign_on_a_count_is_refused(org_a, people, pis, client_for):
    client = client_for(org_a, user=people.provider)
    response = post(client, f"{BASE}{pis.count.pk}/values/", {"period": PERIOD, "value": "12%"})
    assert response.status_code == 400
    assert "has a per cent sign, but this is not a percentage" in response.json()["message"]
    assert stored(org_a, pis.count) == {}


def test_the_bulk_upsert_refuses_the_whole_batch_for_one_decimal_comma(
    org_a, people, pis, client_for
):
    client = client_for(org_a, user=people.provider)
    response = post(
        client,
        f"{BASE}values/bulk/",
        {
            "items": [
                {"indicator_code": "NUM 1", "period": PERIOD, "value": "1,234,567"},
                {"indicator_code": "PCT 1", "period": PERIOD, "value": "12,5"},
                {"indicator_code": "NUM 1", "period": "2024/25 Q2", "value": "1 234 567"},
                {"indicator_code": "NUM 1", "period": "2024/25 Q3", "value": "1.234.567"},
            ]
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bulk_refused"
    assert [(e["index"], e["message"]) for e in body["extra"]["errors"]] == [
        (1, "The value '12,5' looks like 12.5 written with a decimal comma; type 12.5."),
        (
            3,
            "The value '1.234.567' looks like 1234567 written with dots between thousands; "
            "type 1234567.",
        ),
    ]
    assert stored(org_a, pis.count) == {} and stored(org_a, pis.percentage) == {}


def test_the_bulk_upsert_stores_every_value_as_meant(org_a, people, pis, client_for):
    client = client_for(org_a, user=people.provider)
    response = post(
        client,
        f"{BASE}values/bulk/",
        {
            "items": [
                {"indicator_code": "NUM 1", "period": PERIOD, "value": "1,234,567"},
                {"indicator_code": "PCT 1", "period": PERIOD, "value": " 12.5% "},
            ]
        },
    )
    assert response.status_code == 200, response.json()
    assert stored(org_a, pis.count) == {PERIOD: Decimal("1234567")}
    assert stored(org_a, pis.percentage) == {PERIOD: Decimal("12.5")}


@pytest.mark.parametrize(
    ("typed", "status", "number"),
    [
        ("12,5", 400, None),
        ("1,234", 400, None),
        ("lots", 400, None),
        ("55%", 201, Decimal("55")),
        (" 55.5 ", 201, Decimal("55.5")),
    ],
)
def test_targets_are_read_by_the_same_parser(org_a, people, pis, client_for, typed, status, number):
    client = client_for(org_a, user=people.officer)
    url = f"{BASE}{pis.percentage.pk}/targets/"
    response = post(client, url, {"period": PERIOD, "value": typed})
    assert response.status_code == status, response.json()
    with schema_context(org_a.schema_name):
        targets = list(
            Target.objects.filter(indicator=pis.percentage).values_list("value", flat=True)
        )
    assert targets == ([number] if number is not None else [])


# --- sensible defaults (item 5b) ------------------------------------------------------------


def test_150_per_cent_is_refused_for_a_percentage_pi_without_a_range(
    org_a, people, pis, client_for
):
    client = client_for(org_a, user=people.provider)
    response = post(
        client, f"{BASE}{pis.percentage.pk}/values/", {"period": PERIOD, "value": "150"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"
    assert response.json()["message"] == "150 is above the maximum of 100 for this percentage."
    assert stored(org_a, pis.percentage) == {}


def test_150_per_cent_is_saved_only_when_confirmed_with_a_note_where_the_pi_allows_it(
    org_a, people, pis, client_for
):
    client = client_for(org_a, user=people.provider)
    url = f"{BASE}{pis.confirmable.pk}/values/"
    refused = post(client, url, {"period": PERIOD, "value": "150"})
    assert refused.status_code == 400 and refused.json()["code"] == "confirmation_required"
    assert stored(org_a, pis.confirmable) == {}
    saved = post(
        client,
        url,
        {
            "period": PERIOD,
            "value": "150",
            "confirm_out_of_range": True,
            "out_of_range_note": "Arrears from last year were collected too.",
        },
    )
    assert saved.status_code == 201, saved.json()
    with schema_context(org_a.schema_name):
        row = IndicatorValue.objects.get(indicator=pis.confirmable)
    assert row.out_of_range_confirmed and not row.large_change_confirmed
    assert row.out_of_range_note == "Arrears from last year were collected too."


def test_a_far_move_from_the_previous_period_needs_a_note(org_a, people, pis, client_for):
    client = client_for(org_a, user=people.provider)
    url = f"{BASE}{pis.percentage.pk}/values/"
    for period, value in (("2024/25 Q1", "50"), ("2024/25 Q2", "52"), ("2024/25 Q3", "51")):
        assert post(client, url, {"period": period, "value": value}).status_code == 201
    assert post(client, url, {"period": "2024/25 Q4", "value": "53"}).status_code == 201
    # 90 after 50, 52, 51, 53: a change of 37, more than 5 times the usual change of 2
    refused = post(client, url, {"period": "2025/26 Q1", "value": "90"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "confirmation_required"
    assert refused.json()["message"].startswith(
        "90 is far from 53, the value for 2024/25 Q4: a change of 37, more than 5 times the "
        "usual change of 2 between periods."
    )
    assert "2025/26 Q1" not in stored(org_a, pis.percentage)
    saved = post(
        client,
        url,
        {
            "period": "2025/26 Q1",
            "value": "90",
            "confirm_out_of_range": True,
            "out_of_range_note": "A new recycling contract started in April.",
        },
    )
    assert saved.status_code == 201, saved.json()
    with schema_context(org_a.schema_name):
        row = IndicatorValue.objects.get(indicator=pis.percentage, period_code="2025/26 Q1")
    assert row.large_change_confirmed and not row.out_of_range_confirmed
    assert row.out_of_range_note == "A new recycling contract started in April."


def test_a_confirmed_value_saved_again_unchanged_keeps_its_note(org_a, people, pis, client_for):
    client = client_for(org_a, user=people.provider)
    url = f"{BASE}{pis.confirmable.pk}/values/"
    note = "Arrears from last year were collected too."
    confirmed = {"confirm_out_of_range": True, "out_of_range_note": note}
    assert post(client, url, {"period": PERIOD, "value": "150", **confirmed}).status_code == 201
    # Saved again as it is (say, after being sent back): no new note needed, the note stays.
    again = post(client, url, {"period": PERIOD, "value": "150"})
    assert again.status_code == 201, again.json()
    # A different out-of-range value needs its own confirmation.
    other = post(client, url, {"period": PERIOD, "value": "160"})
    assert other.status_code == 400 and other.json()["code"] == "confirmation_required"
    with schema_context(org_a.schema_name):
        row = IndicatorValue.objects.get(indicator=pis.confirmable)
    assert (row.value, row.out_of_range_confirmed, row.out_of_range_note) == (
        Decimal("150"),
        True,
        note,
    )
