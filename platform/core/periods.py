"""Reporting periods and their arithmetic, in one place.

English councils report on the financial year, April to March: Q1 is April–June and Q4 is
January–March of the following calendar year, so "the quarter before Q1 2025/26" is Q4 2024/25
and "the same quarter last year" is Q1 2024/25. Some indicators follow other calendars:
three-times-a-year surveys run in tertials (Apr–Jul, Aug–Nov, Dec–Mar), schools indicators
use the academic year (September–August), a few national returns use the calendar year, and
weekly indicators use ISO weeks (Monday to Sunday, numbered 1 to 52 or 53).

Every period has a stable code used in imports, URLs and the database:

===================  ==============  ===========================
period type          code            label
===================  ==============  ===========================
financial year       ``2025/26``     2025/26 (Apr 2025–Mar 2026)
half                 ``2025/26 H1``  H1 2025/26 (Apr–Sep 2025)
quarter              ``2025/26 Q1``  Q1 2025/26 (Apr–Jun 2025)
tertial              ``2025/26 T1``  T1 2025/26 (Apr–Jul 2025)
month                ``2025-04``     April 2025
ISO week             ``2025-W14``    Week 14 2025 (31 Mar–6 Apr 2025)
calendar year        ``CY2025``      Calendar year 2025
academic year        ``AY2025/26``   Academic year 2025/26 (Sep 2025–Aug 2026)
===================  ==============  ===========================

Everything here is pure: no database, no settings, no clock.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class PeriodError(ValueError):
    """A period code or period range that cannot be understood; the message names the problem."""


class PeriodType(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    TERTIAL = "tertial"
    HALF = "half"
    FINANCIAL_YEAR = "financial_year"
    CALENDAR_YEAR = "calendar_year"
    ACADEMIC_YEAR = "academic_year"

    @property
    def label(self) -> str:
        """Words for messages: 'financial year', 'quarter'."""
        return self.value.replace("_", " ")

    @property
    def plural(self) -> str:
        return "halves" if self is PeriodType.HALF else f"{self.label}s"


# Keys are the values of `goldenthread.platform.core.choices.Frequency` (kept as plain strings so
# this module stays free of Django). An annual indicator reports on the financial year unless it
# says otherwise.
PERIOD_TYPE_FOR_FREQUENCY: dict[str, PeriodType] = {
    "weekly": PeriodType.WEEK,
    "monthly": PeriodType.MONTH,
    "quarterly": PeriodType.QUARTER,
    "three_times_a_year": PeriodType.TERTIAL,
    "half_yearly": PeriodType.HALF,
    "annual": PeriodType.FINANCIAL_YEAR,
}

# Month-based period types as (first month of the cycle, length in months). Every length divides
# twelve, so a period is a block of whole months counted from the cycle's first month.
_MONTH_BLOCKS: dict[PeriodType, tuple[int, int]] = {
    PeriodType.MONTH: (1, 1),
    PeriodType.QUARTER: (4, 3),
    PeriodType.TERTIAL: (4, 4),
    PeriodType.HALF: (4, 6),
    PeriodType.FINANCIAL_YEAR: (4, 12),
    PeriodType.CALENDAR_YEAR: (1, 12),
    PeriodType.ACADEMIC_YEAR: (9, 12),
}

# Roughly how long each type is, to refuse asking for "the quarters of a month".
_NOMINAL_DAYS: dict[PeriodType, int] = {
    PeriodType.WEEK: 7,
    PeriodType.MONTH: 30,
    PeriodType.QUARTER: 91,
    PeriodType.TERTIAL: 122,
    PeriodType.HALF: 182,
    PeriodType.FINANCIAL_YEAR: 365,
    PeriodType.CALENDAR_YEAR: 365,
    PeriodType.ACADEMIC_YEAR: 365,
}

_PREFIX_FOR_PART = {PeriodType.QUARTER: "Q", PeriodType.TERTIAL: "T", PeriodType.HALF: "H"}
_PART_FOR_PREFIX = {prefix: type_ for type_, prefix in _PREFIX_FOR_PART.items()}

_EXPECTED_FORMS = (
    "expected one of 2025/26 (financial year), 2025/26 H1 (half), 2025/26 Q1 (quarter), "
    "2025/26 T1 (tertial), 2025-04 (month), 2025-W14 (ISO week), CY2025 (calendar year) "
    "or AY2025/26 (academic year)"
)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(month_index: int) -> date:
    return date(month_index // 12, month_index % 12 + 1, 1)


def _last_of(month_index: int) -> date:
    year, month = month_index // 12, month_index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _bounds(type_: PeriodType, day: date) -> tuple[date, date]:
    """First and last day of the period of `type_` that contains `day`."""
    if isinstance(day, datetime):
        day = day.date()
    if type_ is PeriodType.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    first_month, length = _MONTH_BLOCKS[type_]
    index = _month_index(day)
    start = index - (index - (first_month - 1)) % length
    return _first_of(start), _last_of(start + length - 1)


# Spelled out rather than taken from strftime, which follows the process locale.
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _abbr(day: date) -> str:
    return _MONTH_NAMES[day.month - 1][:3]


def _year_code(first_year: int) -> str:
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def _month_span(start: date, end: date) -> str:
    """'Apr–Jun 2025', or 'Dec 2025–Mar 2026' when the span crosses a calendar year."""
    if start.year == end.year:
        if start.month == end.month:
            return f"{_abbr(start)} {start.year}"
        return f"{_abbr(start)}–{_abbr(end)} {end.year}"
    return f"{_abbr(start)} {start.year}–{_abbr(end)} {end.year}"


def _day_span(start: date, end: date) -> str:
    """'31 Mar–6 Apr 2025', or '29 Dec 2025–4 Jan 2026' across a year end."""
    if start.year == end.year:
        return f"{start.day} {_abbr(start)}–{end.day} {_abbr(end)} {end.year}"
    return f"{start.day} {_abbr(start)} {start.year}–{end.day} {_abbr(end)} {end.year}"


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: its type and its first and last day (both inclusive).

    Construct periods with `parse_period` or `period_containing`; constructing one directly
    (for example from database columns) is checked, so a "quarter" from 1 May to 31 July is
    refused rather than silently reported.
    """

    type: PeriodType
    start: date
    end: date

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "type", PeriodType(self.type))
        except ValueError:
            raise PeriodError(f"'{self.type}' is not a period type") from None
        if _bounds(self.type, self.start) != (self.start, self.end):
            raise PeriodError(
                f"{self.start.isoformat()} to {self.end.isoformat()} is not a {self.type.label}"
            )

    def __str__(self) -> str:
        return self.code

    @property
    def midpoint(self) -> date:
        """The middle day; for an ISO week this is its Thursday, which decides its year."""
        return self.start + timedelta(days=(self.end - self.start).days // 2)

    @property
    def number(self) -> int:
        """Which half, quarter or tertial of its financial year this is (1-based); the
        calendar month number for a month; the ISO week number for a week; 1 for a year."""
        if self.type is PeriodType.WEEK:
            return self.start.isocalendar().week
        first_month, length = _MONTH_BLOCKS[self.type]
        return (_month_index(self.start) - (first_month - 1)) % 12 // length + 1

    @property
    def financial_year(self) -> str:
        """The code of the financial year this period is reported in.

        A period that straddles two financial years (a calendar or academic year, or a week
        around 1 April) belongs to the one holding its midpoint, the same rule ISO uses to give
        a week to a year.
        """
        fy_start, _ = _bounds(PeriodType.FINANCIAL_YEAR, self.midpoint)
        return _year_code(fy_start.year)

    @property
    def code(self) -> str:
        match self.type:
            case PeriodType.WEEK:
                iso = self.start.isocalendar()
                return f"{iso.year}-W{iso.week:02d}"
            case PeriodType.MONTH:
                return f"{self.start.year}-{self.start.month:02d}"
            case PeriodType.FINANCIAL_YEAR:
                return _year_code(self.start.year)
            case PeriodType.CALENDAR_YEAR:
                return f"CY{self.start.year}"
            case PeriodType.ACADEMIC_YEAR:
                return f"AY{_year_code(self.start.year)}"
            case _:
                prefix = _PREFIX_FOR_PART[self.type]
                return f"{self.financial_year} {prefix}{self.number}"

    @property
    def label(self) -> str:
        """A human label, e.g. 'Q1 2025/26 (Apr–Jun 2025)'."""
        match self.type:
            case PeriodType.WEEK:
                iso = self.start.isocalendar()
                return f"Week {iso.week} {iso.year} ({_day_span(self.start, self.end)})"
            case PeriodType.MONTH:
                return f"{_MONTH_NAMES[self.start.month - 1]} {self.start.year}"
            case PeriodType.FINANCIAL_YEAR:
                return f"{self.code} ({_month_span(self.start, self.end)})"
            case PeriodType.CALENDAR_YEAR:
                return f"Calendar year {self.start.year}"
            case PeriodType.ACADEMIC_YEAR:
                years = _year_code(self.start.year)
                return f"Academic year {years} ({_month_span(self.start, self.end)})"
            case _:
                prefix = _PREFIX_FOR_PART[self.type]
                span = _month_span(self.start, self.end)
                return f"{prefix}{self.number} {self.financial_year} ({span})"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_containing(type: PeriodType, day: date) -> Period:
    """The period of the given type that contains `day`."""
    type_ = PeriodType(type)
    start, end = _bounds(type_, day)
    return Period(type_, start, end)


_YEAR = r"(\d{4})/(\d{2})"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_YEAR}$"), "financial_year"),
    (re.compile(rf"^{_YEAR}\s+([HQT])(\d+)$", re.IGNORECASE), "part"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE), "week"),
    (re.compile(r"^CY(\d{4})$", re.IGNORECASE), "calendar_year"),
    (re.compile(rf"^AY{_YEAR}$", re.IGNORECASE), "academic_year"),
]

