"""Reads: PI list filters, late values, values with trends, and the performance report."""

import re
from datetime import date
from decimal import Decimal

import pytest

from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.indicators.models import Indicator, IndicatorValue
from goldenthread.platform.indicators.selectors.due import late_values, values_due_soon
from goldenthread.platform.indicators.selectors.indicators import indicator_get, indicator_list
from goldenthread.platform.indicators.selectors.report import (
    indicator_values_with_trends,
    performance_report,
)
from goldenthread.platform.indicators.services.indicators import (
    indicator_update,
    performance_settings_update,
    service_area_create,
)
from goldenthread.platform.indicators.services.targets import target_set
from goldenthread.platform.indicators.services.values import commentary_add, value_enter
from goldenthread.platform.indicators.services.workflow import value_approve, value_submit


def enter(people, pi, period, value, **kwargs):
    return value_enter(
        actor=people.officer, indicator=pi, period_code=period, value=value, **kwargs
    )


def test_indicator_get_of_an_unknown_id_is_not_found(in_alpha):
    with pytest.raises(NotFound):
        indicator_get(pk=999999)
    with pytest.raises(NotFound):
        indicator_get(pk="abc")


def test_list_filters(in_alpha, people, make_indicator):
    waste = service_area_create(actor=people.officer, name="Waste")
    first = make_indicator(code="W 1", service_area=waste, owner=people.manager, tags=["bins"])
    second = make_indicator(code="H 1", title="Housing delays")
    target_set(actor=people.officer, indicator=first, period_code="2024/25 Q1", value="50")
    enter(people, first, "2024/25 Q1", "60")
    enter(people, second, "2024/25 Q1", "60")

    def codes(**filters):
        return [pi.code for pi in indicator_list(filters=filters)]

    assert codes() == ["H 1", "W 1"]
    assert codes(service_area=waste.pk) == ["W 1"]
    assert codes(owner=people.manager.pk) == ["W 1"]
    assert codes(q="housing") == ["H 1"]
    assert codes(tag="bins") == ["W 1"]
    assert codes(status="on_target") == ["W 1"]
    assert codes(status="data_only") == ["H 1"]
    assert codes(data_provider=people.provider.pk) == ["H 1", "W 1"]
    assert codes(data_provider=people.other_provider.pk) == []


def test_late_values_use_the_15th_of_the_following_month_by_default(
    in_alpha, people, make_indicator
):
    pi = make_indicator(code="Q 1")
    # Q1 2024/25 is due 15 July 2024; Q2 on 15 October.
    late = late_values(today=date(2024, 10, 15), since=date(2024, 4, 1))
    assert [(i.indicator.code, i.period.code, i.due_date) for i in late] == [
        ("Q 1", "2024/25 Q1", date(2024, 7, 15))
    ]
    assert [
        i.period.code for i in late_values(today=date(2024, 10, 16), since=date(2024, 4, 1))
    ] == [
        "2024/25 Q1",
        "2024/25 Q2",
    ]
    # A draft is still late; a submitted value is not.
    row = enter(people, pi, "2024/25 Q1", "5")
    assert late_values(today=date(2024, 10, 15), since=date(2024, 4, 1))[0].value == row
    value_submit(actor=people.officer, value=row)
    assert late_values(today=date(2024, 10, 15), since=date(2024, 4, 1)) == []


def test_due_dates_are_configurable_per_organisation_and_per_pi(in_alpha, people, make_indicator):
    pi = make_indicator(code="Q 1")
    performance_settings_update(actor=people.officer, due_day_of_following_month=28)
    assert late_values(today=date(2024, 7, 20), since=date(2024, 4, 1)) == []
    indicator_update(actor=people.officer, indicator=pi, due_day_of_following_month=10)
    assert [i.due_date for i in late_values(today=date(2024, 7, 20), since=date(2024, 4, 1))] == [
        date(2024, 7, 10)
    ]
    soon = values_due_soon(today=date(2024, 7, 1), within_days=14, since=date(2024, 4, 1))
    assert [(i.period.code, i.due_date) for i in soon] == [("2024/25 Q1", date(2024, 7, 10))]


