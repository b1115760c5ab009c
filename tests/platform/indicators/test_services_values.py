"""Entering values: validation, ranges, periods, calculated PIs, bulk upsert, commentary."""

from decimal import Decimal

import pytest

from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied
from goldenthread.platform.indicators.models import AuditEntry, Commentary, IndicatorValue
from goldenthread.platform.indicators.services.targets import target_set
from goldenthread.platform.indicators.services.values import (
    commentary_add,
    value_check,
    value_enter,
    values_bulk_upsert,
    values_bulk_upsert_by_reference,
)
from goldenthread.platform.indicators.services.workflow import value_approve, value_submit


def test_a_provider_enters_a_draft_with_its_status_stored(in_alpha, people, make_indicator):
    pi = make_indicator()
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")

    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="77")

    assert row.value == Decimal("77") and row.workflow_status == "draft"
    assert row.entered_by == people.provider
    assert (row.period_start.isoformat(), row.period_end.isoformat()) == (
        "2024-04-01",
        "2024-06-30",
    )
    # 77 is within 5% of 80 (threshold 76): a warning, with the thresholds kept.
    assert row.status == "warning"
    assert row.status_target == Decimal("80") and row.status_warning_threshold == Decimal("76")
    assert (row.status_tolerance_kind, row.status_tolerance_amount) == ("relative", Decimal("5"))
    assert row.status_polarity == "higher"


def test_lower_is_better_status(in_alpha, people, make_indicator):
    pi = make_indicator(polarity="lower", unit_kind="time", unit_label="days")
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="20")
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="25")
    assert row.status == "off_target"


def test_a_pi_without_a_target_is_data_only(in_alpha, people, make_indicator):
    pi = make_indicator()
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="50")
    assert row.status == "data_only"


def test_the_pi_tolerance_overrides_the_organisations(in_alpha, people, make_indicator):
    pi = make_indicator(tolerance_kind="absolute", tolerance_amount=Decimal("1"))
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="78")
    assert row.status == "off_target" and row.status_warning_threshold == Decimal("79")


@pytest.mark.parametrize("role", ["other_provider", "verifier", "councillor", "manager"])
def test_only_the_pis_providers_and_officers_enter_values(in_alpha, people, make_indicator, role):
    pi = make_indicator()
    with pytest.raises(PermissionDenied, match="not a data provider for PI 1"):
        value_enter(actor=getattr(people, role), indicator=pi, period_code="2024/25 Q1", value="1")
    assert not IndicatorValue.objects.exists()


def test_an_officer_may_enter_any_pis_values(in_alpha, people, make_indicator):
    pi = make_indicator()
    assert value_enter(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="1")


@pytest.mark.parametrize(
    "period_code,message",
    [
        ("2024-05", "collected quarterly, so its values are for a quarter; '2024-05' is a month"),
        ("2024/25", "'2024/25' is a financial year"),
        ("Q1 2024", "'Q1 2024' is not a valid period code"),
        ("2099/00 Q1", "has not started yet"),
    ],
)
def test_the_period_must_match_the_pis_frequency(
    in_alpha, people, make_indicator, period_code, message
):
    pi = make_indicator()
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        value_enter(actor=people.provider, indicator=pi, period_code=period_code, value="1")
    assert not IndicatorValue.objects.exists()


def test_an_annual_pi_on_the_academic_year(in_alpha, people, make_indicator):
    pi = make_indicator(frequency="annual", year_basis="academic_year")
    row = value_enter(actor=people.provider, indicator=pi, period_code="AY2023/24", value="3")
    assert row.period_type == "academic_year"
    with pytest.raises(DomainError, match="academic year"):
        value_enter(actor=people.provider, indicator=pi, period_code="2023/24", value="3")


def test_not_a_number_is_refused(in_alpha, people, make_indicator):
    pi = make_indicator()
    with pytest.raises(DomainError, match="The value must be a number, not 'lots'"):
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="lots")


def test_an_out_of_range_value_is_refused_when_the_pi_says_so(in_alpha, people, make_indicator):
    pi = make_indicator(valid_minimum=Decimal("0"), valid_maximum=Decimal("100"))
    with pytest.raises(DomainError, match="1234 is above the maximum of 100") as refused:
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="1234")
    assert refused.value.code == "out_of_range"
    # Even with a confirmation: this PI refuses.
    with pytest.raises(DomainError):
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q1",
            value="1234",
            confirm_out_of_range=True,
            out_of_range_note="Really",
        )
    assert not IndicatorValue.objects.exists()


def test_an_out_of_range_value_needs_confirmation_and_a_note(in_alpha, people, make_indicator):
    pi = make_indicator(
        unit_kind="number", valid_maximum=Decimal("500"), out_of_range_policy="confirm"
    )
    for kwargs in ({}, {"confirm_out_of_range": True}, {"out_of_range_note": "Flood"}):
        with pytest.raises(DomainError, match="above the maximum") as refused:
            value_enter(
                actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="900", **kwargs
            )
        assert refused.value.code == "confirmation_required"
    assert not IndicatorValue.objects.exists()

    row = value_enter(
        actor=people.provider,
        indicator=pi,
        period_code="2024/25 Q1",
        value="900",
        confirm_out_of_range=True,
        out_of_range_note="Flood in June doubled the calls",
    )
    assert row.out_of_range_confirmed and row.out_of_range_note.startswith("Flood")
    assert AuditEntry.objects.get(object_id=str(row.pk)).reason.startswith("Flood")