_PARTS_PER_YEAR = {PeriodType.QUARTER: 4, PeriodType.TERTIAL: 3, PeriodType.HALF: 2}


def _first_year(code: str, first: str, second: str) -> int:
    year = int(first)
    if int(second) != (year + 1) % 100:
        raise PeriodError(
            f"'{code}' is not a valid period code: a year code runs over two consecutive years, "
            f"so {year} must be followed by {(year + 1) % 100:02d} ({_year_code(year)})"
        )
    return year


def _weeks_in_iso_year(year: int) -> int:
    # 28 December is always in the last ISO week of its year.
    return date(year, 12, 28).isocalendar().week


def parse_period(code: str) -> Period:
    """The period with this code (surrounding spaces and letter case are forgiven).

    Raises `PeriodError` naming the code and the forms expected.
    """
    if not isinstance(code, str):
        raise PeriodError(f"'{code}' is not a valid period code: {_EXPECTED_FORMS}")
    return _parse_text(code)


@functools.lru_cache(maxsize=4096)
def _parse_text(code: str) -> Period:
    # Cached: an import of 10,000 rows repeats a handful of codes, and periods are immutable.
    try:
        return _parse(code, code.strip())
    except PeriodError:
        raise
    except (ValueError, OverflowError):
        # Out-of-range calendar arithmetic, e.g. year 0000.
        raise PeriodError(f"'{code}' is not a valid period code: {_EXPECTED_FORMS}") from None


