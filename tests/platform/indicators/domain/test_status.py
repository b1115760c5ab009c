"""Status against target: both polarities, tolerance edges, rounding, bands and value states."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.indicators.domain.status import (
    STATUS_PRESENTATION,
    Band,
    Polarity,
    Status,
    StatusResult,
    Tolerance,
    assess,
)

D = Decimal
ON, WARN, OFF = Status.ON_TARGET, Status.WARNING, Status.OFF_TARGET
UP, DOWN, NONE = Polarity.HIGHER, Polarity.LOWER, Polarity.NONE
FIVE_PERCENT = Tolerance()
ABS_2 = Tolerance("absolute", D("2"))


def status_of(value, target, polarity, tolerance=FIVE_PERCENT, dp=1, **kwargs) -> Status:
    return assess(
        value=None if value is None else D(value),
        target=None if target is None else D(target),
        polarity=polarity,
        tolerance=tolerance,
        decimal_places=dp,
        **kwargs,
    ).status


AGAINST_TARGET = [
    # value, target, polarity, tolerance, dp, status, warning threshold
    # Higher is better, target 80, 5% -> warning down to 76.
    ("85", "80", UP, FIVE_PERCENT, 1, ON, "76"),
    ("80", "80", UP, FIVE_PERCENT, 1, ON, "76"),
    ("79.9", "80", UP, FIVE_PERCENT, 1, WARN, "76"),
    ("76", "80", UP, FIVE_PERCENT, 1, WARN, "76"),
    ("75.9", "80", UP, FIVE_PERCENT, 1, OFF, "76"),
    ("75.99", "80", UP, FIVE_PERCENT, 2, OFF, "76"),
    ("75.95", "80", UP, FIVE_PERCENT, 1, WARN, "76"),  # reads 76.0
    ("0", "80", UP, FIVE_PERCENT, 1, OFF, "76"),
    # Rounding at the PI's decimal places, half up.
    ("79.95", "80", UP, FIVE_PERCENT, 1, ON, "76"),
    ("79.95", "80", UP, FIVE_PERCENT, 2, WARN, "76"),
    ("79.94", "80", UP, FIVE_PERCENT, 1, WARN, "76"),
    ("79.5", "80", UP, FIVE_PERCENT, 0, ON, "76"),
    ("79.49", "80", UP, FIVE_PERCENT, 0, WARN, "76"),
    ("80", "80.04", UP, FIVE_PERCENT, 1, ON, "76.000"),  # target compared as 80.0
    ("80", "80.05", UP, FIVE_PERCENT, 1, WARN, "76.095"),  # target compared as 80.1
    # Lower is better, target 20 days, 5% -> warning up to 21.
    ("15", "20", DOWN, FIVE_PERCENT, 1, ON, "21"),
    ("20", "20", DOWN, FIVE_PERCENT, 1, ON, "21"),
    ("20.1", "20", DOWN, FIVE_PERCENT, 1, WARN, "21"),
    ("21", "20", DOWN, FIVE_PERCENT, 1, WARN, "21"),
    ("21.1", "20", DOWN, FIVE_PERCENT, 1, OFF, "21"),
    ("21.04", "20", DOWN, FIVE_PERCENT, 1, WARN, "21"),  # reads 21.0
    ("21.05", "20", DOWN, FIVE_PERCENT, 1, OFF, "21"),  # reads 21.1
    ("20.05", "20", DOWN, FIVE_PERCENT, 2, WARN, "21"),
    ("20.04", "20", DOWN, FIVE_PERCENT, 1, ON, "21"),  # reads 20.0
    # Absolute tolerance, in the PI's unit.
    ("78", "80", UP, ABS_2, 1, WARN, "78"),
    ("77.9", "80", UP, ABS_2, 1, OFF, "78"),
    ("22", "20", DOWN, ABS_2, 1, WARN, "22"),
    ("22.1", "20", DOWN, ABS_2, 1, OFF, "22"),
    # Relative and absolute disagree: 5% of 200 is 10, absolute 5 is 5.
    ("192", "200", UP, FIVE_PERCENT, 0, WARN, "190"),
    ("192", "200", UP, Tolerance("absolute", D("5")), 0, OFF, "195"),
    ("208", "200", DOWN, FIVE_PERCENT, 0, WARN, "210"),
    ("208", "200", DOWN, Tolerance("absolute", D("5")), 0, OFF, "205"),
    # A configured relative tolerance other than 5%.
    ("89", "100", UP, Tolerance("relative", D("10")), 0, OFF, "90"),
    ("90", "100", UP, Tolerance("relative", D("10")), 0, WARN, "90"),
    # No tolerance at all: anything worse than target is off target.
    ("79.9", "80", UP, Tolerance("relative", D("0")), 1, OFF, "80"),
    ("20.1", "20", DOWN, Tolerance("absolute", D("0")), 1, OFF, "20"),
    # A zero target: 5% of nothing is nothing, so relative tolerance gives no warning band.
    ("0", "0", DOWN, FIVE_PERCENT, 0, ON, "0"),
    ("1", "0", DOWN, FIVE_PERCENT, 0, OFF, "0"),
    ("-1", "0", UP, FIVE_PERCENT, 0, OFF, "0"),
    ("1", "0", DOWN, ABS_2, 0, WARN, "2"),
    ("2", "0", DOWN, ABS_2, 0, WARN, "2"),
    ("3", "0", DOWN, ABS_2, 0, OFF, "2"),
    # A negative target (a net reduction) still gets a positive tolerance.
    ("-10.5", "-10", UP, FIVE_PERCENT, 1, WARN, "-10.5"),
    ("-10.6", "-10", UP, FIVE_PERCENT, 1, OFF, "-10.5"),
    ("-9.5", "-10", DOWN, FIVE_PERCENT, 1, WARN, "-9.5"),
    ("-9.4", "-10", DOWN, FIVE_PERCENT, 1, OFF, "-9.5"),
]


@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "dp", "expected", "threshold"), AGAINST_TARGET
)
def test_assess_against_a_target(value, target, polarity, tolerance, dp, expected, threshold):
    # When
    result = assess(
        value=D(value), target=D(target), polarity=polarity, tolerance=tolerance, decimal_places=dp
    )

    # Then
    assert result.status is expected
    assert result.warning_threshold == D(threshold)
    assert result.tolerance == tolerance
    assert result.polarity is polarity


def test_the_result_keeps_everything_needed_to_redraw_history():
    result = assess(
        value=D("77.25"), target=D("80"), polarity=UP, tolerance=FIVE_PERCENT, decimal_places=2
    )

    assert result == StatusResult(
        status=WARN,
        target=D("80.00"),
        warning_threshold=D("76.00"),
        tolerance=Tolerance("relative", D("5")),
        polarity=UP,
    )
    assert str(result.target) == "80.00"


@pytest.mark.parametrize(
    ("value", "target", "polarity"),
    [
        ("50", None, UP),
        ("50", None, DOWN),
        ("50", None, NONE),
        ("50", "80", NONE),
        ("0", "0", NONE),
    ],
)
def test_without_a_target_or_polarity_a_value_is_data_only(value, target, polarity):
    result = assess(
        value=D(value),
        target=None if target is None else D(target),
        polarity=polarity,
        tolerance=FIVE_PERCENT,
        decimal_places=1,
    )

    assert result.status is Status.DATA_ONLY
    assert result.warning_threshold is None
    assert result.tolerance is None
    assert result.target == (None if target is None else D(target))


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("not_due", Status.NOT_DUE),
        ("missing", Status.MISSING),
        ("not_collected", Status.NOT_COLLECTED),
        ("not_applicable", Status.NOT_APPLICABLE),
    ],
)
@pytest.mark.parametrize("value", [None, D("0"), D("95")])
def test_a_value_state_is_its_own_status_and_is_not_zero(state, expected, value):
    # Given a PI with a target, and a period marked with a state (perhaps with a stray number)
    result = assess(
        value=value,
        target=D("80"),
        polarity=UP,
        tolerance=FIVE_PERCENT,
        decimal_places=1,
        value_state=state,
    )

    # Then the state decides, and the thresholds are still recorded
    assert result.status is expected
    assert result.warning_threshold == D("76")


def test_an_entered_state_without_a_value_is_missing():
    result = assess(
        value=None, target=D("80"), polarity=UP, tolerance=FIVE_PERCENT, decimal_places=1
    )

    assert result.status is Status.MISSING


def test_a_missing_value_of_a_data_only_pi_is_still_missing():
    assert status_of(None, None, NONE, value_state="missing") is Status.MISSING


def test_an_unknown_value_state_is_refused_with_the_states_expected():
    with pytest.raises(ValueError, match="unknown value state 'late'; expected one of entered"):
        status_of("1", "2", UP, value_state="late")


def test_a_value_state_from_a_choices_enum_is_accepted():
    from enum import StrEnum

    class ValueState(StrEnum):
        NOT_DUE = "not_due"

    assert status_of(None, "80", UP, value_state=ValueState.NOT_DUE) is Status.NOT_DUE


def test_polarity_may_be_given_as_its_stored_value():
    assert status_of("79", "80", "higher") is WARN
    assert status_of("79", "80", "lower") is ON


# --- bands ------------------------------------------------------------------------------------

BUDGET = Band(D("98"), D("102"))

BANDED = [
    # value, band, tolerance, dp, polarity, status
    ("100", BUDGET, FIVE_PERCENT, 1, NONE, ON),
    ("98", BUDGET, FIVE_PERCENT, 1, NONE, ON),
    ("102", BUDGET, FIVE_PERCENT, 1, NONE, ON),
    ("97.95", BUDGET, FIVE_PERCENT, 1, NONE, ON),  # reads 98.0
    ("97.95", BUDGET, FIVE_PERCENT, 2, NONE, WARN),
    ("97.9", BUDGET, FIVE_PERCENT, 1, NONE, WARN),
    ("93.1", BUDGET, FIVE_PERCENT, 1, NONE, WARN),  # 98 - 5% of 98 = 93.1
    ("93.0", BUDGET, FIVE_PERCENT, 1, NONE, OFF),
    ("102.1", BUDGET, FIVE_PERCENT, 1, NONE, WARN),
    ("107.1", BUDGET, FIVE_PERCENT, 1, NONE, WARN),  # 102 + 5% of 102 = 107.1
    ("107.2", BUDGET, FIVE_PERCENT, 1, NONE, OFF),
    ("97", BUDGET, Tolerance("absolute", D("1")), 0, NONE, WARN),
    ("96", BUDGET, Tolerance("absolute", D("1")), 0, NONE, OFF),
    ("103", BUDGET, Tolerance("absolute", D("1")), 0, NONE, WARN),
    ("104", BUDGET, Tolerance("absolute", D("1")), 0, NONE, OFF),
    # The band decides even when the PI also has a polarity: too high is off target too.
    ("110", BUDGET, FIVE_PERCENT, 1, UP, OFF),
    ("90", BUDGET, FIVE_PERCENT, 1, DOWN, OFF),
    # A band of one value.
    ("5", Band(D("5"), D("5")), Tolerance("absolute", D("0")), 0, NONE, ON),
    ("6", Band(D("5"), D("5")), Tolerance("absolute", D("0")), 0, NONE, OFF),
]


@pytest.mark.parametrize(("value", "band", "tolerance", "dp", "polarity", "expected"), BANDED)
def test_assess_against_a_band(value, band, tolerance, dp, polarity, expected):
    result = assess(
        value=D(value),
        target=None,
        polarity=polarity,
        tolerance=tolerance,
        decimal_places=dp,
        band=band,
    )

    assert result.status is expected


def test_a_band_result_records_the_band_and_its_warning_limits():
    result = assess(
        value=D("95"),
        target=None,
        polarity=NONE,
        tolerance=FIVE_PERCENT,
        decimal_places=1,
        band=BUDGET,
    )

    assert result.band == Band(D("98.0"), D("102.0"))
    assert result.warning_band == Band(D("93.1"), D("107.1"))
    assert result.warning_threshold is None
    assert result.tolerance == FIVE_PERCENT


def test_a_band_with_no_value_yet_keeps_its_limits():
    result = assess(
        value=None,
        target=None,
        polarity=NONE,
        tolerance=FIVE_PERCENT,
        decimal_places=0,
        band=BUDGET,
        value_state="not_due",
    )

    assert result.status is Status.NOT_DUE
    assert result.warning_band == Band(D("93.1"), D("107.1"))


# --- bad configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Band(D("102"), D("98")), ValueError, r"lower end \(102\) is above its upper"),
        (lambda: Tolerance("relative", D("-1")), ValueError, "cannot be negative"),
        (lambda: Tolerance("percent", D("5")), ValueError, "relative or absolute, not 'percent'"),
        (lambda: Tolerance("absolute", 2.5), TypeError, "must be a Decimal, not float"),
        (lambda: Tolerance("absolute", D("NaN")), ValueError, "finite"),
        (lambda: status_of("1", "2", UP, dp=-1), ValueError, "cannot be negative"),
        (
            lambda: assess(
                value=79.95, target=D("80"), polarity=UP, tolerance=FIVE_PERCENT, decimal_places=1
            ),
            TypeError,
            "the value must be a Decimal, not float",
        ),
        (
            lambda: assess(
                value=D("1"), target="80", polarity=UP, tolerance=FIVE_PERCENT, decimal_places=1
            ),
            TypeError,
            "the target must be a Decimal, not str",
        ),
        (lambda: status_of("1", "2", "sideways"), ValueError, "'sideways' is not a valid"),
    ],
)
def test_bad_configuration_is_refused_clearly(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_whole_number_tolerance_and_value_are_accepted():
    result = assess(
        value=77, target=80, polarity=UP, tolerance=Tolerance("absolute", 3), decimal_places=0
    )

    assert result.status is WARN
    assert result.tolerance.amount == D("3")


# --- presentation -----------------------------------------------------------------------------


def test_every_status_is_presented_with_words_and_a_distinct_shape_not_colour_alone():
    assert set(STATUS_PRESENTATION) == set(Status)
    labels = [p.label for p in STATUS_PRESENTATION.values()]
    icons = [p.icon for p in STATUS_PRESENTATION.values()]
    css = [p.css_class for p in STATUS_PRESENTATION.values()]
    assert all(labels) and len(set(labels)) == len(labels)
    assert all(icons) and len(set(icons)) == len(icons)
    assert len(set(css)) == len(css)


def test_only_the_three_target_statuses_have_a_rag_colour():
    rag = {status: p.rag for status, p in STATUS_PRESENTATION.items()}

    assert rag.pop(ON) == "green"
    assert rag.pop(WARN) == "amber"
    assert rag.pop(OFF) == "red"
    assert set(rag.values()) == {None}


def test_a_result_knows_its_presentation():
    result = assess(
        value=D("1"), target=D("1"), polarity=UP, tolerance=FIVE_PERCENT, decimal_places=0
    )

    assert result.presentation.icon == "circle-check"
    assert result.presentation.label == "On target"


# --- properties (hand-rolled over grids) ------------------------------------------------------

RANK = {OFF: 0, WARN: 1, ON: 2}
GRID = [D(n) / 4 for n in range(-40, 441)]  # -10 to 110 in quarters
TOLERANCES = [FIVE_PERCENT, ABS_2, Tolerance("relative", D("0")), Tolerance("absolute", D("7.5"))]


@pytest.mark.parametrize("tolerance", TOLERANCES)
@pytest.mark.parametrize("target", [D("0"), D("37.5"), D("80"), D("100")])
def test_better_values_never_get_a_worse_status(tolerance, target):
    for polarity, ordered in ((UP, GRID), (DOWN, list(reversed(GRID)))):
        ranks = [RANK[status_of(v, target, polarity, tolerance, dp=2)] for v in ordered]
        # Walking from worst to best value, the status only ever improves.
        assert ranks == sorted(ranks), (polarity, target, tolerance)
        assert ranks[-1] == RANK[ON]


@pytest.mark.parametrize("tolerance", TOLERANCES)
@pytest.mark.parametrize("target", [D("-20"), D("0"), D("37.5"), D("80")])
def test_lower_is_better_mirrors_higher_is_better(tolerance, target):
    for value in GRID:
        assert status_of(value, target, UP, tolerance, dp=2) is status_of(
            -value, -target, DOWN, tolerance, dp=2
        ), (value, target)


@pytest.mark.parametrize("target", [D("10"), D("80"), D("250")])
def test_the_warning_threshold_is_the_last_warning_value(target):
    for polarity, step in ((UP, D("-0.01")), (DOWN, D("0.01"))):
        threshold = assess(
            value=target, target=target, polarity=polarity, tolerance=FIVE_PERCENT, decimal_places=2
        ).warning_threshold

        assert status_of(threshold, target, polarity, dp=2) is WARN
        assert status_of(threshold + step, target, polarity, dp=2) is OFF
