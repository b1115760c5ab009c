"""Year-end forecast (`domain.forecast`), with hand-worked examples."""

from decimal import Decimal

import pytest

from goldenthread.platform.indicators.domain import forecast as fc


def test_sum_divides_the_year_so_far_by_its_past_share():
    # Past years: the first half is 30 of 100 every year, so 20 + 40 = 60 is 30% of 200.
    past = [[10, 20, 30, 40]] * 3
    result = fc.year_end_forecast(
        rule="sum",
        periods_in_year=4,
        year_so_far=[Decimal(20), Decimal(40)],
        past_years=past,
        target=Decimal(150),
    )
    assert result.outturn == pytest.approx(200)
    # Past years fitted the method exactly, so the interval is the point.
    assert (result.low, result.high) == (pytest.approx(200), pytest.approx(200))
    assert result.probability == 1.0
    assert result.words == fc.LIKELY
    assert result.method == "seasonal share of past years"


def test_one_past_year_uses_a_wide_normal_interval():
    # Share 30/100: (12 + 22) / 0.3 = 113.33. Ratios to the past periods 1.2 and 1.1: relative
    # spread 0.0707/1.15 = 0.0615, times the 70% of the year to come, over sqrt(2) periods:
    # 0.0304; t(1 df) 3.078 -> +-9.37%.
    result = fc.year_end_forecast(
        rule="sum", periods_in_year=4, year_so_far=[12, 22], past_years=[[10, 20, 30, 40]]
    )
    assert result.outturn == pytest.approx(113.333, abs=0.001)
    assert result.low == pytest.approx(102.72, abs=0.02)
    assert result.high == pytest.approx(123.95, abs=0.02)
    assert result.probability is None
    assert result.past_years == 1


def test_average_follows_the_past_pattern_at_this_years_level():
    # Past means 51, 61, 71, 81; this year's first quarter 61 runs 10 above, so the rest is
    # 71, 81, 91 and the year's average (61 + 71 + 81 + 91) / 4 = 76.
    result = fc.year_end_forecast(
        rule="average",
        periods_in_year=4,
        year_so_far=[61],
        past_years=[[50, 60, 70, 80], [52, 62, 72, 82]],
        target=90,
        polarity="higher",
    )
    assert result.outturn == pytest.approx(76)
    assert result.words == fc.UNLIKELY
    assert "adjusted to this year's level" in result.method


def test_latest_value_projects_the_last_period():
    # Past last periods 80 and 82 (mean 81); this year runs 5 above the past mean so far.
    result = fc.year_end_forecast(
        rule="last",
        periods_in_year=4,
        year_so_far=[56, 66],
        past_years=[[50, 60, 70, 80], [52, 62, 72, 82]],
        target=90,
        polarity="lower",
    )
    assert result.outturn == pytest.approx(86)
    assert result.probability > 0.5


def test_lower_is_better_reverses_the_probability():
    past = [[10, 20, 30, 40]] * 3
    result = fc.year_end_forecast(
        rule="sum",
        periods_in_year=4,
        year_so_far=[20, 40],
        past_years=past,
        target=150,
        polarity="lower",
    )
    assert result.probability == 0.0
    assert result.words == fc.UNLIKELY


def test_spread_of_past_years_gives_an_uncertain_verdict_near_the_target():
    past = [[10, 20, 30, 40], [12, 18, 33, 37], [9, 22, 28, 41], [11, 19, 31, 39]]
    result = fc.year_end_forecast(
        rule="sum", periods_in_year=4, year_so_far=[10, 20], past_years=past, target=100
    )
    assert result.low < result.outturn < result.high
    assert result.words == fc.UNCERTAIN


def test_no_past_year_is_not_enough_history():
    result = fc.year_end_forecast(
        rule="sum", periods_in_year=4, year_so_far=[1, 2], past_years=[[1, 2, None, 4]]
    )
    assert not result.available
    assert result.words == fc.NOT_ENOUGH_HISTORY


def test_a_whole_year_is_its_actual_outturn():
    result = fc.year_end_forecast(
        rule="sum", periods_in_year=4, year_so_far=[1, 2, 3, 4], past_years=[], target=9
    )
    assert (result.outturn, result.low, result.high) == (10, 10, 10)
    assert result.words == fc.LIKELY


def test_nothing_entered_yet():
    result = fc.year_end_forecast(
        rule="sum", periods_in_year=4, year_so_far=[], past_years=[[1, 2, 3, 4]]
    )
    assert result.words == fc.NO_VALUES_YET


def test_too_many_periods_is_refused():
    with pytest.raises(ValueError, match="5 periods given for a year of 4"):
        fc.year_end_forecast(rule="sum", periods_in_year=4, year_so_far=[1] * 5, past_years=[])


@pytest.mark.parametrize(
    ("probability", "words"), [(0.8, fc.LIKELY), (0.5, fc.UNCERTAIN), (0.2, fc.UNLIKELY)]
)
def test_words_thresholds(probability, words):
    assert fc.words_for(probability) == words