def _parse(code: str, text: str) -> Period:
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        if kind == "financial_year":
            year = _first_year(code, groups[0], groups[1])
            return period_containing(PeriodType.FINANCIAL_YEAR, date(year, 4, 1))
        if kind == "academic_year":
            year = _first_year(code, groups[0], groups[1])
            return period_containing(PeriodType.ACADEMIC_YEAR, date(year, 9, 1))
        if kind == "calendar_year":
            return period_containing(PeriodType.CALENDAR_YEAR, date(int(groups[0]), 1, 1))
        if kind == "month":
            month = int(groups[1])
            if not 1 <= month <= 12:
                raise PeriodError(
                    f"'{code}' is not a valid period code: the month must be 01 to 12"
                )
            return period_containing(PeriodType.MONTH, date(int(groups[0]), month, 1))
        if kind == "week":
            year, week = int(groups[0]), int(groups[1])
            weeks = _weeks_in_iso_year(year)
            if not 1 <= week <= weeks:
                raise PeriodError(
                    f"'{code}' is not a valid period code: ISO year {year} has weeks 1 to {weeks}"
                )
            return period_containing(PeriodType.WEEK, date.fromisocalendar(year, week, 1))
        # A half, quarter or tertial of a financial year.
        year = _first_year(code, groups[0], groups[1])
        type_ = _PART_FOR_PREFIX[groups[2].upper()]
        number, count = int(groups[3]), _PARTS_PER_YEAR[type_]
        if not 1 <= number <= count:
            raise PeriodError(
                f"'{code}' is not a valid period code: a financial year has "
                f"{type_.plural} {groups[2].upper()}1 to {groups[2].upper()}{count}"
            )
        first_month, length = _MONTH_BLOCKS[type_]
        start = _first_of(year * 12 + first_month - 1 + (number - 1) * length)
        return period_containing(type_, start)
    raise PeriodError(f"'{code}' is not a valid period code: {_EXPECTED_FORMS}")


