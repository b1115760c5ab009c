"""XmR limits and the four Making Data Count rules: worked by hand, and on published examples
(SAS/QC's tyre diameters and a Plot the Dots series, at the end of this module; the MDC team's
own examples are in test_spc_published.py).

Worked example (15 monthly values, used as the baseline throughout):

    x:   10 12 11 13 12 10 11 12 13 11 12 10 12 11 13      sum 173
    mR:     2  1  2  1  2  1  1  1  2  1  2  2  1  2       sum 21

    mean   = 173 / 15        = 11.5333
    mR-bar = 21 / 14         = 1.5
    limits = 11.5333 ± 2.66 × 1.5 = 11.5333 ± 3.99  ->  7.5433 .. 15.5233
    sigma  = 1.5 / 1.128     = 1.3298;  2 sigma = 2.6596  ->  near lines 8.8737 .. 14.1929

None of the rules fires on the baseline: no value beyond a limit, the longest run on one side
of the mean is 2, the longest run of rises is 2 points, and no value passes a 2-sigma line.
Each test then appends values after the baseline, whose limits stay fixed (so each signal is
judged against the same worked limits).
"""

import pytest

from goldenthread.platform.indicators.domain.persistence import off_target_run
from goldenthread.platform.indicators.domain.spc import (
    MINIMUM_POINTS,
    Assurance,
    Rule,
    SpcError,
    Variation,
    xmr,
)

BASE = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 12, 11, 13]


def chart(extra=(), **kwargs):
    return xmr(BASE + list(extra), baseline=(0, len(BASE) - 1), **kwargs)


def flagged(result, rule):
    return [p.index for p in result.points if rule in p.rules]


def test_worked_limits():
    result = xmr(BASE)
    assert result.enough_points
    assert result.mean == pytest.approx(11.5333, abs=1e-4)
    assert result.average_moving_range == pytest.approx(1.5)
    assert result.upper_limit == pytest.approx(15.5233, abs=1e-4)
    assert result.lower_limit == pytest.approx(7.5433, abs=1e-4)
    assert result.upper_near == pytest.approx(14.1929, abs=1e-4)
    assert result.lower_near == pytest.approx(8.8737, abs=1e-4)
    assert [p.moving_range for p in result.points[:4]] == [None, 2, 1, 2]
    assert not any(p.rules for p in result.points)
    assert result.variation is Variation.COMMON_CAUSE


def test_point_outside_limits_by_polarity():
    # 16 > 15.5233: outside the upper limit.
    assert flagged(chart([16], polarity="higher"), Rule.OUTSIDE_LIMITS) == [15]
    assert chart([16], polarity="higher").variation is Variation.IMPROVING
    assert chart([16], polarity="lower").variation is Variation.CONCERNING
    assert chart([16], polarity="none").variation is Variation.NEITHER_HIGH
    # 7 < 7.5433: outside the lower limit; 15.5 is just inside the upper one.
    assert flagged(chart([7], polarity="lower"), Rule.OUTSIDE_LIMITS) == [15]
    assert chart([7], polarity="lower").variation is Variation.IMPROVING
    assert chart([7], polarity="none").variation is Variation.NEITHER_LOW
    assert flagged(chart([15.5]), Rule.OUTSIDE_LIMITS) == []


def test_shift_of_six():
    # The baseline ends on 13 (above the mean, index 14); four more above make a run of 5:
    # not yet a shift. A fifth more (index 19) makes 6 in a row above 11.5333.
    five = [12, 12.5, 12, 13]
    assert flagged(chart(five), Rule.SHIFT) == []
    result = chart([*five, 12.2], polarity="lower")
    assert flagged(result, Rule.SHIFT) == list(range(14, 20))
    assert result.variation is Variation.CONCERNING
    # A value on the mean breaks the run.
    assert flagged(chart([12, 12.5, 173 / 15, 12, 13, 12.2]), Rule.SHIFT) == []


def test_trend_of_six():
    # After 13 the values fall to 9 then rise 9 -> 10 -> 10.5 -> 11 -> 11.8: five rising
    # points, not a trend; one more rise (12) makes six (indices 15..20). The trend crosses
    # the mean (four below, two above), so it is not a shift as well.
    assert flagged(chart([9, 10, 10.5, 11, 11.8]), Rule.TREND) == []
    result = chart([9, 10, 10.5, 11, 11.8, 12], polarity="higher")
    assert flagged(result, Rule.TREND) == list(range(15, 21))
    assert flagged(result, Rule.SHIFT) == []
    assert result.variation is Variation.IMPROVING
    # An equal value breaks a trend.
    assert flagged(chart([9, 10, 10, 11, 11.8, 12]), Rule.TREND) == []
    falling = chart([15, 14, 13.5, 12.8, 12.1, 11.9], polarity="higher")
    assert flagged(falling, Rule.TREND) == list(range(15, 21))
    assert falling.variation is Variation.CONCERNING


