"""Targets, profiling and baselines."""

from decimal import Decimal

import pytest

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.indicators.models import AuditEntry, Target
from goldenthread.platform.indicators.services.indicators import sub_area_create
from goldenthread.platform.indicators.services.targets import (
    baseline_set,
    target_delete,
    target_profile_annual,
    target_set,
)
from goldenthread.platform.indicators.services.values import value_enter


def test_setting_a_target_reassesses_open_values(in_alpha, people, make_indicator):
    pi = make_indicator()
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="70")
    assert row.status == "data_only"
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    row.refresh_from_db()
    assert row.status == "off_target"
    target_set(
        actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="70", reason="Agreed"
    )
    entry = AuditEntry.objects.filter(indicator=pi, action="target_set").first()
    assert entry.old["value"] == "80" and entry.new["value"] == "70" and entry.reason == "Agreed"


def test_targets_for_a_period_or_a_longer_one(in_alpha, people, make_indicator):
    pi = make_indicator(frequency="monthly")
    target_set(actor=people.officer, indicator=pi, period_code="2024-05", value="1")
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="1")
    target_set(actor=people.officer, indicator=pi, period_code="2024/25", value="1")
    with pytest.raises(DomainError, match="'2024-W10' is a week"):
        target_set(actor=people.officer, indicator=pi, period_code="2024-W10", value="1")
    assert Target.objects.filter(indicator=pi).count() == 3


def test_only_officers_set_targets(in_alpha, people, make_indicator):
    pi = make_indicator()
    for role in ("provider", "verifier", "councillor"):
        with pytest.raises(PermissionDenied):
            target_set(
                actor=getattr(people, role), indicator=pi, period_code="2024/25 Q1", value="1"
            )
    assert not Target.objects.exists()


def test_profiling_a_summed_annual_target_into_quarters(in_alpha, people, make_indicator):
    pi = make_indicator(unit_kind="number", decimal_places=0, rollup_rule="sum")
    targets = target_profile_annual(
        actor=people.officer, indicator=pi, year_code="2024/25", annual="1000"
    )
    assert [t.period_code for t in targets] == [
        "2024/25",
        "2024/25 Q1",
        "2024/25 Q2",
        "2024/25 Q3",
        "2024/25 Q4",
    ]
    assert sum(t.value for t in targets[1:]) == Decimal("1000")


def test_profiling_a_percentage_flat_and_cumulative(in_alpha, people, make_indicator):
    pi = make_indicator(frequency="monthly")
    flat = target_profile_annual(
        actor=people.officer, indicator=pi, year_code="2024/25", annual="80"
    )
    assert len(flat) == 13 and {t.value for t in flat} == {Decimal("80")}
    number = make_indicator(code="N 1", unit_kind="number", rollup_rule="sum", decimal_places=0)
    cumulative = target_profile_annual(
        actor=people.officer,
        indicator=number,
        year_code="2024/25",
        annual="120",
        method="cumulative",
    )
    assert cumulative[-1].value == Decimal("120") and cumulative[1].value == Decimal("30")
    with pytest.raises(DomainError, match="not a year"):
        target_profile_annual(
            actor=people.officer, indicator=pi, year_code="2024/25 Q1", annual="80"
        )


def test_sub_area_targets_are_used_for_sub_area_values(in_alpha, people, make_indicator):
    pi = make_indicator()
    ward = sub_area_create(actor=people.officer, kind="ward", name="Northgate")
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    target_set(
        actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="60", sub_area=ward
    )
    row = value_enter(
        actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="65", sub_area=ward
    )
    overall = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="65")
    assert (row.status, row.status_target) == ("on_target", Decimal("60"))
    assert overall.status == "off_target"


def test_deleting_a_target_and_setting_a_baseline(in_alpha, people, make_indicator):
    pi = make_indicator()
    target = target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    target_delete(actor=people.officer, target=target, reason="Wrong year")
    assert not Target.objects.exists()
    assert AuditEntry.objects.get(action="target_deleted").old["value"] == "80"
    baseline = baseline_set(actor=people.officer, indicator=pi, period_code="2023/24", value="61")
    assert baseline.value == Decimal("61") and baseline.period_type == "financial_year"
    again = baseline_set(actor=people.officer, indicator=pi, period_code="2023/24 Q4", value="62")
    assert again.pk == baseline.pk
    with pytest.raises(PermissionDenied):
        baseline_set(actor=people.provider, indicator=pi, period_code="2023/24", value="1")