def previous_period(p: Period) -> Period:
    """The period of the same type just before `p` (Q1 2025/26 -> Q4 2024/25)."""
    return period_containing(p.type, p.start - timedelta(days=1))


def next_period(p: Period) -> Period:
    """The period of the same type just after `p` (Q4 2024/25 -> Q1 2025/26)."""
    return period_containing(p.type, p.end + timedelta(days=1))


def same_period_last_year(p: Period) -> Period:
    """The comparable period a year earlier, for the long-term trend.

    Month-based periods move back twelve months. A week moves to the same ISO week number of
    the previous ISO year, or to its week 52 when that year has no week 53.
    """
    if p.type is PeriodType.WEEK:
        iso = p.start.isocalendar()
        year = iso.year - 1
        week = min(iso.week, _weeks_in_iso_year(year))
        return period_containing(PeriodType.WEEK, date.fromisocalendar(year, week, 1))
    return period_containing(p.type, _first_of(_month_index(p.start) - 12))


def _as_period(type_: PeriodType, point: Period | date, *, at_end: bool) -> Period:
    if isinstance(point, Period):
        if point.type is type_:
            return point
        return period_containing(type_, point.end if at_end else point.start)
    return period_containing(type_, point)


def periods_between(
    type: PeriodType,
    first: Period | date,
    last: Period | date,
) -> list[Period]:
    """Every period of `type` from the one containing `first` to the one containing `last`,
    in order, both included.

    A `first` of a longer type counts from its first day and a `last` from its last day, so
    `periods_between(MONTH, Q1, Q2)` is April to September. An empty list when `last` comes
    before `first`, which lets callers ask for "the periods so far" without a special case.
    """
    type_ = PeriodType(type)
    current = _as_period(type_, first, at_end=False)
    stop = _as_period(type_, last, at_end=True)
    found: list[Period] = []
    while current.start <= stop.start:
        found.append(current)
        current = next_period(current)
    return found


def sub_periods(p: Period, type: PeriodType) -> list[Period]:
    """The periods of `type` that make up `p`, in order (the three months of a quarter).

    Weeks do not fit months exactly, so a week belongs to the period holding its Thursday
    (the ISO rule); a financial year then has 52 or 53 weeks. Other types must fit exactly:
    asking for the quarters of an academic year, or the quarters of a month, raises
    `PeriodError`.
    """
    type_ = PeriodType(type)
    if type_ is p.type:
        return [p]
    if _NOMINAL_DAYS[type_] > _NOMINAL_DAYS[p.type]:
        raise PeriodError(f"a {type_.label} is longer than the {p.type.label} {p.code}")
    if type_ is PeriodType.WEEK:
        candidates = periods_between(type_, p.start - timedelta(days=3), p.end + timedelta(days=3))
        return [week for week in candidates if p.contains(week.midpoint)]
    found = periods_between(type_, p.start, p.end)
    if found[0].start != p.start or found[-1].end != p.end:
        raise PeriodError(f"{type_.plural} do not fit exactly into the {p.type.label} {p.code}")
    return found


def period_due_date(p: Period, *, day_of_following_month: int = 15, lag_months: int = 1) -> date:
    """When a value for `p` is due: that day of the month `lag_months` after the period ends.

    The default is the 15th of the month after the period ends (Q1, April–June, is due on
    15 July). A day past the end of a short month falls on its last day (the 31st of February
    is the 28th or 29th).
    """
    if not 1 <= day_of_following_month <= 31:
        raise PeriodError(f"the due day must be 1 to 31, not {day_of_following_month}")
    if lag_months < 0:
        raise PeriodError(f"the due date cannot be before the period ends (lag {lag_months})")
    month = _first_of(_month_index(p.end) + lag_months)
    last_day = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(day_of_following_month, last_day))