def test_two_of_three_near_a_limit():
    # 14.5 and 14.6 are beyond the upper 2-sigma line (14.1929) within three points.
    result = chart([14.5, 12, 14.6], polarity="higher")
    assert flagged(result, Rule.TWO_OF_THREE) == [15, 17]
    assert flagged(result, Rule.OUTSIDE_LIMITS) == []
    assert result.variation is Variation.IMPROVING
    # Opposite sides do not count together; one near point alone does not either.
    assert flagged(chart([14.5, 8.5, 12]), Rule.TWO_OF_THREE) == []
    assert flagged(chart([14.5, 12, 12, 14.6]), Rule.TWO_OF_THREE) == []
    # All three points must be on the near points' side of the mean: 11 (below 11.5333) in
    # place of 12 leaves 14.5 and 14.6 without a signal.
    assert flagged(chart([14.5, 11, 14.6]), Rule.TWO_OF_THREE) == []
    low = chart([11, 8.5, 8.7], polarity="higher")
    assert flagged(low, Rule.TWO_OF_THREE) == [16, 17]
    assert low.variation is Variation.CONCERNING
    # The last two near points with 13 (above the mean) before them: no three on one side.
    assert flagged(chart([8.5, 8.7]), Rule.TWO_OF_THREE) == []


def test_a_point_beyond_the_limit_does_not_count_towards_two_of_three():
    # 14.5 is near the upper limit, 16 beyond it: the 16 is an outside-limits signal only,
    # and one near point is not two of three.
    result = chart([14.5, 16, 12])
    assert flagged(result, Rule.OUTSIDE_LIMITS) == [16]
    assert flagged(result, Rule.TWO_OF_THREE) == []


def test_signal_earlier_but_latest_common_cause():
    result = chart([16, 12], polarity="higher")
    assert flagged(result, Rule.OUTSIDE_LIMITS) == [15]
    assert result.variation is Variation.COMMON_CAUSE


@pytest.mark.parametrize(
    ("polarity", "target", "expected"),
    [
        ("higher", 7, Assurance.CONSISTENTLY_MET),  # below the lower limit 7.5433
        ("higher", 16, Assurance.CONSISTENTLY_MISSED),  # above the upper limit 15.5233
        ("higher", 12, Assurance.HIT_AND_MISS),
        ("lower", 16, Assurance.CONSISTENTLY_MET),
        ("lower", 7, Assurance.CONSISTENTLY_MISSED),
        ("lower", 12, Assurance.HIT_AND_MISS),
        ("none", 12, Assurance.NOT_APPLICABLE),
        ("higher", None, Assurance.NOT_APPLICABLE),
    ],
)
def test_assurance(polarity, target, expected):
    assert xmr(BASE, polarity=polarity, target=target).assurance is expected


def test_not_enough_points():
    result = xmr(BASE[: MINIMUM_POINTS - 1] + [], polarity="higher", target=1)
    assert not result.enough_points
    assert result.mean is None and result.upper_limit is None
    assert result.variation is Variation.NOT_ENOUGH_POINTS
    assert result.variation_presentation.label == "Not enough points for SPC"
    assert result.assurance is Assurance.NOT_APPLICABLE
    assert not any(p.rules for p in result.points)


def test_baseline_limits_extend_and_are_checked():
    # Limits from the first 15 only; a later step change to ~20 is all outside the limits.
    result = xmr(BASE + [20] * 10, baseline=(0, 14))
    assert result.upper_limit == pytest.approx(15.5233, abs=1e-4)
    assert [p.in_baseline for p in result.points].count(True) == 15
    assert flagged(result, Rule.OUTSIDE_LIMITS) == list(range(15, 25))
    with pytest.raises(SpcError, match="at least 15"):
        xmr(BASE + [20] * 10, baseline=(0, 13))
    with pytest.raises(SpcError, match="within the series"):
        xmr(BASE + [20] * 10, baseline=(5, 30))


def test_off_target_run():
    assert off_target_run([]) == 0
    assert off_target_run(["on_target", "off_target", "off_target"]) == 2
    # Not due periods are passed over; a missing value ends the run.
    assert off_target_run(["off_target", "not_due", "off_target", None]) == 2
    assert off_target_run(["off_target", "missing", "off_target"]) == 1
    assert off_target_run(["off_target", "warning"]) == 0


# --- A published example ------------------------------------------------------------------
# SAS/QC User's Guide, "Example 9.4 Displaying Individual Measurements on an EWMA Chart"
# (https://support.sas.com/documentation/cdl/en/qcug/63964/HTML/default/
# qcug_macontrol_a0000000363.htm): the diameters of the steel belts of 30 tyres, and the
# limits SAS's IRCHART statement prints for them (Output 9.4.1): mean 24.0083, average moving
# range 0.056897, individuals limits 23.8571 and 24.1596, sigma 0.050423. SAS multiplies
# the average moving range by 3 / d2 = 2.6587; Wheeler and Making Data Count round that to
# 2.66, which moves the limits by 0.000075; with the half unit of SAS's printing (0.00005),
# our limits agree with the printed ones to within 0.000125.
TYRES = [
    24.05, 23.99, 23.95, 23.93, 23.97, 24.02, 24.06, 24.10, 23.98, 24.03,
    23.91, 24.06, 24.06, 23.96, 23.98, 24.06, 24.01, 24.00, 23.93, 23.92,
    24.09, 24.11, 24.05, 23.98, 23.98, 24.06, 24.02, 24.06, 23.97, 23.96,
]  # fmt: skip


