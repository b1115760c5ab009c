"""XmR limits, each special-cause rule and both summaries reproduced from published worked
examples with data.

The main source is the Making Data Count (MDC) team's testing document, "SPC Charts – XmR
Testing": checks that a locally made XmR chart gives the same output as MDC's Single Chart Tool
v5.0, each a short series with its chart. The original sits in MDC's FutureNHS workspace (behind
a login; MDC's Matthew Callus described it in NHSRplotthedots issue #194, December 2023). A
public transcription is in the NHS Digital repository github.com/NHSDigital/fdp-react-design-system,
under src/components/DataVisualisation/charts/SPC/SPCChart/test-data/:
"SPC-Charts-XmR-Testing.md" (the document's text and series, commit
330ba8a1370cd015959f8593905c65d4e22c8447) and "Test Data.csv" (each series with the colour of
every point on the tool's chart, commit 813071a8e5b10891ae276e0cf77e08e3f6d8ca68). The document
sets shift and trend to 6 points ("usually set to at least 6 points but may be set to at least
7"), improvement upwards unless stated.

MDC colours a point blue for special cause improvement, orange for concern, purple for special
cause where the measure has no better direction, grey for common cause. Here each point becomes
one letter: I (improvement), C (concern), N (neither), "." (common cause). Where a point carries
signals both ways (only a trend can cross the mean, so only a trend causes this), MDC's tool
shows improvement; `colours` does the same, so that the tool's charts can be compared point by
point. (Our variation summary resolves such a conflict on the latest point towards concern;
the document allows either.)

Points are numbered from 0 here; the document numbers them from 1.
"""

import pytest

from goldenthread.platform.indicators.domain.spc import (
    Assurance,
    Rule,
    Variation,
    xmr,
)


def colours(result, polarity):
    good = {"higher": "high", "lower": "low"}.get(polarity)
    letters = []
    for point in result.points:
        directions = result.directions.get(point.index, set())
        if not directions:
            letters.append(".")
        elif good is None:
            letters.append("N")
        else:
            letters.append("I" if good in directions else "C")
    return "".join(letters)


def flagged(result, rule):
    return [p.index for p in result.points if rule in p.rules]


# --- Process limits ---------------------------------------------------------------------------
# "Process limits": 15 points; the document works the limits in its text: the 14 moving ranges
# average 5.43, sigma 5.43 / 1.128 = 4.81, three sigma 14.44; mean 23.20, upper process limit
# 37.64, lower 8.76 (its Excel tool multiplies by 2.66, as we do).
PROCESS_LIMITS = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]


def test_mdc_process_limits_example():
    result = xmr(PROCESS_LIMITS)
    assert round(result.mean, 2) == 23.20
    assert round(result.average_moving_range, 2) == 5.43
    assert round(result.average_moving_range / 1.128, 2) == 4.81
    assert round(result.upper_limit - result.mean, 2) == 14.44
    assert round(result.upper_limit, 2) == 37.64
    assert round(result.lower_limit, 2) == 8.76
    assert colours(result, "higher") == "." * 15


# --- Special cause: the four rules ------------------------------------------------------------
# Each series and the colours of its points on the tool's chart ("Test Data.csv"), then which of
# our rules produces each coloured run: every rule is matched to the points the tool colours.
SPECIAL_CAUSE = [8, 27, 32, 26, 20, 21, 23, 21, 23, 22, 26, 23, 20, 20, 29,
                 28, 22, 23, 25, 26, 28, 29, 26, 24, 36, 29, 35, 22, 30, 18]  # fmt: skip


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("higher", "C...CCCCCC......IIIIII..I.I..."),
        ("lower", "I...IIIIII......CCCCCC..C.C..."),
        ("none", "N...NNNNNN......NNNNNN..N.N..."),
    ],
)
def test_mdc_special_cause_colours_by_improvement_direction(polarity, expected):
    """The document's "Special cause" section: one series judged with high, low and no
    better direction."""
    assert colours(xmr(SPECIAL_CAUSE, polarity=polarity), polarity) == expected


