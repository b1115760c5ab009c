"""Calculated values, roll-ups of sub-periods and year-to-date figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.core.periods import PeriodType, parse_period
from goldenthread.platform.indicators.domain.calculation import (
    CalculationError,
    Rollup,
    RollupResult,
    SubValue,
    calculated_value,
    roll_up,
    roll_up_period,
    year_to_date,
)

D = Decimal
HUNDRED = D("100")


def v(value: str) -> SubValue:
    return SubValue(value=D(value))


def nd(numerator: str, denominator: str) -> SubValue:
    return SubValue(numerator=D(numerator), denominator=D(denominator))


# --- calculated values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "factor", "dp", "expected"),
    [
        ("45", "60", "100", None, "75"),
        ("1", "3", "100", None, "33.33333333333333333333333333"),
        ("1", "3", "100", 1, "33.3"),
        ("2", "3", "100", 1, "66.7"),
        ("1", "8", "100", 1, "12.5"),
        ("1", "16", "100", 1, "6.3"),  # 6.25 half up
        ("1", "16", "100", 2, "6.25"),
        ("7", "2000", "1000", 1, "3.5"),  # a rate per thousand
        ("5", "2", "1", 0, "3"),  # 2.5 half up
        ("0", "40", "100", 1, "0.0"),
        ("-3", "4", "1", None, "-0.75"),
        ("120", "100", "100", 0, "120"),  # over 100% is a value, not an error
    ],
)
def test_calculated_value(numerator, denominator, factor, dp, expected):
    value = calculated_value(
        numerator=D(numerator), denominator=D(denominator), factor=D(factor), decimal_places=dp
    )

    assert value == D(expected)
    assert str(value) == expected


@pytest.mark.parametrize("numerator", ["5", "0"])
def test_a_zero_denominator_is_refused_with_a_clear_message(numerator):
    with pytest.raises(CalculationError) as raised:
        calculated_value(numerator=D(numerator), denominator=D("0.00"), factor=HUNDRED)

    assert "the denominator is zero" in str(raised.value)
    assert f"numerator {numerator}" in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_floats_are_refused():
    with pytest.raises(TypeError, match="the numerator must be a Decimal, not float"):
        calculated_value(numerator=0.1, denominator=D("1"), factor=HUNDRED)


# --- roll-ups ---------------------------------------------------------------------------------

ROLL_UPS = [
    # rule, sub-values, expected count, expected value, complete, present
    (Rollup.SUM, [v("10"), v("20"), v("30")], 3, "60", True, 3),
    (Rollup.SUM, [v("10"), SubValue(), v("30")], 3, "40", False, 2),
    (Rollup.SUM, [v("10"), v("20")], 3, "30", False, 2),
    (Rollup.SUM, [v("0"), v("0"), v("0")], 3, "0", True, 3),  # zeros are values
    (Rollup.AVERAGE, [v("10"), v("20"), v("30")], 3, "20", True, 3),
    (Rollup.AVERAGE, [v("10"), SubValue(), v("30")], 3, "20", False, 2),
    (Rollup.AVERAGE, [v("1"), v("2")], 2, "1.5", True, 2),
    (Rollup.LAST, [v("10"), v("20"), v("30")], 3, "30", True, 3),
    (Rollup.LAST, [v("10"), v("20"), SubValue()], 3, "20", False, 2),
    (Rollup.LAST, [v("10"), v("0"), SubValue()], 3, "0", False, 2),
    # Recomputed: (45 + 10 + 5) / (50 + 20 + 10) = 60 / 80, not the mean of 90, 50 and 50.
    (Rollup.RECOMPUTE, [nd("45", "50"), nd("10", "20"), nd("5", "10")], 3, "75", True, 3),
    (Rollup.RECOMPUTE, [nd("45", "50"), SubValue(), nd("5", "10")], 3,
     "83.33333333333333333333333333", False, 2),
    (Rollup.RECOMPUTE, [nd("0", "50"), nd("0", "0")], 2, "0", True, 2),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "values", "expected_count", "value", "complete", "present"), ROLL_UPS
)
def test_roll_up(rule, values, expected_count, value, complete, present):
    result = roll_up(rule=rule, values=values, factor=HUNDRED, expected_count=expected_count)

    assert result.value == D(value)
    assert result.complete is complete
    assert result.present_count == present
    assert result.expected_count == expected_count


def test_recompute_is_not_the_average_of_the_percentages():
    # Given a busy month at 90% and two quiet months at 50%
    months = [nd("90", "100"), nd("5", "10"), nd("5", "10")]

    recomputed = roll_up(rule=Rollup.RECOMPUTE, values=months, factor=HUNDRED, expected_count=3)
    averaged = roll_up(
        rule=Rollup.AVERAGE,
        values=[v("90"), v("50"), v("50")],
        factor=HUNDRED,
        expected_count=3,
    )

    assert recomputed.value == D("83.33333333333333333333333333")
    assert averaged.value == D("63.33333333333333333333333333")
    assert (recomputed.numerator, recomputed.denominator) == (D("100"), D("120"))


def test_recompute_ignores_a_stale_value_and_uses_numerator_and_denominator():
    months = [SubValue(value=D("99"), numerator=D("1"), denominator=D("2"))]

    result = roll_up(rule=Rollup.RECOMPUTE, values=months, factor=HUNDRED, expected_count=1)

    assert result.value == D("50")


def test_a_roll_up_is_rounded_half_up_when_asked():
    result = roll_up(
        rule=Rollup.AVERAGE,
        values=[v("1"), v("2"), v("2"), v("2")],
        factor=HUNDRED,
        expected_count=4,
        decimal_places=1,
    )

    assert str(result.value) == "1.8"  # 1.75 half up


def test_a_roll_up_with_no_values_has_no_value_and_is_incomplete():
    for rule in Rollup:
        result = roll_up(rule=rule, values=[SubValue()] * 3, factor=HUNDRED, expected_count=3)

        assert result == RollupResult(value=None, complete=False, present_count=0, expected_count=3)


def test_recompute_with_all_denominators_zero_is_refused():
    with pytest.raises(CalculationError, match="the denominator is zero"):
        roll_up(
            rule=Rollup.RECOMPUTE,
            values=[nd("0", "0"), nd("0", "0")],
            factor=HUNDRED,
            expected_count=2,
        )


@pytest.mark.parametrize(
    "broken",
    [
        SubValue(value=D("50")),
        SubValue(numerator=D("5")),
        SubValue(denominator=D("10")),
    ],
)
def test_recompute_refuses_a_sub_period_without_both_parts(broken):
    with pytest.raises(CalculationError, match="sub-period 2: it needs both a numerator and a"):
        roll_up(
            rule=Rollup.RECOMPUTE,
            values=[nd("1", "2"), broken],
            factor=HUNDRED,
            expected_count=3,
        )


@pytest.mark.parametrize(
    ("values", "expected_count", "message"),
    [
        ([v("1")] * 4, 3, "4 sub-period values given where 3 were expected"),
        ([], 0, "at least one expected sub-period, not 0"),
    ],
)
def test_roll_up_refuses_impossible_counts(values, expected_count, message):
    with pytest.raises(ValueError, match=message):
        roll_up(rule=Rollup.SUM, values=values, factor=HUNDRED, expected_count=expected_count)


def test_roll_up_accepts_the_rule_as_its_stored_value():
    result = roll_up(rule="sum", values=[v("1"), v("2")], factor=HUNDRED, expected_count=2)

    assert result.value == D("3")


# --- a period from its sub-periods, and year to date ------------------------------------------

MONTHS = {
    parse_period("2025-01"): v("10"),
    parse_period("2025-02"): v("20"),
    parse_period("2025-03"): v("30"),
    parse_period("2025-04"): v("40"),
    parse_period("2025-05"): v("50"),
    parse_period("2025-07"): v("70"),
}


@pytest.mark.parametrize(
    ("code", "rule", "value", "complete"),
    [
        ("2024/25 Q4", Rollup.SUM, "60", True),
        ("2024/25 Q4", Rollup.AVERAGE, "20", True),
        ("2024/25 Q4", Rollup.LAST, "30", True),
        ("2025/26 Q1", Rollup.SUM, "90", False),  # June missing
        ("2025/26 Q1", Rollup.LAST, "50", False),
        ("2025/26 H1", Rollup.SUM, "160", False),
    ],
)
def test_roll_up_period_uses_only_its_own_sub_periods(code, rule, value, complete):
    result = roll_up_period(
        rule=rule,
        period=parse_period(code),
        sub_type=PeriodType.MONTH,
        values=MONTHS,
        factor=HUNDRED,
    )

    assert result.value == D(value)
    assert result.complete is complete


QUARTERS = {
    parse_period("2024/25 Q4"): SubValue(value=D("999"), numerator=D("9"), denominator=D("9")),
    parse_period("2025/26 Q1"): SubValue(value=D("25"), numerator=D("45"), denominator=D("50")),
    parse_period("2025/26 Q2"): SubValue(value=D("30"), numerator=D("15"), denominator=D("30")),
    parse_period("2025/26 Q4"): SubValue(value=D("40"), numerator=D("40"), denominator=D("40")),
}


@pytest.mark.parametrize(
    ("up_to", "rule", "value", "complete", "expected_count"),
    [
        # The financial year starts afresh in Q1: last year's Q4 never counts.
        ("2025/26 Q1", Rollup.SUM, "25", True, 1),
        ("2025/26 Q2", Rollup.SUM, "55", True, 2),
        ("2025/26 Q2", Rollup.AVERAGE, "27.5", True, 2),
        ("2025/26 Q2", Rollup.LAST, "30", True, 2),
        ("2025/26 Q2", Rollup.RECOMPUTE, "75", True, 2),  # 60 / 80
        ("2025/26 Q3", Rollup.SUM, "55", False, 3),
        ("2025/26 Q4", Rollup.SUM, "95", False, 4),
        ("2024/25 Q4", Rollup.SUM, "999", False, 4),
    ],
)
def test_year_to_date(up_to, rule, value, complete, expected_count):
    result = year_to_date(rule=rule, up_to=parse_period(up_to), values=QUARTERS, factor=HUNDRED)

    assert result.value == D(value)
    assert result.complete is complete
    assert result.expected_count == expected_count


def test_year_to_date_of_a_month_in_an_academic_year():
    months = {parse_period("2025-08"): v("5"), parse_period("2025-09"): v("1")}
    months |= {parse_period("2025-10"): v("2")}

    result = year_to_date(
        rule=Rollup.SUM,
        up_to=parse_period("2025-10"),
        values=months,
        factor=HUNDRED,
        year_type=PeriodType.ACADEMIC_YEAR,
    )

    assert (result.value, result.complete, result.expected_count) == (D("3"), True, 2)
