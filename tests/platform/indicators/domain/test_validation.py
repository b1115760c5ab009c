"""Valid ranges: what is wrong with a value, in words a data provider understands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.indicators.domain.validation import ValidRange, check_value, show

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