def test_whole_numbers_are_always_enforced(in_alpha, people, make_indicator):
    pi = make_indicator(unit_kind="number", whole_numbers=True, out_of_range_policy="confirm")
    with pytest.raises(DomainError, match="12.5 is not a whole number"):
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q1",
            value="12.5",
            confirm_out_of_range=True,
            out_of_range_note="x",
        )


def test_a_calculated_pi_computes_from_numerator_and_denominator(in_alpha, people, make_indicator):
    pi = make_indicator(is_calculated=True)
    row = value_enter(
        actor=people.provider,
        indicator=pi,
        period_code="2024/25 Q1",
        numerator="1",
        denominator="3",
    )
    assert row.value == Decimal("33.333333")
    with pytest.raises(DomainError, match="enter the numerator and denominator, not the value"):
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q2", value="5")
    with pytest.raises(DomainError, match="enter both"):
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q2", numerator="5")
    with pytest.raises(DomainError, match="denominator is zero"):
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q2",
            numerator="5",
            denominator="0",
        )


def test_not_collected_is_distinct_from_zero(in_alpha, people, make_indicator):
    pi = make_indicator()
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    row = value_enter(
        actor=people.provider, indicator=pi, period_code="2024/25 Q1", state="not_collected"
    )
    assert row.value is None and row.status == "not_collected"
    with pytest.raises(DomainError, match="cannot also have a number"):
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code="2024/25 Q2",
            value="0",
            state="not_applicable",
        )


def test_a_yes_no_pi_takes_one_or_zero(in_alpha, people, make_indicator):
    pi = make_indicator(unit_kind="yes_no", decimal_places=0)
    with pytest.raises(DomainError, match="1 \\(yes\\) or 0 \\(no\\)"):
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="2")


def test_correcting_a_draft_audits_old_and_new(in_alpha, people, make_indicator):
    pi = make_indicator()
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="50")
    value_enter(
        actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="55", reason="Typo"
    )
    entries = AuditEntry.objects.filter(object_type="indicatorvalue", object_id=str(row.pk))
    changed = entries.get(action="value_changed")
    assert changed.old == {"value": "50"} and changed.new == {"value": "55"}
    assert changed.reason == "Typo" and changed.actor == people.provider
    assert entries.get(action="value_entered").new["value"] == "50"
    # Entering the same again changes nothing and adds no row.
    value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="55")
    assert entries.count() == 2


def test_a_submitted_or_approved_value_cannot_be_changed(in_alpha, people, make_indicator):
    pi = make_indicator()
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="50")
    value_submit(actor=people.provider, value=row)
    with pytest.raises(Conflict, match="submitted for approval"):
        value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="60")
    value_approve(actor=people.verifier, value=row)
    with pytest.raises(Conflict, match="approved and locked") as refused:
        value_enter(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="60")
    assert refused.value.code == "locked"
    row.refresh_from_db()
    assert row.value == Decimal("50")


def test_value_check_previews_without_saving(in_alpha, people, make_indicator):
    pi = make_indicator(valid_maximum=Decimal("100"), out_of_range_policy="confirm")
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    check = value_check(indicator=pi, period_code="2024/25 Q1", value="90")
    assert not check.refused and check.status.status == "on_target"
    check = value_check(indicator=pi, period_code="2024/25 Q1", value="190")
    assert check.needs_confirmation and not check.refused
    assert value_check(indicator=pi, period_code="2024-04", value="1").refused
    assert not IndicatorValue.objects.exists()


def test_bulk_upsert_saves_all(in_alpha, people, make_indicator):
    first, second = make_indicator(code="B 1"), make_indicator(code="B 2")
    saved = values_bulk_upsert(
        actor=people.provider,
        items=[
            {"indicator": first, "period_code": "2024/25 Q1", "value": "10"},
            {"indicator": second, "period_code": "2024/25 Q1", "value": "20"},
        ],
    )
    assert [row.value for row in saved] == [Decimal("10"), Decimal("20")]
    assert IndicatorValue.objects.count() == 2


def test_bulk_upsert_with_one_bad_item_writes_nothing(in_alpha, people, make_indicator):
    first = make_indicator(code="B 1", valid_maximum=Decimal("100"))
    with pytest.raises(DomainError, match="2 of 4 values were refused") as refused:
        values_bulk_upsert(
            actor=people.provider,
            items=[
                {"indicator": first, "period_code": "2024/25 Q1", "value": "10"},
                {"indicator": first, "period_code": "2024/25 Q2", "value": "1000"},
                {"indicator": first, "period_code": "2024/25 Q3", "value": "30"},
                {"indicator": first, "period_code": "2024/25 Q1", "value": "11"},
            ],
        )
    errors = refused.value.extra["errors"]
    assert [error["index"] for error in errors] == [1, 3]
    assert "above the maximum" in errors[0]["message"] and errors[1]["code"] == "duplicate"
    assert not IndicatorValue.objects.exists()
    assert not AuditEntry.objects.filter(object_type="indicatorvalue").exists()