def test_values_with_trends_for_either_polarity(in_alpha, people, make_indicator):
    higher = make_indicator(code="UP 1")
    lower = make_indicator(code="DOWN 1", polarity="lower")
    for pi in (higher, lower):
        enter(people, pi, "2023/24 Q1", "50")
        enter(people, pi, "2024/25 Q1", "55")
    enter(people, higher, "2023/24 Q4", "60")
    rows = indicator_values_with_trends(indicator=higher)
    latest = rows[-1]
    assert latest.period.code == "2024/25 Q1"
    assert latest.previous.period_code == "2023/24 Q4" and latest.short_trend == "getting_worse"
    assert latest.last_year.period_code == "2023/24 Q1" and latest.long_trend == "improving"
    assert indicator_values_with_trends(indicator=lower)[-1].long_trend == "getting_worse"
    assert indicator_values_with_trends(indicator=lower)[-1].short_trend == "not_comparable"


def test_the_report_shows_status_trends_and_commentary(in_alpha, people, make_indicator):
    area = service_area_create(actor=people.officer, name="Adults")
    up = make_indicator(code="A 2", service_area=area)
    down = make_indicator(code="A 1", service_area=area, polarity="lower", unit_kind="time")
    make_indicator(code="Z 1")
    target_set(actor=people.officer, indicator=up, period_code="2024/25 Q1", value="80")
    target_set(actor=people.officer, indicator=down, period_code="2024/25 Q1", value="10")
    enter(people, up, "2023/24 Q1", "70")
    enter(people, up, "2023/24 Q4", "85")
    row = enter(people, up, "2024/25 Q1", "78")
    enter(people, down, "2023/24 Q1", "14")
    enter(people, down, "2024/25 Q1", "20")
    commentary_add(actor=people.provider, indicator=down, period_code="2024/25 Q1", text="Winter")
    value_submit(actor=people.provider, value=row)
    value_approve(actor=people.verifier, value=row)

    report = performance_report(period_code="2024/25 Q1", today=date(2024, 9, 1))

    assert [r.indicator.code for r in report.rows] == ["A 1", "A 2", "Z 1"]
    a1, a2, z1 = report.rows
    assert (a2.current.value, a2.target, a2.status) == (Decimal("78"), Decimal("80"), "warning")
    assert a2.previous.value == Decimal("85") and a2.short_trend == "getting_worse"
    assert a2.last_year.value == Decimal("70") and a2.long_trend == "improving"
    assert a2.current.workflow_status == "approved"
    assert a1.status == "off_target" and a1.long_trend == "getting_worse"
    assert a1.commentary.text == "Winter"
    assert z1.status == "missing" and z1.current.value is None
    assert [group.name if group else None for group, _ in report.groups] == ["Adults", None]
    # Not due yet before 15 July.
    assert performance_report(period_code="2024/25 Q1", today=date(2024, 7, 1)).rows[2].status == (
        "not_due"
    )
    # Approved-only reports treat drafts as not entered.
    approved = performance_report(
        period_code="2024/25 Q1", approved_only=True, today=date(2024, 9, 1)
    )
    assert approved.rows[0].status == "missing" and approved.rows[1].status == "warning"


def test_monthly_pis_roll_up_into_the_quarter(in_alpha, people, make_indicator):
    summed = make_indicator(code="M 1", frequency="monthly", unit_kind="number", rollup_rule="sum")
    for month, value in (("2024-04", "10"), ("2024-05", "20"), ("2024-06", "30")):
        enter(people, summed, month, value)
    target_set(actor=people.officer, indicator=summed, period_code="2024/25 Q1", value="50")
    annual = make_indicator(code="Y 1", frequency="annual")
    enter(people, annual, "2023/24", "42")

    rows = {r.indicator.code: r for r in performance_report(period_code="2024/25 Q1").rows}

    assert rows["M 1"].current.value == Decimal("60") and rows["M 1"].current.complete
    assert rows["M 1"].status == "on_target"
    # An annual PI shows its latest year ending within the quarter.
    assert rows["Y 1"].current.period.code == "2023/24"
    assert rows["Y 1"].current.value == Decimal("42")


