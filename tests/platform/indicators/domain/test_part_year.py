"""Part years and year-to-date targets: worked examples of `domain.part_year`."""

from decimal import Decimal

import pytest

from goldenthread.platform.core.periods import PeriodType, parse_period, sub_periods
from goldenthread.platform.indicators.domain.calculation import Rollup, SubValue, year_to_date
from goldenthread.platform.indicators.domain.choices import RollupRule, default_rollup_rule
from goldenthread.platform.indicators.domain.part_year import (
    NO_YEAR_TO_DATE_TARGET,
    annual_share,
    combined_target,
    period_target,
    target_for_periods,
    year_of,
)

YEAR = parse_period("2008/09")
Q1, Q2, Q3, Q4 = sub_periods(YEAR, PeriodType.QUARTER)
QUARTERS = (Q1, Q2, Q3, Q4)


def test_a_quarter_belongs_to_its_financial_year():
    assert year_of(Q3) == YEAR and year_of(YEAR) == YEAR
    assert year_of(parse_period("2009-02")) == YEAR


def test_the_annual_target_is_shared_equally_for_a_sum_and_kept_whole_otherwise():
    shares = [
        annual_share(
            annual=Decimal("251500"),
            period=q,
            year_periods=QUARTERS,
            rule=Rollup.SUM,
            decimal_places=0,
        )
        for q in QUARTERS
    ]
    assert shares == [Decimal("62875")] * 4 and sum(shares) == Decimal("251500")
    # 100 in thirds adds up exactly: the rounding is spread, not piled on the last.
    months = sub_periods(Q1, PeriodType.MONTH)
    thirds = [
        annual_share(
            annual=Decimal("100"),
            period=m,
            year_periods=months,
            rule=Rollup.SUM,
            decimal_places=0,
        )
        for m in months
    ]
    assert sum(thirds) == 100 and sorted(thirds) == [33, 33, 34]
    for rule in (Rollup.AVERAGE, Rollup.LAST, Rollup.RECOMPUTE):
        assert annual_share(
            annual=Decimal("80"), period=Q2, year_periods=QUARTERS, rule=rule, decimal_places=1
        ) == Decimal("80.0")


def test_the_2008_09_count_with_only_q2_and_q3_is_a_part_year_rated_on_their_targets():
    """The committee case: Q2 + Q3 = 485,831 was rated against the year's 251,500."""
    profiled = {q: Decimal("62875") for q in QUARTERS}
    result = target_for_periods(
        periods=QUARTERS,
        present=[Q2, Q3],
        rule=Rollup.SUM,
        targets=profiled,
        whole_target=Decimal("251500"),
    )
    assert result.part_year and result.target == Decimal("125750")
    # The whole year is compared with the year's own target.
    whole = target_for_periods(
        periods=QUARTERS,
        present=QUARTERS,
        rule=Rollup.SUM,
        targets=profiled,
        whole_target=Decimal("251500"),
    )
    assert not whole.part_year and whole.target == Decimal("251500")


def test_a_part_year_without_a_profile_has_no_year_to_date_target_unless_the_pi_falls_back():
    unprofiled = target_for_periods(
        periods=QUARTERS,
        present=[Q2, Q3],
        rule=Rollup.SUM,
        targets={},
        whole_target=Decimal("251500"),
        annual=Decimal("251500"),
        year_periods=QUARTERS,
    )
    assert unprofiled.target is None and unprofiled.part_year
    assert unprofiled.words == NO_YEAR_TO_DATE_TARGET == "No year-to-date target"
    fallen_back = target_for_periods(
        periods=QUARTERS,
        present=[Q2, Q3],
        rule=Rollup.SUM,
        targets={Q2: Decimal("70000")},  # Q2's own target wins; Q3 takes an equal share
        whole_target=Decimal("251500"),
        annual=Decimal("251500"),
        year_periods=QUARTERS,
        use_annual=True,
        decimal_places=0,
    )
    assert fallen_back.target == Decimal("132875") and fallen_back.part_year


@pytest.mark.parametrize(
    ("rule", "targets", "expected"),
    [
        (Rollup.SUM, [10, 20, 30], 60),
        (Rollup.AVERAGE, [10, 20, 30], 20),
        (Rollup.RECOMPUTE, [70, 80, 90], 80),
        (Rollup.LAST, [10, 20, 30], 30),
    ],
)
def test_periods_targets_combine_like_their_values(rule, targets, expected):
    assert combined_target([Decimal(t) for t in targets], rule) == Decimal(expected)
    assert combined_target([Decimal(1), None], rule) is None


def test_an_average_percentage_part_year_uses_the_annual_figure_when_the_pi_falls_back():
    result = target_for_periods(
        periods=QUARTERS,
        present=[Q1, Q2],
        rule=Rollup.AVERAGE,
        targets={},
        annual=Decimal("80"),
        year_periods=QUARTERS,
        use_annual=True,
        decimal_places=1,
    )
    assert result.part_year and result.target == Decimal("80.0")


def test_cumulative_targets_of_a_year_to_date_pi_give_each_period_its_own_share():
    running = {Q1: Decimal(25), Q2: Decimal(50), Q3: Decimal(75), Q4: Decimal(100)}

    def share(q):
        return period_target(
            period=q, targets=running, rule=Rollup.SUM, cumulative=True, year_periods=QUARTERS
        )

    assert [share(q) for q in QUARTERS] == [25, 25, 25, 25]
    # Q1 missing: Q2 + Q3 are compared with 50, not with Q3's running 75.
    result = target_for_periods(
        periods=[Q1, Q2, Q3],
        present=[Q2, Q3],
        rule=Rollup.SUM,
        targets=running,
        whole_target=Decimal(75),
        cumulative=True,
        year_periods=QUARTERS,
    )
    assert result.target == Decimal(50) and result.part_year


@pytest.mark.parametrize(
    ("rule", "value", "complete"),
    [
        (Rollup.SUM, Decimal("485831"), False),
        (Rollup.AVERAGE, Decimal("242915.5"), False),
        (Rollup.LAST, Decimal("245831"), False),
    ],
)
def test_year_to_date_values_of_a_part_year(rule, value, complete):
    values = {Q2: SubValue(Decimal("240000")), Q3: SubValue(Decimal("245831"))}
    result = year_to_date(rule=rule, up_to=Q3, values=values, factor=Decimal(1))
    assert result.value == value and result.complete is complete
    assert (result.present_count, result.expected_count) == (2, 3)


def test_a_ratio_part_year_is_recomputed_from_its_numerators_and_denominators():
    values = {
        Q2: SubValue(Decimal("90"), Decimal("90"), Decimal("100")),
        Q3: SubValue(Decimal("10"), Decimal("10"), Decimal("100")),
    }
    result = year_to_date(
        rule=Rollup.RECOMPUTE, up_to=Q3, values=values, factor=Decimal(100), decimal_places=1
    )
    assert result.value == Decimal("50.0") and not result.complete


@pytest.mark.parametrize(
    ("unit", "calculated", "rule"),
    [
        ("number", False, RollupRule.SUM),
        ("money", False, RollupRule.SUM),
        ("percentage", True, RollupRule.RECOMPUTE),
        ("percentage", False, RollupRule.AVERAGE),
        ("ratio", False, RollupRule.AVERAGE),
        ("time", False, RollupRule.AVERAGE),
        ("yes_no", False, RollupRule.LAST),
    ],
)
def test_how_periods_combine_by_default(unit, calculated, rule):
    assert default_rollup_rule(is_calculated=calculated, unit_kind=unit) == rule