def test_mdc_special_cause_series_shows_every_rule():
    result = xmr(SPECIAL_CAUSE)
    # 8 is below the lower limit; 20..22 (points 4-9) are six below the mean 24.73; 22 rising
    # to 29 (points 16-21) is a trend of six; 36 and 35 (points 24, 26) are two of three
    # beyond the upper 2-sigma line, with 29 between them above the mean.
    assert round(result.mean, 2) == 24.73
    assert flagged(result, Rule.OUTSIDE_LIMITS) == [0]
    assert flagged(result, Rule.SHIFT) == [4, 5, 6, 7, 8, 9]
    assert flagged(result, Rule.TREND) == [16, 17, 18, 19, 20, 21]
    assert flagged(result, Rule.TWO_OF_THREE) == [24, 26]


def test_mdc_single_point_examples():
    """The document's "Special cause – single point" section: outside the limits at the ends
    and in the middle."""
    ends = xmr([45, 29, 20, 22, 25, 20, 27, 24, 22, 23, 20, 26, 20, 15, 5], polarity="higher")
    assert colours(ends, "higher") == "I.............C"
    assert flagged(ends, Rule.OUTSIDE_LIMITS) == [0, 14]
    middle = xmr([29, 32, 35, 45, 43, 23, 18, 20, 16, 7, 28, 26, 22, 19, 20], polarity="higher")
    assert colours(middle, "higher") == "...II....C....."
    # 45 and 43 are both above the upper limit (42.44), 7 below the lower one (8.62). Beyond
    # the limit they do not count towards two of three as well.
    assert flagged(middle, Rule.OUTSIDE_LIMITS) == [3, 4, 9]
    assert flagged(middle, Rule.TWO_OF_THREE) == []
    assert ends.variation is Variation.CONCERNING
    assert middle.variation is Variation.COMMON_CAUSE


def test_mdc_shift_examples():
    """The document's "Special cause – shift" section: runs of 6 and 7 on either side of the
    mean, at the ends of the chart and in its middle."""
    ends = xmr([31, 35, 34, 29, 29, 32, 26, 26, 32, 35, 30, 18, 31, 25, 27, 22, 18, 25, 25, 17])
    assert colours(ends, "higher") == "IIIIII.......CCCCCCC"
    assert flagged(ends, Rule.SHIFT) == [0, 1, 2, 3, 4, 5, *range(13, 20)]
    middle = xmr([31, 22, 19, 21, 18, 18, 22, 22, 29, 25, 23, 26, 31, 26, 28, 29, 32, 24, 31, 22])
    assert colours(middle, "higher") == ".CCCCCCC...IIIIII..."
    assert flagged(middle, Rule.SHIFT) == [*range(1, 8), *range(11, 17)]
    # Only the shift signals in these two series.
    for result in (ends, middle):
        assert {rule for point in result.points for rule in point.rules} == {Rule.SHIFT}


def test_mdc_trend_examples():
    """The document's "Special cause – trend" section: six rises and seven falls with no
    pause; a series whose runs are broken by repeated values ("pauses") has no trend."""
    rising_then_falling = [11, 14, 18, 20, 22, 23, 18, 21, 17, 23,
                           26, 20, 16, 25, 23, 22, 19, 16, 15, 12]  # fmt: skip
    no_pauses = xmr(rising_then_falling)
    assert colours(no_pauses, "higher") == "IIIIII.......CCCCCCC"
    assert flagged(no_pauses, Rule.TREND) == [*range(0, 6), *range(13, 20)]
    # The falling trend (25 down to 12) crosses the mean (19.05): a trend, not a shift.
    assert flagged(no_pauses, Rule.SHIFT) == []
    # The latest point ends the falling trend: a concern where higher is better.
    assert xmr(rising_then_falling, polarity="higher").variation is Variation.CONCERNING
    pauses = xmr([23, 30, 28, 25, 25, 20, 18, 24, 16, 13, 14, 18, 18, 24, 26, 29, 19, 20, 28, 16])
    # 30 28 25 25 20 18 and 13 14 18 18 24 26 29 would be trends but for the repeated 25 and 18.
    assert colours(pauses, "higher") == "." * 20


TWO_SIGMA_1 = [42, 40, 39, 26, 39, 24, 22, 29, 32, 22, 20, 23, 25, 26, 22, 24, 27, 7, 19, 24,
               7, 7, 32]  # fmt: skip


