"""Period codes and arithmetic, especially at the boundaries where councils' years turn."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from goldenthread.platform.core.periods import (
    PERIOD_TYPE_FOR_FREQUENCY,
    Period,
    PeriodError,
    PeriodType,
    next_period,
    parse_period,
    period_containing,
    period_due_date,
    periods_between,
    previous_period,
    same_period_last_year,
    sub_periods,
)

P = parse_period
T = PeriodType


def codes(periods: list[Period]) -> list[str]:
    return [p.code for p in periods]


# --- parsing, codes, labels -------------------------------------------------------------------

PARSED = [
    # code, type, start, end, label, financial year
    ("2025/26", T.FINANCIAL_YEAR, date(2025, 4, 1), date(2026, 3, 31),
     "2025/26 (Apr 2025–Mar 2026)", "2025/26"),
    ("1999/00", T.FINANCIAL_YEAR, date(1999, 4, 1), date(2000, 3, 31),
     "1999/00 (Apr 1999–Mar 2000)", "1999/00"),
    ("2025/26 H1", T.HALF, date(2025, 4, 1), date(2025, 9, 30),
     "H1 2025/26 (Apr–Sep 2025)", "2025/26"),
    ("2025/26 H2", T.HALF, date(2025, 10, 1), date(2026, 3, 31),
     "H2 2025/26 (Oct 2025–Mar 2026)", "2025/26"),
    ("2025/26 Q1", T.QUARTER, date(2025, 4, 1), date(2025, 6, 30),
     "Q1 2025/26 (Apr–Jun 2025)", "2025/26"),
    ("2025/26 Q2", T.QUARTER, date(2025, 7, 1), date(2025, 9, 30),
     "Q2 2025/26 (Jul–Sep 2025)", "2025/26"),
    ("2025/26 Q3", T.QUARTER, date(2025, 10, 1), date(2025, 12, 31),
     "Q3 2025/26 (Oct–Dec 2025)", "2025/26"),
    ("2024/25 Q4", T.QUARTER, date(2025, 1, 1), date(2025, 3, 31),
     "Q4 2024/25 (Jan–Mar 2025)", "2024/25"),
    ("2025/26 T1", T.TERTIAL, date(2025, 4, 1), date(2025, 7, 31),
     "T1 2025/26 (Apr–Jul 2025)", "2025/26"),
    ("2025/26 T2", T.TERTIAL, date(2025, 8, 1), date(2025, 11, 30),
     "T2 2025/26 (Aug–Nov 2025)", "2025/26"),
    ("2025/26 T3", T.TERTIAL, date(2025, 12, 1), date(2026, 3, 31),
     "T3 2025/26 (Dec 2025–Mar 2026)", "2025/26"),
    ("2025-04", T.MONTH, date(2025, 4, 1), date(2025, 4, 30), "April 2025", "2025/26"),
    ("2025-03", T.MONTH, date(2025, 3, 1), date(2025, 3, 31), "March 2025", "2024/25"),
    ("2024-02", T.MONTH, date(2024, 2, 1), date(2024, 2, 29), "February 2024", "2023/24"),
    ("2025-02", T.MONTH, date(2025, 2, 1), date(2025, 2, 28), "February 2025", "2024/25"),
    ("2025-W14", T.WEEK, date(2025, 3, 31), date(2025, 4, 6),
     "Week 14 2025 (31 Mar–6 Apr 2025)", "2025/26"),
    ("2025-W01", T.WEEK, date(2024, 12, 30), date(2025, 1, 5),
     "Week 1 2025 (30 Dec 2024–5 Jan 2025)", "2024/25"),
    ("2020-W53", T.WEEK, date(2020, 12, 28), date(2021, 1, 3),
     "Week 53 2020 (28 Dec 2020–3 Jan 2021)", "2020/21"),
    ("CY2025", T.CALENDAR_YEAR, date(2025, 1, 1), date(2025, 12, 31),
     "Calendar year 2025", "2025/26"),
    ("AY2025/26", T.ACADEMIC_YEAR, date(2025, 9, 1), date(2026, 8, 31),
     "Academic year 2025/26 (Sep 2025–Aug 2026)", "2025/26"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "type_", "start", "end", "label", "fy"), PARSED)
def test_parse_period_gives_the_period_its_code_and_label(code, type_, start, end, label, fy):
    # When
    period = parse_period(code)

    # Then
    assert (period.type, period.start, period.end) == (type_, start, end)
    assert period.code == code
    assert str(period) == code
    assert period.label == label
    assert period.financial_year == fy


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        (" 2025/26 q1 ", "2025/26 Q1"),
        ("2025/26  h2", "2025/26 H2"),
        ("2025/26 t3", "2025/26 T3"),
        ("2025-w14", "2025-W14"),
        ("2025-W1", "2025-W01"),
        ("cy2025", "CY2025"),
        ("ay2025/26", "AY2025/26"),
    ],
)
def test_parse_period_forgives_case_and_spacing_and_returns_the_canonical_code(written, canonical):
    assert parse_period(written).code == canonical


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("2025/27", "2025 must be followed by 26"),
        ("2025/25", "2025 must be followed by 26"),
        ("1999/01", "1999 must be followed by 00"),
        ("2025/27 Q1", "2025 must be followed by 26"),
        ("AY2025/24", "2025 must be followed by 26"),
        ("2025-13", "the month must be 01 to 12"),
        ("2025-00", "the month must be 01 to 12"),
        ("2025-W53", "ISO year 2025 has weeks 1 to 52"),
        ("2025-W00", "ISO year 2025 has weeks 1 to 52"),
        ("2026-W54", "ISO year 2026 has weeks 1 to 53"),
        ("2025/26 Q5", "quarters Q1 to Q4"),
        ("2025/26 Q0", "quarters Q1 to Q4"),
        ("2025/26 T4", "tertials T1 to T3"),
        ("2025/26 H3", "halves H1 to H2"),
        ("Q1 2025", "expected one of"),
        ("2025", "expected one of"),
        ("April 2025", "expected one of"),
        ("2025/2026", "expected one of"),
        ("", "expected one of"),
        ("0000-01", "expected one of"),
        ("9999/00", "expected one of"),
    ],
)
def test_parse_period_refuses_bad_codes_naming_the_code_and_the_problem(code, problem):
    with pytest.raises(PeriodError) as raised:
        parse_period(code)

    message = str(raised.value)
    assert f"'{code}'" in message
    assert problem in message


def test_parse_error_lists_every_expected_form():
    with pytest.raises(PeriodError) as raised:
        parse_period("next quarter")

    for form in ("2025/26", "2025/26 H1", "2025/26 Q1", "2025/26 T1", "2025-04", "2025-W14",
                 "CY2025", "AY2025/26"):  # fmt: skip
        assert form in str(raised.value)


def test_period_error_is_a_value_error_so_form_validation_catches_it():
    assert issubclass(PeriodError, ValueError)


def test_parse_period_refuses_something_that_is_not_text():
    with pytest.raises(PeriodError, match="'None' is not a valid period code"):
        parse_period(None)  # type: ignore[arg-type]


# --- containing a day -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "day", "code"),
    [
        (T.FINANCIAL_YEAR, date(2025, 3, 31), "2024/25"),
        (T.FINANCIAL_YEAR, date(2025, 4, 1), "2025/26"),
        (T.QUARTER, date(2025, 3, 31), "2024/25 Q4"),
        (T.QUARTER, date(2025, 4, 1), "2025/26 Q1"),
        (T.QUARTER, date(2025, 12, 31), "2025/26 Q3"),
        (T.QUARTER, date(2026, 1, 1), "2025/26 Q4"),
        (T.HALF, date(2025, 9, 30), "2025/26 H1"),
        (T.HALF, date(2025, 10, 1), "2025/26 H2"),
        (T.HALF, date(2025, 3, 31), "2024/25 H2"),
        (T.TERTIAL, date(2025, 7, 31), "2025/26 T1"),
        (T.TERTIAL, date(2025, 8, 1), "2025/26 T2"),
        (T.TERTIAL, date(2025, 11, 30), "2025/26 T2"),
        (T.TERTIAL, date(2025, 12, 1), "2025/26 T3"),
        (T.TERTIAL, date(2025, 3, 31), "2024/25 T3"),
        (T.MONTH, date(2024, 2, 29), "2024-02"),
        (T.WEEK, date(2025, 4, 1), "2025-W14"),
        (T.WEEK, date(2024, 12, 31), "2025-W01"),
        (T.WEEK, date(2021, 1, 3), "2020-W53"),
        (T.WEEK, date(2027, 1, 1), "2026-W53"),
        (T.CALENDAR_YEAR, date(2025, 12, 31), "CY2025"),
        (T.ACADEMIC_YEAR, date(2025, 8, 31), "AY2024/25"),
        (T.ACADEMIC_YEAR, date(2025, 9, 1), "AY2025/26"),
    ],
)
def test_period_containing_a_day_at_each_boundary(type_, day, code):
    assert period_containing(type_, day).code == code


def test_period_containing_accepts_a_type_value_and_a_datetime():
    assert period_containing("quarter", datetime(2025, 6, 30, 23, 59)).code == "2025/26 Q1"


@pytest.mark.parametrize(
    ("type_", "start", "end"),
    [
        (T.QUARTER, date(2025, 5, 1), date(2025, 7, 31)),
        (T.QUARTER, date(2025, 1, 1), date(2025, 4, 30)),
        (T.MONTH, date(2025, 2, 1), date(2025, 2, 27)),
        (T.WEEK, date(2025, 4, 1), date(2025, 4, 7)),
        (T.FINANCIAL_YEAR, date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_a_period_constructed_with_the_wrong_dates_is_refused(type_, start, end):
    with pytest.raises(PeriodError, match=f"{start.isoformat()} to {end.isoformat()} is not a"):
        Period(type_, start, end)


def test_a_period_of_an_unknown_type_is_refused():
    with pytest.raises(PeriodError, match="'fortnight' is not a period type"):
        Period("fortnight", date(2025, 4, 1), date(2025, 4, 14))  # type: ignore[arg-type]


def test_a_period_constructed_from_stored_columns_equals_the_parsed_one():
    stored = Period("quarter", date(2025, 4, 1), date(2025, 6, 30))  # type: ignore[arg-type]

    assert stored == parse_period("2025/26 Q1")
    assert stored.type is PeriodType.QUARTER
    assert hash(stored) == hash(parse_period("2025/26 Q1"))


# --- previous, next, same period last year ----------------------------------------------------

NEIGHBOURS = [
    # period, previous, next, same period last year
    ("2024/25 Q4", "2024/25 Q3", "2025/26 Q1", "2023/24 Q4"),
    ("2025/26 Q1", "2024/25 Q4", "2025/26 Q2", "2024/25 Q1"),
    ("2025/26 H1", "2024/25 H2", "2025/26 H2", "2024/25 H1"),
    ("2025/26 T1", "2024/25 T3", "2025/26 T2", "2024/25 T1"),
    ("2025/26 T3", "2025/26 T2", "2026/27 T1", "2024/25 T3"),
    ("2025/26", "2024/25", "2026/27", "2024/25"),
    ("1999/00", "1998/99", "2000/01", "1998/99"),
    ("2025-01", "2024-12", "2025-02", "2024-01"),
    ("2025-03", "2025-02", "2025-04", "2024-03"),
    ("2025-04", "2025-03", "2025-05", "2024-04"),
    ("2024-02", "2024-01", "2024-03", "2023-02"),
    ("2025-W01", "2024-W52", "2025-W02", "2024-W01"),
    ("2021-W01", "2020-W53", "2021-W02", "2020-W01"),
    ("2020-W53", "2020-W52", "2021-W01", "2019-W52"),
    ("2026-W53", "2026-W52", "2027-W01", "2025-W52"),
    ("2021-W52", "2021-W51", "2022-W01", "2020-W52"),
    ("2025-W14", "2025-W13", "2025-W15", "2024-W14"),
    ("CY2025", "CY2024", "CY2026", "CY2024"),
    ("AY2025/26", "AY2024/25", "AY2026/27", "AY2024/25"),
]


@pytest.mark.parametrize(("code", "before", "after", "last_year"), NEIGHBOURS)
def test_previous_next_and_same_period_last_year(code, before, after, last_year):
    period = parse_period(code)

    assert previous_period(period).code == before
    assert next_period(period).code == after
    assert same_period_last_year(period).code == last_year


# --- ranges and sub-periods -------------------------------------------------------------------


def test_periods_between_crosses_the_financial_year_turn():
    assert codes(periods_between(T.QUARTER, P("2024/25 Q3"), P("2025/26 Q2"))) == [
        "2024/25 Q3",
        "2024/25 Q4",
        "2025/26 Q1",
        "2025/26 Q2",
    ]


def test_periods_between_dates_includes_the_periods_containing_both_ends():
    assert codes(periods_between(T.MONTH, date(2024, 12, 31), date(2025, 2, 1))) == [
        "2024-12",
        "2025-01",
        "2025-02",
    ]


def test_periods_between_longer_periods_runs_from_the_first_ones_start_to_the_last_ones_end():
    assert codes(periods_between(T.MONTH, P("2025/26 Q1"), P("2025/26 Q2"))) == [
        "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
    ]  # fmt: skip


def test_periods_between_a_single_period_and_itself():
    assert codes(periods_between(T.QUARTER, P("2025/26 Q1"), P("2025/26 Q1"))) == ["2025/26 Q1"]


def test_periods_between_in_the_wrong_order_is_empty():
    assert periods_between(T.QUARTER, P("2025/26 Q2"), P("2025/26 Q1")) == []


def test_periods_between_five_years_of_quarters_counts_twenty():
    quarters = periods_between(T.QUARTER, P("2021/22 Q1"), P("2025/26 Q4"))

    assert len(quarters) == 20
    assert quarters == sorted(quarters)


SUB_PERIODS = [
    ("2025/26", T.QUARTER, ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]),
    ("2025/26", T.HALF, ["2025/26 H1", "2025/26 H2"]),
    ("2025/26", T.TERTIAL, ["2025/26 T1", "2025/26 T2", "2025/26 T3"]),
    ("2024/25 Q4", T.MONTH, ["2025-01", "2025-02", "2025-03"]),
    ("2025/26 T3", T.MONTH, ["2025-12", "2026-01", "2026-02", "2026-03"]),
    ("2025/26 H2", T.QUARTER, ["2025/26 Q3", "2025/26 Q4"]),
    ("CY2025", T.QUARTER, ["2024/25 Q4", "2025/26 Q1", "2025/26 Q2", "2025/26 Q3"]),
    ("2025/26 Q1", T.QUARTER, ["2025/26 Q1"]),
    # Weeks go where their Thursday falls.
    ("2025-04", T.WEEK, ["2025-W14", "2025-W15", "2025-W16", "2025-W17"]),
    ("2025-05", T.WEEK, ["2025-W18", "2025-W19", "2025-W20", "2025-W21", "2025-W22"]),
    ("2024-12", T.WEEK, ["2024-W49", "2024-W50", "2024-W51", "2024-W52"]),
]


@pytest.mark.parametrize(("code", "type_", "expected"), SUB_PERIODS)
def test_sub_periods(code, type_, expected):
    assert codes(sub_periods(parse_period(code), type_)) == expected


@pytest.mark.parametrize(
    ("code", "weeks"),
    [("2025/26", 52), ("2021/22", 53), ("2020/21", 52), ("2015/16", 53)],
)
def test_a_financial_year_has_52_or_53_weeks_by_their_thursdays(code, weeks):
    # 1 April 2021 and 2015 were Thursdays, so those years hold 53 Thursdays.
    year = parse_period(code)

    found = sub_periods(year, T.WEEK)

    assert len(found) == weeks
    assert all(year.contains(week.midpoint) for week in found)
    assert all(week.midpoint.weekday() == 3 for week in found)


@pytest.mark.parametrize(
    ("code", "type_", "problem"),
    [
        ("AY2025/26", T.QUARTER, "quarters do not fit exactly into the academic year AY2025/26"),
        ("2025/26 H1", T.TERTIAL, "tertials do not fit exactly into the half 2025/26 H1"),
        ("2025/26 Q1", T.TERTIAL, "a tertial is longer than the quarter 2025/26 Q1"),
        ("2025/26 Q1", T.HALF, "a half is longer than the quarter 2025/26 Q1"),
        ("2025-04", T.FINANCIAL_YEAR, "a financial year is longer than the month 2025-04"),
    ],
)
def test_sub_periods_that_do_not_fit_are_refused(code, type_, problem):
    with pytest.raises(PeriodError, match=problem):
        sub_periods(parse_period(code), type_)


# --- due dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kwargs", "due"),
    [
        ("2025/26 Q1", {}, date(2025, 7, 15)),
        ("2024/25 Q4", {}, date(2025, 4, 15)),
        ("2025-12", {}, date(2026, 1, 15)),
        ("2025/26", {}, date(2026, 4, 15)),
        ("2025/26 Q3", {"day_of_following_month": 1, "lag_months": 2}, date(2026, 2, 1)),
        ("2025-12", {"day_of_following_month": 31, "lag_months": 2}, date(2026, 2, 28)),
        ("2023-12", {"day_of_following_month": 30, "lag_months": 2}, date(2024, 2, 29)),
        ("2025-04", {"day_of_following_month": 31}, date(2025, 5, 31)),
        ("2025-W14", {}, date(2025, 5, 15)),
        ("2025/26 Q1", {"lag_months": 0, "day_of_following_month": 30}, date(2025, 6, 30)),
    ],
)
def test_period_due_date(code, kwargs, due):
    assert period_due_date(parse_period(code), **kwargs) == due


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"day_of_following_month": 0}, "the due day must be 1 to 31, not 0"),
        ({"day_of_following_month": 32}, "the due day must be 1 to 31, not 32"),
        ({"lag_months": -1}, "lag -1"),
    ],
)
def test_period_due_date_refuses_impossible_settings(kwargs, problem):
    with pytest.raises(PeriodError, match=problem):
        period_due_date(parse_period("2025/26 Q1"), **kwargs)


# --- frequencies ------------------------------------------------------------------------------


def test_every_frequency_choice_maps_to_a_period_type():
    from goldenthread.platform.core.choices import Frequency

    assert set(PERIOD_TYPE_FOR_FREQUENCY) == set(Frequency.values)
    assert PERIOD_TYPE_FOR_FREQUENCY["annual"] is T.FINANCIAL_YEAR
    assert PERIOD_TYPE_FOR_FREQUENCY["three_times_a_year"] is T.TERTIAL
    assert PERIOD_TYPE_FOR_FREQUENCY["quarterly"] is T.QUARTER


# --- properties over ten years of days (hand-rolled property checks) --------------------------

DAYS = [date(2019, 1, 1) + timedelta(days=n) for n in range(0, 10 * 366, 1)]


@pytest.mark.parametrize("type_", list(PeriodType))
def test_properties_hold_for_every_day_of_ten_years(type_):
    seen: dict[str, Period] = {}
    for day in DAYS:
        period = period_containing(type_, day)
        assert period.contains(day), (type_, day)
        seen[period.code] = period

    for code, period in seen.items():
        # Codes are stable: parsing a code gives the same period back.
        assert parse_period(code) == period
        # Neighbours touch without a gap or overlap, and undo each other.
        assert previous_period(period).end + timedelta(days=1) == period.start
        assert next_period(period).start - timedelta(days=1) == period.end
        assert next_period(previous_period(period)) == period
        # A year earlier is the same numbered part of the previous year.
        last_year = same_period_last_year(period)
        if type_ is PeriodType.WEEK:
            previous_iso_year = period.start.isocalendar().year - 1
            weeks_then = date(previous_iso_year, 12, 28).isocalendar().week
            assert last_year.start.isocalendar().year == previous_iso_year
            assert last_year.number == min(period.number, weeks_then)
        else:
            assert last_year.number == period.number
            assert (last_year.start.year, last_year.start.month) == (
                period.start.year - 1,
                period.start.month,
            )


@pytest.mark.parametrize(
    ("outer", "inner"),
    [
        (T.FINANCIAL_YEAR, T.HALF),
        (T.FINANCIAL_YEAR, T.QUARTER),
        (T.FINANCIAL_YEAR, T.TERTIAL),
        (T.FINANCIAL_YEAR, T.MONTH),
        (T.FINANCIAL_YEAR, T.WEEK),
        (T.QUARTER, T.MONTH),
        (T.TERTIAL, T.MONTH),
        (T.CALENDAR_YEAR, T.MONTH),
        (T.ACADEMIC_YEAR, T.MONTH),
        (T.MONTH, T.WEEK),
    ],
)
def test_sub_periods_partition_every_period_for_ten_years(outer, inner):
    outers = periods_between(outer, date(2019, 1, 1), date(2028, 12, 31))
    all_inner: list[Period] = []
    for period in outers:
        parts = sub_periods(period, inner)
        assert parts, period
        for earlier, later in zip(parts, parts[1:], strict=False):
            assert next_period(earlier) == later
        if inner is not PeriodType.WEEK:
            assert (parts[0].start, parts[-1].end) == (period.start, period.end)
        all_inner.extend(parts)
    # Consecutive outer periods share no inner period and leave none out.
    for earlier, later in zip(all_inner, all_inner[1:], strict=False):
        assert next_period(earlier) == later
