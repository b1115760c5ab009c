"""Unit cost = spend / activity, only where it means something; cheaper is improving."""

from __future__ import annotations

from decimal import Decimal as D

from goldenthread.platform.indicators.domain.cost import (
    cost_series,
    has_unit_cost,
    unit_cost,
    unit_cost_trend,
)
from goldenthread.platform.indicators.domain.trends import Trend


def test_spend_over_a_count_of_activity_is_the_unit_cost():
    assert unit_cost(measure="spend", unit_kind="number", cost=D("50000"), activity=D("400")) == D(
        "125"
    )


def test_a_unit_cost_measure_is_read_as_it_is():
    assert unit_cost(
        measure="unit_cost", unit_kind="percentage", cost=D("12.5"), activity=None
    ) == D("12.5")


def test_no_activity_or_no_figure_has_no_unit_cost():
    assert unit_cost(measure="spend", unit_kind="number", cost=D("100"), activity=D("0")) is None
    assert unit_cost(measure="spend", unit_kind="number", cost=None, activity=D("4")) is None
    assert unit_cost(measure="spend", unit_kind="number", cost=D("100"), activity=None) is None


def test_spend_beside_a_percentage_has_no_unit_cost():
    assert not has_unit_cost(measure="spend", unit_kind="percentage")
    assert (
        unit_cost(measure="spend", unit_kind="percentage", cost=D("100"), activity=D("50")) is None
    )


def test_the_series_pairs_each_period_with_whatever_figures_exist():
    points = cost_series(
        measure="spend",
        unit_kind="number",
        period_codes=["2024/25 Q1", "2024/25 Q2", "2024/25 Q3"],
        values={"2024/25 Q1": D("200"), "2024/25 Q2": D("250")},
        costs={"2024/25 Q1": D("1000"), "2024/25 Q3": D("900")},
    )
    assert [p.unit_cost for p in points] == [D("5"), None, None]
    assert points[2].cost == D("900") and points[2].value is None


def test_a_falling_unit_cost_is_improving_and_a_rising_one_getting_worse():
    assert unit_cost_trend(current=D("4.99"), previous=D("5")) is Trend.IMPROVING
    assert unit_cost_trend(current=D("5.01"), previous=D("5")) is Trend.GETTING_WORSE
    # Compared to the penny.
    assert unit_cost_trend(current=D("5.001"), previous=D("5")) is Trend.NO_CHANGE
    assert unit_cost_trend(current=None, previous=D("5")) is Trend.NOT_COMPARABLE
