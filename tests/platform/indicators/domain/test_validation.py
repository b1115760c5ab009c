"""Valid ranges: what is wrong with a value, in words a data provider understands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.indicators.domain.validation import (
    ChangeRule,
    ValidRange,
    check_value,
    show,
    unusual_change,
    valid_range_for,
)

D = Decimal
PERCENT = ValidRange(minimum=D("0"), maximum=D("100"), whole_numbers=False)
HOUSEHOLDS = ValidRange(minimum=D("0"), maximum=None, whole_numbers=True)


@pytest.mark.parametrize(
    ("value", "valid", "unit", "messages"),
    [
        ("1234", PERCENT, "percentage", ["1234 is above the maximum of 100 for this percentage"]),
        ("-5", PERCENT, "percentage", ["-5 is below the minimum of 0 for this percentage"]),
        ("100.01", PERCENT, "percentage",
         ["100.01 is above the maximum of 100 for this percentage"]),
        ("100", PERCENT, "percentage", []),  # limits are inclusive
        ("100.00", PERCENT, "percentage", []),
        ("0", PERCENT, "percentage", []),
        ("55.5", PERCENT, "percentage", []),
        ("2.5", HOUSEHOLDS, "number", ["2.5 is not a whole number, and this number must be one"]),
        ("2.0", HOUSEHOLDS, "number", []),
        ("1000000", HOUSEHOLDS, "number", []),
        ("-1.5", HOUSEHOLDS, "number", [
            "-1.5 is below the minimum of 0 for this number",
            "-1.5 is not a whole number, and this number must be one",
        ]),
        ("31", ValidRange(maximum=D("30")), "days",
         ["31 is above the maximum of 30 for this number of days"]),
        ("2", ValidRange(D("0"), D("1"), True), "yes_no",
         ["2 is above the maximum of 1 for this yes/no answer"]),
        ("-0.01", ValidRange(minimum=D("0.00")), "money",
         ["-0.01 is below the minimum of 0 for this amount of money"]),
        ("1E+3", ValidRange(maximum=D("999.5")), "ratio",
         ["1000 is above the maximum of 999.5 for this ratio"]),
        ("7", ValidRange(maximum=D("5")), "visits_per_week",
         ["7 is above the maximum of 5 for this visits per week"]),
        ("-99999", ValidRange(), "number", []),
    ],
)  # fmt: skip
def test_check_value(value, valid, unit, messages):
    assert check_value(D(value), valid, unit=unit) == messages


def test_a_range_with_its_ends_the_wrong_way_round_is_refused():
    with pytest.raises(ValueError, match=r"the minimum \(100\) is above the maximum \(0\)"):
        ValidRange(minimum=D("100"), maximum=D("0"), whole_numbers=False)


def test_a_float_value_is_refused():
    with pytest.raises(TypeError, match="the value must be a Decimal, not float"):
        check_value(1.5, PERCENT, unit="percentage")


def test_whole_number_limits_are_accepted():
    assert check_value(D("11"), ValidRange(minimum=0, maximum=10), unit="number") == [
        "11 is above the maximum of 10 for this number"
    ]


@pytest.mark.parametrize(
    ("number", "shown"),
    [("100.00", "100"), ("1E+3", "1000"), ("0.050", "0.05"), ("-0.0", "0"), ("0", "0"),
     ("12.5", "12.5"), ("-3", "-3"), ("1.23E-7", "0.000000123")],
)  # fmt: skip
def test_numbers_are_shown_as_a_person_writes_them(number, shown):
    assert show(D(number)) == shown


# --- a percentage's default range -------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "minimum", "maximum", "expected"),
    [
        ("percentage", None, None, (D(0), D(100))),  # 150% of council tax is not a value
        ("percentage", D(-50), None, (D(-50), D(100))),  # the PI's own side wins
        ("percentage", None, D(250), (D(0), D(250))),  # a growth rate may pass 100
        ("percentage", D(-20), D(300), (D(-20), D(300))),
        ("percentage", D(150), None, (D(150), None)),  # a default cannot cross the PI's own
        ("percentage", None, D(-5), (None, D(-5))),
        ("number", None, None, (None, None)),  # other units have no default
        ("money", D(0), None, (D(0), None)),
    ],
)
def test_a_percentage_is_out_of_100_unless_the_pi_says_otherwise(unit, minimum, maximum, expected):
    valid = valid_range_for(unit=unit, minimum=minimum, maximum=maximum)
    assert (valid.minimum, valid.maximum) == expected


def test_150_per_cent_is_outside_a_percentage_pis_default_range():
    valid = valid_range_for(unit="percentage", minimum=None, maximum=None)
    assert check_value(D(150), valid, unit="percentage") == [
        "150 is above the maximum of 100 for this percentage"
    ]


# --- a value far from the previous period's -----------------------------------------------

RULE = ChangeRule()  # the defaults, which are also settings.INDICATOR_UNUSUAL_CHANGE's


def history(*numbers):
    return [(f"2024/25 Q{i + 1}" if i < 4 else f"P{i}", D(n)) for i, n in enumerate(numbers)]


@pytest.mark.parametrize(
    ("value", "earlier", "message"),
    [
        # No history, or no move: nothing to say.
        ("50", (), None),
        ("50", ("50",), None),
        # Short history: judged by the ratio to the previous value (3x or a third).
        ("125", ("12.5",), "125 is far from 12.5, the value for 2024/25 Q1: more than 3 times it"),
        ("30", ("12.5",), None),
        ("4", ("12.5", "13"), "4 is far from 13, the value for 2024/25 Q2: less than 1/3 of it"),
        ("-5", ("12.5",), "-5 is far from 12.5, the value for 2024/25 Q1, and on the other "
         "side of zero"),
        ("7", ("0",), None),  # no ratio to a zero
        # Enough history: judged by the usual change between periods (median of |changes|).
        ("71", ("50", "52", "51", "53"), "71 is far from 53, the value for 2024/25 Q4: a change "
         "of 18, more than 5 times the usual change of 2 between periods"),
        ("62", ("50", "52", "51", "53"), None),  # 9 is within 5 x 2
        # A steady series is not flagged for a move under 10% of the previous value...
        ("1005", ("1000", "1000", "1000", "1000"), None),
        # ...but is for a larger one.
        ("1200", ("1000", "1000", "1000", "1000"), "1200 is far from 1000, the value for "
         "2024/25 Q4: a change of 200, more than 5 times the usual change of 0 between periods"),
    ],
)  # fmt: skip
def test_a_value_far_from_the_previous_periods_is_flagged(value, earlier, message):
    assert unusual_change(D(value), history(*earlier), RULE) == message


def test_only_the_last_values_of_a_long_history_set_the_usual_change():
    # A steady past, then wild recent periods: the recent changes (the last 9 values) count.
    earlier = history(*["50", "51"] * 6, *["10", "90"] * 4, "50")
    assert unusual_change(D("60"), earlier, RULE) is None
    assert unusual_change(D("60"), earlier, ChangeRule(history=len(earlier))) is not None


def test_a_change_rule_refuses_settings_that_make_no_sense():
    with pytest.raises(ValueError):
        ChangeRule(usual_change_multiple=-1)
    with pytest.raises(ValueError):
        ChangeRule(minimum_history=1)
    assert ChangeRule(usual_change_multiple="2.5").usual_change_multiple == D("2.5")
