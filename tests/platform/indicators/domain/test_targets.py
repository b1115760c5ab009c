"""Profiling an annual target into quarters and months, flat and cumulative."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.core.periods import PeriodType, parse_period, sub_periods
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.numbers import round_half_up
from goldenthread.platform.indicators.domain.targets import (
    TargetProfileError,
    profile_annual_target,
)

D = Decimal
YEAR = parse_period("2025/26")
QUARTERS = sub_periods(YEAR, PeriodType.QUARTER)
MONTHS = sub_periods(YEAR, PeriodType.MONTH)


def profile(annual, periods, method, rollup=Rollup.SUM, dp=0) -> list[str]:
    result = profile_annual_target(
        annual=D(annual), periods=periods, method=method, rollup=rollup, decimal_places=dp
    )
    assert list(result) == sorted(periods, key=lambda p: p.start)
    return [str(amount) for amount in result.values()]


@pytest.mark.parametrize(
    ("annual", "periods", "dp", "expected"),
    [
        ("100", QUARTERS, 0, ["25", "25", "25", "25"]),
        ("100", QUARTERS[:3], 0, ["33", "34", "33"]),
        ("10", QUARTERS, 0, ["3", "2", "3", "2"]),  # 2.5 steps: rounded running totals
        ("1000", MONTHS, 0, ["83", "84", "83", "83", "84", "83", "83", "84", "83", "83", "84",
                             "83"]),
        ("1000", MONTHS, 2, ["83.33", "83.34", "83.33"] * 4),
        ("100.5", QUARTERS, 1, ["25.1", "25.2", "25.1", "25.1"]),
        ("-40", QUARTERS, 0, ["-10", "-10", "-10", "-10"]),
        ("3", QUARTERS, 0, ["1", "1", "0", "1"]),
        ("0", QUARTERS, 1, ["0.0", "0.0", "0.0", "0.0"]),
        ("7", [QUARTERS[1]], 0, ["7"]),
    ],
)  # fmt: skip
def test_flat_profile_of_a_sum_shares_the_annual_out_and_adds_up_exactly(
    annual, periods, dp, expected
):
    amounts = profile(annual, periods, "flat", dp=dp)

    assert amounts == expected
    assert sum(D(a) for a in amounts) == D(annual)


@pytest.mark.parametrize(
    ("annual", "periods", "dp", "expected"),
    [
        ("100", QUARTERS, 0, ["25", "50", "75", "100"]),
        ("100", QUARTERS[:3], 0, ["33", "67", "100"]),
        ("10", QUARTERS, 1, ["2.5", "5.0", "7.5", "10.0"]),
        ("1000", MONTHS[:3], 0, ["333", "667", "1000"]),
    ],
)
def test_cumulative_profile_of_a_sum_runs_up_to_the_annual(annual, periods, dp, expected):
    amounts = profile(annual, periods, "cumulative", dp=dp)

    assert amounts == expected
    assert D(amounts[-1]) == D(annual)


@pytest.mark.parametrize("rollup", [Rollup.AVERAGE, Rollup.LAST, Rollup.RECOMPUTE])
@pytest.mark.parametrize("method", ["flat", "cumulative"])
def test_a_profile_of_a_pi_that_does_not_add_up_carries_the_annual_figure(rollup, method):
    assert profile("80", QUARTERS, method, rollup=rollup, dp=1) == ["80.0"] * 4


def test_the_annual_figure_is_taken_at_the_pis_decimal_places_first():
    assert profile("99.95", QUARTERS[:1], "flat", rollup=Rollup.AVERAGE, dp=1) == ["100.0"]
    assert profile("10.5", QUARTERS[:2], "flat", dp=0) == ["6", "5"]  # 11 shared out


def test_periods_given_out_of_order_are_profiled_in_date_order():
    shuffled = [QUARTERS[3], QUARTERS[0], QUARTERS[2], QUARTERS[1]]

    result = profile_annual_target(
        annual=D("100"), periods=shuffled, method="cumulative", rollup=Rollup.SUM, decimal_places=0
    )

    assert [(p.code, str(t)) for p, t in result.items()] == [
        ("2025/26 Q1", "25"),
        ("2025/26 Q2", "50"),
        ("2025/26 Q3", "75"),
        ("2025/26 Q4", "100"),
    ]


@pytest.mark.parametrize("count", range(1, 14))
@pytest.mark.parametrize("dp", [0, 1, 2])
def test_flat_shares_always_add_up_and_differ_by_at_most_one_unit(count, dp):
    periods = sub_periods(YEAR, PeriodType.WEEK)[:count]
    unit = D(1).scaleb(-dp)
    for annual in (D("1"), D("7"), D("100"), D("1234.5"), D("99999"), D("-17")):
        shares = [D(a) for a in profile(annual, periods, "flat", dp=dp)]
        # (1234.5 at 0 dp is shared out as 1235.)
        assert sum(shares) == round_half_up(annual, dp)
        assert max(shares) - min(shares) <= unit
        cumulative = [D(a) for a in profile(annual, periods, "cumulative", dp=dp)]
        # The cumulative profile is the running total of the flat one.
        running = [sum(shares[: k + 1]) for k in range(len(shares))]
        assert cumulative == running


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"periods": []}, "no periods to profile"),
        ({"periods": [QUARTERS[0], MONTHS[0]]}, r"different types \(month, quarter\)"),
        ({"periods": [QUARTERS[0], QUARTERS[0]]}, "the same period twice"),
        ({"method": "seasonal"}, "flat or cumulative, not 'seasonal'"),
        ({"annual": 100.0}, "the annual target must be a Decimal, not float"),
    ],
)
def test_impossible_profiles_are_refused_naming_the_problem(kwargs, message):
    arguments = {
        "annual": D("100"),
        "periods": QUARTERS,
        "method": "flat",
        "rollup": Rollup.SUM,
        "decimal_places": 0,
    } | kwargs

    with pytest.raises((TargetProfileError, TypeError), match=message):
        profile_annual_target(**arguments)