def test_mdc_two_sigma_examples():
    """The document's "Special cause – two-sigma" section: three variants of one series."""
    # 1: 42 40 39 (points 0-2) are beyond the upper 2-sigma line (38.19); with 26 (above the
    # mean 25.13) then 39, points 2-4 count too. 7 at point 17 is beyond the lower line (12.07)
    # but alone in every three; 24 7 7 (points 19-21), all below the mean, signal.
    one = xmr(TWO_SIGMA_1)
    assert colours(one, "higher") == "III.I" + "." * 15 + "CC."
    assert flagged(one, Rule.TWO_OF_THREE) == [0, 1, 2, 4, 20, 21]
    # 2: the second 7 becomes 2, beyond the lower process limit (4.12): it is a single point
    # outside the limits, and does not count towards two of three, so the 7 before it is grey.
    two = xmr([*TWO_SIGMA_1[:21], 2, 32])
    assert colours(two, "higher") == "III.I" + "." * 16 + "C."
    assert flagged(two, Rule.OUTSIDE_LIMITS) == [21]
    assert flagged(two, Rule.TWO_OF_THREE) == [0, 1, 2, 4]
    # 3: 24 in place of 26 (point 3) and 26 in place of 24 (point 19). Each later pair beyond a
    # 2-sigma line now has a point on the other side of the mean (25.13) among any three, so
    # only the opening 42 40 39 signal.
    three = list(TWO_SIGMA_1)
    three[3], three[19] = 24, 26
    result = xmr(three)
    assert colours(result, "higher") == "III" + "." * 20
    assert flagged(result, Rule.TWO_OF_THREE) == [0, 1, 2]


# --- Special cause conflict -------------------------------------------------------------------
# "Special cause conflict": points 0-7 fall and 7-13 rise; the document explains which colour
# each point takes. High is good: 43 and 41 are above the upper limit, 37 and 36 beyond the
# upper 2-sigma line, 23..23 (points 5-10) six below the mean, so only points 4-6 (the falling
# trend alone, or with the shift below the mean) are orange; the rise 13..36 is blue. Low is
# good: the same points, and the rise (a concern) is orange only where no improvement signal
# shares the point (points 11-13). ("Test Data.csv" also colours point 14, 27, blue in the
# high-is-good chart; no rule reaches that point, the low-is-good chart of the same series
# shows it grey, and the document's text ends the trend at point 13, so we read that as a slip.)
CONFLICT = [43, 41, 37, 36, 31, 23, 15, 13, 15, 18, 23, 27, 31, 36, 27, 19, 17, 27, 15, 22]


def test_mdc_conflict_example():
    high = xmr(CONFLICT, polarity="higher")
    assert colours(high, "higher") == "IIIICCCIIIIIII......"
    low = xmr(CONFLICT, polarity="lower")
    assert colours(low, "lower") == "IIIIIIIIIIICCC......"
    assert flagged(high, Rule.SHIFT) == [5, 6, 7, 8, 9, 10]
    assert flagged(high, Rule.TREND) == list(range(0, 14))


# --- Baseline -----------------------------------------------------------------------------------
# "Baselines": 15 points then 15 higher ones. Over the whole series the first 15 are a shift
# below the mean (concern) and the next 13 one above it (improvement); with the first 15 as the
# baseline, its mean and limits extend over the rest: the first 15 are common cause and every
# later point is improvement.
BASELINE_SERIES = [16, 24, 22, 19, 19, 18, 24, 25, 18, 17, 16, 25, 15, 23, 19,
                   35, 32, 35, 31, 27, 33, 28, 38, 35, 30, 28, 29, 27, 24, 23]  # fmt: skip


def test_mdc_baseline_example():
    whole = xmr(BASELINE_SERIES, polarity="higher")
    assert colours(whole, "higher") == "C" * 15 + "I" * 13 + ".."
    assert whole.variation is Variation.COMMON_CAUSE
    fixed = xmr(BASELINE_SERIES, polarity="higher", baseline=(0, 14))
    assert colours(fixed, "higher") == "." * 15 + "I" * 15
    assert fixed.variation is Variation.IMPROVING