def test_bulk_upsert_by_reference_finds_pis_by_code_or_id_and_sub_areas_by_id(
    in_alpha, people, make_indicator
):
    from goldenthread.platform.indicators.services.indicators import sub_area_create

    first, second = make_indicator(code="Ref 1"), make_indicator(code="Ref 2")
    ward = sub_area_create(actor=people.officer, kind="ward", name="North Ward")
    saved = values_bulk_upsert_by_reference(
        actor=people.provider,
        items=[
            {"indicator_code": " ref 1 ", "period": "2024/25 Q1", "value": "10"},
            {"indicator_id": second.pk, "period": "2024/25 Q1", "value": 20},
            {"indicator_id": second.pk, "period": "2024/25 Q1", "sub_area_id": ward.pk, "value": 5},
        ],
    )
    assert [(row.indicator, row.value, row.sub_area) for row in saved] == [
        (first, Decimal("10"), None),
        (second, Decimal("20"), None),
        (second, Decimal("5"), ward),
    ]
    assert AuditEntry.objects.filter(object_type="indicatorvalue").count() == 3


def test_bulk_upsert_by_reference_refuses_the_batch_listing_every_bad_item_in_its_place(
    in_alpha, people, make_indicator
):
    pi = make_indicator(code="Ref 1", valid_maximum=Decimal("100"))
    with pytest.raises(DomainError, match="5 of 6 values were refused") as refused:
        values_bulk_upsert_by_reference(
            actor=people.provider,
            items=[
                {"indicator_code": "REF 1", "period": "2024/25 Q1", "value": "10"},
                {"indicator_code": "NOPE", "period": "2024/25 Q1", "value": "10"},
                {"period": "2024/25 Q1", "value": "10"},
                {"indicator_id": pi.pk, "period": "2024/25 Q2", "sub_area_id": 999999},
                {"indicator_id": pi.pk, "period": "2024/25 Q3", "value": "1000"},
                {"indicator_id": pi.pk, "period": "2024/25 Q1", "value": "11"},
            ],
        )
    errors = refused.value.extra["errors"]
    assert [(error["index"], error["code"]) for error in errors] == [
        (1, "unknown_indicator"),
        (2, "unknown_indicator"),
        (3, "invalid"),
        (4, "out_of_range"),
        (5, "duplicate"),
    ]
    assert errors[4]["message"].startswith("This repeats item 0")
    assert not IndicatorValue.objects.exists()
    assert not AuditEntry.objects.filter(object_type="indicatorvalue").exists()


def test_bulk_upsert_by_reference_refuses_a_provider_of_another_pi_and_saves_nothing(
    in_alpha, people, make_indicator
):
    mine, theirs = make_indicator(code="Ref 1"), make_indicator(code="Ref 2", data_providers=[])
    with pytest.raises(DomainError) as refused:
        values_bulk_upsert_by_reference(
            actor=people.provider,
            items=[
                {"indicator_id": mine.pk, "period": "2024/25 Q1", "value": "1"},
                {"indicator_id": theirs.pk, "period": "2024/25 Q1", "value": "1"},
            ],
        )
    assert [e["code"] for e in refused.value.extra["errors"]] == ["permission_denied"]
    assert not IndicatorValue.objects.exists()


def test_commentary_by_the_owner_or_providers_only(in_alpha, people, make_indicator):
    pi = make_indicator(owner=people.manager)
    commentary_add(actor=people.manager, indicator=pi, period_code="2024/25 Q1", text="Owner")
    commentary_add(actor=people.provider, indicator=pi, period_code="2024/25 Q1", text="Provider")
    with pytest.raises(PermissionDenied):
        commentary_add(actor=people.councillor, indicator=pi, period_code="2024/25 Q1", text="x")
    with pytest.raises(DomainError, match="empty"):
        commentary_add(actor=people.manager, indicator=pi, period_code="2024/25 Q1", text="  ")
    with pytest.raises(DomainError, match="is a month"):
        commentary_add(actor=people.manager, indicator=pi, period_code="2024-04", text="x")
    assert list(Commentary.objects.values_list("text", flat=True)) == ["Provider", "Owner"]


def test_bulk_upsert_by_reference_refuses_a_role_that_never_enters_values(
    in_alpha, people, make_indicator
):
    pi = make_indicator(code="Ref 1")
    with pytest.raises(PermissionDenied):
        values_bulk_upsert_by_reference(
            actor=people.councillor,
            items=[{"indicator_id": pi.pk, "period": "2024/25 Q1", "value": "1"}],
        )
    assert not IndicatorValue.objects.exists()