def _make_many(people, make_indicator, count, prefix):
    for n in range(count):
        pi = make_indicator(code=f"{prefix} {n:03d}", frequency="quarterly")
        target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="50")
        enter(people, pi, "2024/25 Q1", str(40 + n % 20))
        enter(people, pi, "2023/24 Q4", "45")
        enter(people, pi, "2023/24 Q1", "44")
        commentary_add(actor=people.officer, indicator=pi, period_code="2024/25 Q1", text="ok")
    monthly = make_indicator(code=f"{prefix} M", frequency="monthly", rollup_rule="average")
    enter(people, monthly, "2024-04", "5")


def test_the_report_query_count_does_not_grow_with_the_number_of_pis(
    in_alpha, people, make_indicator, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _make_many(people, make_indicator, 3, "S")
    with CaptureQueriesContext(connection) as few:
        small = performance_report(period_code="2024/25 Q1")
    assert len(small.rows) == 4
    # One read of each table (the written-out SQL is counted like the ORM's).
    tables = [re.search(r'FROM "?(\w+)', query["sql"]).group(1) for query in few.captured_queries]
    assert sorted(tables) == sorted(
        [
            "indicators_servicearea",
            "indicators_indicator",
            "indicators_performancesettings",
            "indicators_indicatorvalue",
            "indicators_target",
            "indicators_commentary",
        ]
    )

    _make_many(people, make_indicator, 27, "T")
    with django_assert_num_queries(len(few.captured_queries)):
        large = performance_report(period_code="2024/25 Q1")
    assert len(large.rows) == 32
    assert Indicator.objects.count() == 32 and IndicatorValue.objects.count() > 90


def test_pis_of_each_frequency_and_year_to_date_setting_are_read_over_their_own_periods(
    in_alpha, people, make_indicator
):
    # The report works out one plan per (period type, year to date), shared by the PIs that
    # have it: PIs of different kinds in one report must each still get their own periods.
    quarterly = make_indicator(code="K 1", unit_kind="number", rollup_rule="sum")
    quarterly_ytd = make_indicator(
        code="K 2", unit_kind="number", rollup_rule="sum", year_to_date=True
    )
    monthly = make_indicator(code="K 3", frequency="monthly", unit_kind="number", rollup_rule="sum")
    monthly_ytd = make_indicator(
        code="K 4", frequency="monthly", unit_kind="number", rollup_rule="sum", year_to_date=True
    )
    for pi, values in ((quarterly, ("5", "7")), (quarterly_ytd, ("5", "7"))):
        enter(people, pi, "2023/24 Q2", "3")
        enter(people, pi, "2024/25 Q1", values[0])
        enter(people, pi, "2024/25 Q2", values[1])
    months = ("2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09")
    for month, value in zip(months, ("1", "2", "3", "4", "5", "6"), strict=True):
        enter(people, monthly, month, value)
    for month, value in zip(months, ("10", "20", "30", "40", "50", "60"), strict=True):
        enter(people, monthly_ytd, month, value)
    target_set(actor=people.officer, indicator=monthly, period_code="2024/25 Q2", value="14")

    rows = {
        r.indicator.code: r
        for r in performance_report(period_code="2024/25 Q2", today=date(2024, 12, 1)).rows
    }

    def readings(code):
        row = rows[code]
        return [
            (reading.period.code, reading.value)
            for reading in (row.current, row.previous, row.last_year)
        ]

    assert readings("K 1") == [
        ("2024/25 Q2", Decimal("7")),
        ("2024/25 Q1", Decimal("5")),
        ("2023/24 Q2", Decimal("3")),
    ]
    # Year to date: Q2 is Q1 + Q2; Q1 is itself; last year's Q1 is missing (incomplete).
    assert readings("K 2") == [
        ("2024/25 Q2", Decimal("12")),
        ("2024/25 Q1", Decimal("5")),
        ("2023/24 Q2", Decimal("3")),
    ]
    assert not rows["K 2"].last_year.complete
    assert readings("K 3") == [
        ("2024/25 Q2", Decimal("15")),
        ("2024/25 Q1", Decimal("6")),
        ("2023/24 Q2", None),
    ]
    assert rows["K 3"].target == Decimal("14") and rows["K 3"].status == "on_target"
    assert rows["K 3"].last_year.state == "missing"
    assert readings("K 4") == [
        ("2024/25 Q2", Decimal("210")),
        ("2024/25 Q1", Decimal("60")),
        ("2023/24 Q2", None),
    ]
    assert rows["K 4"].short_trend == "improving" and rows["K 4"].long_trend == "not_comparable"


def test_the_report_shows_the_newest_commentary_of_the_reported_period(
    in_alpha, people, make_indicator
):
    pi = make_indicator(code="C 1")
    other = make_indicator(code="C 2")
    commentary_add(actor=people.provider, indicator=pi, period_code="2024/25 Q1", text="First")
    commentary_add(actor=people.officer, indicator=pi, period_code="2024/25 Q1", text="Second")
    commentary_add(actor=people.provider, indicator=pi, period_code="2023/24 Q4", text="Older")
    commentary_add(actor=people.provider, indicator=other, period_code="2023/24 Q4", text="Q4")

    rows = {r.indicator.code: r for r in performance_report(period_code="2024/25 Q1").rows}

    assert rows["C 1"].commentary.text == "Second"
    assert rows["C 1"].commentary.author == str(people.officer)
    assert rows["C 2"].commentary is None


def test_a_report_of_one_service_area_reads_only_its_pis(in_alpha, people, make_indicator):
    waste = service_area_create(actor=people.officer, name="Waste")
    roads = service_area_create(actor=people.officer, name="Roads")
    bins = make_indicator(code="S 1", service_area=waste)
    potholes = make_indicator(code="S 2", service_area=roads)
    for pi, value in ((bins, "60"), (potholes, "40")):
        target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="50")
        enter(people, pi, "2024/25 Q1", value)
    commentary_add(actor=people.provider, indicator=bins, period_code="2024/25 Q1", text="Bins")

    report = performance_report(period_code="2024/25 Q1", service_area=waste)

    assert [(r.indicator.code, r.current.value, r.status) for r in report.rows] == [
        ("S 1", Decimal("60"), "on_target")
    ]
    assert report.rows[0].commentary.text == "Bins"
    assert [area.name for area, _ in report.groups] == ["Waste"]
    by_id = performance_report(period_code="2024/25 Q1", indicator_ids=[potholes.pk])
    assert [(r.indicator.code, r.status) for r in by_id.rows] == [("S 2", "off_target")]
    assert performance_report(period_code="2024/25 Q1", indicator_ids=[]).rows == []


def test_retired_pis_are_left_out_unless_asked_for(in_alpha, people, make_indicator):
    kept = make_indicator(code="R 1")
    retired = make_indicator(code="R 2")
    Indicator.objects.filter(pk=retired.pk).update(is_active=False)

    def codes(**options):
        return [
            r.indicator.code for r in performance_report(period_code="2024/25 Q1", **options).rows
        ]

    assert codes() == [kept.code]
    assert codes(include_retired=True) == [kept.code, retired.code]
    assert codes(indicator_ids=[retired.pk]) == []
    assert codes(indicator_ids=[retired.pk], include_retired=True) == [retired.code]