def test_the_published_sas_tyre_example_gives_its_printed_mean_and_limits():
    result = xmr(TYRES)
    assert result.mean == pytest.approx(24.0083, abs=0.00005)
    assert result.average_moving_range == pytest.approx(0.056897, abs=0.0000005)
    assert result.lower_limit == pytest.approx(23.8571, abs=0.000125)
    assert result.upper_limit == pytest.approx(24.1596, abs=0.000125)
    # With SAS's exact constant, the printed limits exactly (to their printed places).
    exact = 3 / 1.128379 * result.average_moving_range
    assert round(result.mean - exact, 4) == 23.8571 and round(result.mean + exact, 4) == 24.1596
    # Sigma from the average moving range, as SAS's _STDDEV_ (d2 = 1.128).
    assert (result.upper_near - result.mean) / 2 == pytest.approx(0.050423, abs=0.00002)
    # Every diameter lies between the printed limits, so no point is outside them.
    assert not flagged(result, Rule.OUTSIDE_LIMITS)


def test_the_published_limits_judge_new_tyres_by_each_rule():
    """The tyres' published limits as the baseline, then later tyres showing each signal."""
    # One tyre beyond the printed upper limit 24.1596.
    assert flagged(xmr([*TYRES, 24.17], baseline=(0, 29)), Rule.OUTSIDE_LIMITS) == [30]
    # Six tyres in a row above the printed mean 24.0083 (a shift).
    shifted = xmr([*TYRES, *[24.03] * 6], baseline=(0, 29))
    assert 35 in flagged(shifted, Rule.SHIFT)
    # Six rises in a row, all within the limits (a trend).
    rising = xmr([*TYRES, 23.90, 23.92, 23.94, 23.96, 23.98, 24.00], baseline=(0, 29))
    assert 35 in flagged(rising, Rule.TREND)
    # Two of three tyres beyond 2 sigma (24.0083 + 2 x 0.0504 = 24.1092) but inside 24.1596,
    # the third above the mean too.
    near = xmr([*TYRES, 24.12, 24.05, 24.13], baseline=(0, 29))
    assert 32 in flagged(near, Rule.TWO_OF_THREE)
    assert flagged(near, Rule.OUTSIDE_LIMITS) == []


# --- a published rule outcome: NHS-R's "Plot the Dots" (NHSRplotthedots) -----------------------
#
# NHSRplotthedots is the NHS-R Community's R package for Making Data Count charts. Its test
# suite (tests/testthat/test-ptd_spc_standard.R, the test that "only reports special cause for
# 2 of 3 points close to limits when they are on the same side of the mean", added with the
# fix its 0.2.2 release notes give as issue #143) publishes a series and its expected outcome:
# sixteen values alternating 1, -1, with the 15th set to 5.5 and the 16th to -5.5; both last
# points are expected to be common cause. Worked here (no outlier screening, as ours):
#
#     mean   = 0 (the fourteen alternating values sum to 0, and 5.5 - 5.5 = 0)
#     mR     = 2 thirteen times, then |5.5 - (-1)| = 6.5 and |-5.5 - 5.5| = 11: sum 43.5
#     mR-bar = 43.5 / 15 = 2.9;  limits ±2.66 x 2.9 = ±7.714;  2 sigma = 2 x 2.9 / 1.128 = ±5.142
#
# So 5.5 is beyond the upper 2-sigma line and -5.5 beyond the lower one, both inside the
# limits: one point beyond each line is not two of three on the same side. (With the
# package's default outlier screening, mR-bar = 32.5 / 14 = 2.321 and the outcome is the same.)
PLOT_THE_DOTS_2_IN_3 = [1, -1] * 7 + [5.5, -5.5]


def test_the_published_plot_the_dots_series_two_of_three_needs_one_side():
    result = xmr(PLOT_THE_DOTS_2_IN_3)
    assert result.mean == pytest.approx(0)
    assert result.average_moving_range == pytest.approx(2.9)
    assert result.upper_near == pytest.approx(5.1418, abs=1e-4)
    assert result.upper_limit == pytest.approx(7.714)
    # As published: the last two points are common cause, and so is every other.
    assert not any(point.rules for point in result.points)
    assert result.variation is Variation.COMMON_CAUSE
    # Our check that the rule itself is alive on this series: two 5.5s with a 1 between them
    # (all three above the mean, 12 / 17 = 0.706) are two of three beyond the upper 2-sigma
    # line (0.706 + 2 x (41.5 / 16) / 1.128 = 5.305), inside the limit (7.61).
    same_side = xmr([1, -1] * 7 + [5.5, 1, 5.5])
    assert flagged(same_side, Rule.TWO_OF_THREE) == [14, 16]