# --- Summary icons ------------------------------------------------------------------------------
# "Summary icons – assurance": the baseline series (no baseline set) with targets of 40, 30 and
# 10. The document's rule: a target within the process limits is hit and miss; outside them it
# is a pass or a fail by the improvement direction; no improvement direction, no assurance.
# The limits are 13.33 and 37.00, so 40 lies above, 30 within and 10 below them.


@pytest.mark.parametrize(
    ("polarity", "target", "expected"),
    [
        ("higher", 40, Assurance.CONSISTENTLY_MISSED),
        ("higher", 30, Assurance.HIT_AND_MISS),
        ("higher", 10, Assurance.CONSISTENTLY_MET),
        ("lower", 40, Assurance.CONSISTENTLY_MET),
        ("lower", 30, Assurance.HIT_AND_MISS),
        ("lower", 10, Assurance.CONSISTENTLY_MISSED),
        ("none", 30, Assurance.NOT_APPLICABLE),
        ("higher", None, Assurance.NOT_APPLICABLE),
    ],
)
def test_mdc_assurance_icons(polarity, target, expected):
    result = xmr(BASELINE_SERIES, polarity=polarity, target=target)
    assert (round(result.lower_limit, 2), round(result.upper_limit, 2)) == (13.33, 37.00)
    assert result.assurance is expected


# "Summary icons – variation": judged on the last point. 17 points, then a last point of 45
# (above the upper limit), 25 (common cause) or 5 (below the lower limit). The opening six
# (16..18) are a shift below the mean in every variant.
VARIATION_OPENING = [16, 20, 22, 18, 21, 18, 26, 28, 24, 26, 19, 18, 25, 32, 43, 28, 22]


@pytest.mark.parametrize(
    ("last", "polarity", "expected_colours", "variation"),
    [
        (45, "higher", "CCCCCC........I..I", Variation.IMPROVING),
        (45, "lower", "IIIIII........C..C", Variation.CONCERNING),
        (45, "none", "NNNNNN........N..N", Variation.NEITHER_HIGH),
        (25, "higher", "CCCCCC........I...", Variation.COMMON_CAUSE),
        (25, "none", "NNNNNN........N...", Variation.COMMON_CAUSE),
        (5, "higher", "CCCCCC........I..C", Variation.CONCERNING),
        (5, "lower", "IIIIII........C..I", Variation.IMPROVING),
    ],
)
def test_mdc_variation_icons(last, polarity, expected_colours, variation):
    result = xmr([*VARIATION_OPENING, last], polarity=polarity)
    assert colours(result, polarity) == expected_colours
    assert result.variation is variation


def test_mdc_too_few_points_shows_no_icons():
    # The document's "too few points" variant: its first 10 points. (MDC's tool draws limits
    # from 13 points; we ask for 15, a larger minimum the document allows.)
    result = xmr(VARIATION_OPENING[:10], polarity="higher", target=30)
    assert result.variation is Variation.NOT_ENOUGH_POINTS
    assert result.assurance is Assurance.NOT_APPLICABLE
    assert not any(point.rules for point in result.points)


# --- NHSRplotthedots: a point outside the limits, worked as MDC's Excel tool does -------------
# NHS-R Community's "Plot the Dots" package, vignette "Deviations from Excel defaults"
# (github.com/nhs-r-community/NHSRplotthedots, vignettes/deviations.Rmd, commit
# 050b07d7eacc011767532732f69b8fd7d6a28fd3, section "1. Treatment of outlying points"): 18
# daily values; with screen_outliers = FALSE ("the same output as Excel"), the chart's caption
# gives an upper process limit of 6.95, mean 1.94 and lower limit -3.06, and its description
# has common cause points before and after a single special cause improvement point (the 10).
# (The package's default screens moving-range outliers and gives 4.6 and -0.72; neither MDC's
# tool nor we screen them.)
PLOT_THE_DOTS_OUTLIER = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_the_plot_the_dots_outlier_example_as_excel_works_it():
    result = xmr(PLOT_THE_DOTS_OUTLIER, polarity="higher")
    assert round(result.upper_limit, 2) == 6.95
    assert round(result.mean, 2) == 1.94
    assert round(result.lower_limit, 2) == -3.06
    assert colours(result, "higher") == "....I" + "." * 13
    assert flagged(result, Rule.OUTSIDE_LIMITS) == [4]
    assert result.variation is Variation.COMMON_CAUSE
