"""Trends: improving means moving in the better direction, which depends on polarity."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.indicators.domain.status import Polarity
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION, Trend, trend

D = Decimal
UP, DOWN, NONE = Polarity.HIGHER, Polarity.LOWER, Polarity.NONE


def trend_of(current, previous, polarity, dp=1) -> Trend:
    return trend(
        current=None if current is None else D(current),
        previous=None if previous is None else D(previous),
        polarity=polarity,
        decimal_places=dp,
    )


TRENDS = [
    # current, previous, polarity, dp, trend
    ("60", "50", UP, 1, Trend.IMPROVING),
    ("40", "50", UP, 1, Trend.GETTING_WORSE),
    ("60", "50", DOWN, 1, Trend.GETTING_WORSE),
    ("40", "50", DOWN, 1, Trend.IMPROVING),
    ("60", "50", NONE, 1, Trend.INCREASING),
    ("40", "50", NONE, 1, Trend.DECREASING),
    ("50", "50", UP, 1, Trend.NO_CHANGE),
    ("50", "50", DOWN, 1, Trend.NO_CHANGE),
    ("50", "50", NONE, 1, Trend.NO_CHANGE),
    # Equal at the PI's decimal places is no change, whatever the digits beyond.
    ("12.34", "12.30", UP, 1, Trend.NO_CHANGE),
    ("12.34", "12.30", UP, 2, Trend.IMPROVING),
    ("12.34", "12.30", DOWN, 2, Trend.GETTING_WORSE),
    ("12.35", "12.30", UP, 1, Trend.IMPROVING),  # 12.4 against 12.3, half up
    ("12.25", "12.34", NONE, 1, Trend.NO_CHANGE),  # both read 12.3
    ("0.4", "0", DOWN, 0, Trend.NO_CHANGE),
    ("0.5", "0", DOWN, 0, Trend.GETTING_WORSE),
    ("-0.5", "0", UP, 0, Trend.GETTING_WORSE),  # halves away from zero: -1
    ("-1", "-2", UP, 0, Trend.IMPROVING),
    ("-1", "-2", DOWN, 0, Trend.GETTING_WORSE),
    ("0", "0", UP, 0, Trend.NO_CHANGE),
    # Either value missing: nothing to compare.
    (None, "50", UP, 1, Trend.NOT_COMPARABLE),
    ("50", None, DOWN, 1, Trend.NOT_COMPARABLE),
    (None, None, NONE, 1, Trend.NOT_COMPARABLE),
    ("0", None, UP, 1, Trend.NOT_COMPARABLE),
]


@pytest.mark.parametrize(("current", "previous", "polarity", "dp", "expected"), TRENDS)
def test_trend(current, previous, polarity, dp, expected):
    assert trend_of(current, previous, polarity, dp) is expected


def test_polarity_may_be_given_as_its_stored_value():
    assert trend_of("2", "1", "lower") is Trend.GETTING_WORSE


def test_floats_are_refused_because_they_cannot_hold_the_published_value():
    with pytest.raises(TypeError, match="the current value must be a Decimal, not float"):
        trend(current=0.1, previous=D("0"), polarity=UP, decimal_places=1)


def test_negative_decimal_places_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        trend_of("1", "2", UP, dp=-1)


DIRECTION_WITHOUT_POLARITY = {
    Trend.IMPROVING: Trend.INCREASING,
    Trend.GETTING_WORSE: Trend.DECREASING,
    Trend.NO_CHANGE: Trend.NO_CHANGE,
}


@pytest.mark.parametrize("dp", [0, 1, 2])
def test_the_two_polarities_always_disagree_unless_nothing_changed(dp):
    grid = [D(n) / 8 for n in range(-16, 17)]
    opposite = {
        Trend.IMPROVING: Trend.GETTING_WORSE,
        Trend.GETTING_WORSE: Trend.IMPROVING,
        Trend.NO_CHANGE: Trend.NO_CHANGE,
    }
    for current in grid:
        for previous in grid:
            higher = trend_of(current, previous, UP, dp)
            lower = trend_of(current, previous, DOWN, dp)
            none = trend_of(current, previous, NONE, dp)
            assert lower is opposite[higher]
            # Without polarity the words are about direction, and agree with higher-is-better.
            assert none is DIRECTION_WITHOUT_POLARITY[higher]
            # Swapping the two values reverses the trend.
            assert trend_of(previous, current, UP, dp) is opposite[higher]


def test_every_trend_is_presented_with_words_and_an_icon():
    assert set(TREND_PRESENTATION) == set(Trend)
    assert all(p.label and p.icon and p.words for p in TREND_PRESENTATION.values())
    assert TREND_PRESENTATION[Trend.IMPROVING].icon == "arrow-up"
    assert TREND_PRESENTATION[Trend.GETTING_WORSE].icon == "arrow-down"
    assert TREND_PRESENTATION[Trend.NO_CHANGE].icon == "arrow-right"
    assert TREND_PRESENTATION[Trend.NOT_COMPARABLE].label == "No comparable value"
    labels = [p.label for p in TREND_PRESENTATION.values()]
    assert len(set(labels)) == len(labels)
