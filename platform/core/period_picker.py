"""The one period picker: nobody types a period code to reach another period.

Every page that shows or takes one period (the value grid's year, single value entry,
partnership dashboards and reports, partnership targets, benchmarking comparisons) offers the
same control, drawn by `templates/includes/period_picker.html`:

- links to the current and recent periods, one click each (the chosen one marked
  `aria-current`), keeping the page's other query parameters;
- a labelled `<select>` of every period of the type, newest first: "Current and recent", then
  one group per earlier year ("Another period: 2023/24", …), and, for pages that set targets,
  the years ahead. A period asked for in the address that the list would not hold is added as
  its own group, so the control always shows what the page shows.

The period code stays the URL (or form) parameter; the control only spares people typing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.utils import timezone

from .periods import (
    Period,
    PeriodError,
    PeriodType,
    next_period,
    parse_period,
    period_containing,
    previous_period,
)

# How many periods are "recent" (one click away), after the current one, and how many earlier
# years the list holds, per type: about a year back at a click, a few years in the list.
RECENT = {
    PeriodType.WEEK: 4,
    PeriodType.MONTH: 5,
    PeriodType.QUARTER: 4,
    PeriodType.TERTIAL: 3,
    PeriodType.HALF: 2,
    PeriodType.FINANCIAL_YEAR: 3,
    PeriodType.CALENDAR_YEAR: 3,
    PeriodType.ACADEMIC_YEAR: 3,
}
YEARS_LISTED = {PeriodType.WEEK: 2, PeriodType.MONTH: 5}
DEFAULT_YEARS_LISTED = 8


@dataclass(frozen=True)
class PeriodOption:
    code: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class PeriodGroup:
    label: str
    options: tuple[PeriodOption, ...]


@dataclass(frozen=True)
class QuickLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class PeriodPicker:
    """What the include draws. `field_id` is the select's id (an error summary links to it);
    `blank` is the label of an empty first choice ("Latest"), if the page allows none."""

    name: str
    field_id: str
    label: str
    hint: str
    groups: tuple[PeriodGroup, ...]
    quick: tuple[QuickLink, ...] = ()
    blank: str = ""
    error: str = ""

    @property
    def selected_code(self) -> str:
        for group in self.groups:
            for option in group.options:
                if option.selected:
                    return option.code
        return ""


def _parsed(code: str) -> Period | None:
    try:
        return parse_period((code or "").strip())
    except PeriodError:
        return None


def _option(period: Period, selected: str, note: str = "") -> PeriodOption:
    label = f"{period.label} – {note}" if note else period.label
    return PeriodOption(period.code, label, period.code == selected)


def period_picker(
    *,
    type: PeriodType | str,
    selected: str = "",
    name: str = "period",
    label: str = "Period",
    hint: str = "",
    field_id: str = "",
    today: date | None = None,
    query: dict[str, str] | None = None,
    path: str = "",
    years_ahead: int = 0,
    blank: str = "",
    include_current: bool = True,
    error: str = "",
) -> PeriodPicker:
    """A picker of periods of `type`, with `selected` (a code) chosen.

    `query` (the page's other GET parameters) and `path` make the one-click links; without
    them there are none (a picker inside a POST form). `years_ahead` lists future periods
    too (targets). `include_current=False` starts at the last period that has ended.
    """
    type_ = PeriodType(type)
    today = today or timezone.localdate()
    current = period_containing(type_, today)
    newest = current if include_current else previous_period(current)
    recent: list[Period] = [newest]
    for _ in range(RECENT[type_]):
        recent.append(previous_period(recent[-1]))
    notes = {current.code: "current period", previous_period(current).code: "latest ended"}
    groups: list[PeriodGroup] = []
    chosen = _parsed(selected)
    selected_code = chosen.code if chosen else ""

    ahead: list[Period] = []
    if years_ahead:
        stop = period_containing(PeriodType.FINANCIAL_YEAR, today)
        for _ in range(years_ahead):
            stop = next_period(stop)
        cursor = next_period(newest)
        while cursor.start <= stop.end:
            ahead.append(cursor)
            cursor = next_period(cursor)
    if ahead:
        groups.append(
            PeriodGroup(
                "Coming periods",
                tuple(_option(p, selected_code) for p in reversed(ahead)),
            )
        )
    groups.append(
        PeriodGroup(
            "Current and recent",
            tuple(_option(p, selected_code, notes.get(p.code, "")) for p in recent),
        )
    )
    earliest_year = period_containing(PeriodType.FINANCIAL_YEAR, recent[-1].start)
    for _ in range(YEARS_LISTED.get(type_, DEFAULT_YEARS_LISTED)):
        earliest_year = previous_period(earliest_year)
    earlier: dict[str, list[Period]] = {}
    cursor = previous_period(recent[-1])
    while cursor.start >= earliest_year.start:
        earlier.setdefault(cursor.financial_year, []).append(cursor)
        cursor = previous_period(cursor)
    for year, periods in earlier.items():
        label_ = "Another year" if type_ is PeriodType.FINANCIAL_YEAR else f"Another period: {year}"
        groups.append(PeriodGroup(label_, tuple(_option(p, selected_code) for p in periods)))
    listed = {option.code for group in groups for option in group.options}
    if chosen is not None and chosen.code not in listed:
        groups.insert(0, PeriodGroup("Chosen", (_option(chosen, selected_code),)))
    quick: tuple[QuickLink, ...] = ()
    if query is not None:
        others = {key: value for key, value in query.items() if key != name}
        quick = tuple(
            QuickLink(
                p.label.split(" (")[0],
                f"{path}?{urlencode({**others, name: p.code})}",
                p.code == selected_code,
            )
            for p in recent
        )
    merged = _merge_year_groups(groups) if type_ is PeriodType.FINANCIAL_YEAR else groups
    return PeriodPicker(
        name=name,
        field_id=field_id or f"{name}-picker",
        label=label,
        hint=hint,
        groups=tuple(merged),
        quick=quick,
        blank=blank,
        error=error,
    )


def _merge_year_groups(groups: list[PeriodGroup]) -> list[PeriodGroup]:
    """Years are listed one group per year otherwise; for a picker of years, one group."""
    kept = [group for group in groups if group.label != "Another year"]
    older = tuple(
        option for group in groups if group.label == "Another year" for option in group.options
    )
    return kept + ([PeriodGroup("Another year", older)] if older else [])


def period_choices(picker: PeriodPicker) -> list:
    """The picker's periods as a form field's grouped choices (`forms.ChoiceField(choices=…)`,
    drawn by `includes/field.html` as a select with the same groups), for forms that take a
    period: the blank choice first when the picker has one."""
    choices: list = [("", picker.blank)] if picker.blank else []
    for group in picker.groups:
        choices.append((group.label, [(option.code, option.label) for option in group.options]))
    return choices


def period_field(choices: list, *, label: str = "Period") -> forms.CharField:
    """A form field that takes a period code, drawn as a select of `choices`
    (`period_choices`). It stays a text field underneath: the service that uses the code
    checks it and says what is wrong in its own words (a month for a quarterly PI), instead
    of a stock "not one of the available choices"."""
    return forms.CharField(label=label, max_length=24, widget=forms.Select(choices=choices))


def query_of(request) -> dict[str, str]:
    """A request's GET parameters, one value each, for `period_picker(query=...)`."""
    return {key: request.GET.get(key, "") for key in request.GET}
