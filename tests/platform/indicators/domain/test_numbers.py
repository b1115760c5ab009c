"""Reading numbers as people mean them: one parser for every door (pages, grid, REST, import,
partnership targets). A decimal comma or a separator that could be read two ways is refused
with what was understood and what to type; nothing is silently misread."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.indicators.domain.numbers import NumberNotUnderstood, parse_number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("12.5", Decimal("12.5")),
        ("  7 ", Decimal("7")),
        ("-3", Decimal("-3")),
        ("+5", Decimal("5")),
        ("\u22125", Decimal("-5")),  # the minus sign a word processor types
        (".5", Decimal("0.5")),
        ("1.234", Decimal("1.234")),  # a decimal point is what UK councils write
        ("1,234,567", Decimal("1234567")),  # two commas cannot be decimal commas
        ("1,234.5", Decimal("1234.5")),
        ("1 234", Decimal("1234")),  # thousands grouped by a space
        ("1\u00a0234\u202f567.25", Decimal("1234567.25")),  # no-break spaces from Excel
        ("1.5E+05", Decimal("150000")),
        ("12345678901234", Decimal("12345678901234")),
        (12, Decimal(12)),
        (12.5, Decimal("12.5")),  # a JSON number: already a number
        (Decimal("0.1"), Decimal("0.1")),
    ],
)
def test_numbers_written_with_a_decimal_point_are_read(typed, number):
    assert parse_number(typed) == number


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_nothing_typed_is_no_number(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12,5", "looks like 12.5 written with a decimal comma; type 12.5"),
        ("-12,5", "looks like -12.5 written with a decimal comma; type -12.5"),
        ("0,123", "looks like 0.123 written with a decimal comma; type 0.123"),
        ("1234,567", "looks like 1234.567 written with a decimal comma; type 1234.567"),
        (
            "1.234,5",
            "looks like 1234.5 written with a decimal comma and dots between thousands; "
            "type 1234.5",
        ),
        ("1 234,5", "looks like 1234.5 written with a decimal comma; type 1234.5"),
        ("1.234.567", "looks like 1234567 written with dots between thousands; type 1234567"),
        (
            "1,234",
            "could be 1234 (a comma between thousands) or 1.234 (a decimal comma); "
            "type 1234 or 1.234",
        ),
        (
            "12,345",
            "could be 12345 (a comma between thousands) or 12.345 (a decimal comma); "
            "type 12345 or 12.345",
        ),
        ("(5)", "looks like a negative number in brackets; type -5"),
        (
            "12.5%",
            "has a per cent sign, but this is not a percentage; type the number without it, 12.5",
        ),
        ("123456789012345", "is too large: a value can have at most 14 digits before the point"),
        ("1e999999", "is too large: a value can have at most 14 digits before the point"),
        ("9" * 61, "is too long to be a number (61 characters)"),
    ],
)
def test_a_decimal_comma_or_an_ambiguous_separator_is_refused_saying_what_to_type(typed, reason):
    with pytest.raises(NumberNotUnderstood) as refused:
        parse_number(typed)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    "typed",
    [
        "lots",
        "NaN",
        "Infinity",
        "-inf",
        "0x10",
        "\u0661\u0662",  # Arabic-Indic digits: Python's Decimal would read them as 12
        "\uff11\uff12",  # full-width digits
        "--5",
        "5-",
        "1.2.3",
        "12 5",
        "12,34.5",
        "12,",
        "1,5E3",
        "£5",
        "=1+1",
        "1\x00",
        "1;DROP TABLE x",
        True,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
    ],
)
def test_text_that_is_not_a_number_is_refused(typed):
    with pytest.raises(NumberNotUnderstood) as refused:
        parse_number(typed)
    assert refused.value.reason is None


def test_a_percentage_may_carry_its_per_cent_sign():
    assert parse_number("12.5%", percent_sign=True) == Decimal("12.5")
    assert parse_number(" 80 % ", percent_sign=True) == Decimal("80")
    with pytest.raises(NumberNotUnderstood):
        parse_number("12,5%", percent_sign=True)  # the comma is still refused
