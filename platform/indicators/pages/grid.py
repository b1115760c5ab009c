"""The grid: many PIs × the periods of one financial year in one form, each cell with its own
commentary and, when the value is out of range or far from the previous period's, its own
confirmation and note.

Saving: each cell is saved (and submitted, with "Save and submit") on its own through
`services.entry.values_save_each`; a refused cell saves nothing of itself — not its number, its
note or its commentary — and is shown again with what was typed and the reason beside it,
while the other cells are saved. "Save and submit" also submits drafts saved earlier and
left unchanged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.error_summary import ErrorItem
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.period_picker import period_picker
from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    parse_period,
    period_containing,
    sub_periods,
)

from ..domain.choices import OutOfRangePolicy, UnitKind, ValueState, WorkflowStatus
from ..domain.numbers import NumberNotUnderstood, parse_number
from ..models import Indicator, IndicatorValue
from ..permissions import can_manage_indicators
from ..services.entry import values_save_each
from ..services.values import value_version
from .entry import _plain

GRID_FREQUENCIES = {
    "monthly": ("Monthly", PeriodType.MONTH),
    "quarterly": ("Quarterly", PeriodType.QUARTER),
    "three_times_a_year": ("Three times a year", PeriodType.TERTIAL),
    "half_yearly": ("Half-yearly", PeriodType.HALF),
    "annual": ("Annual (financial year)", PeriodType.FINANCIAL_YEAR),
}


def _grid_year(raw: str) -> Period:
    today = timezone.localdate()
    fallback = period_containing(PeriodType.FINANCIAL_YEAR, today - timedelta(days=31))
    if not raw:
        return fallback
    try:
        year = parse_period(raw.strip())
    except PeriodError:
        return fallback
    return year if year.type is PeriodType.FINANCIAL_YEAR else fallback


def _grid_indicators(user, frequency: str) -> list[Indicator]:
    qs = Indicator.objects.filter(is_active=True, frequency=frequency).order_by("code")
    if frequency == "annual":
        qs = qs.filter(year_basis="financial_year")
    if not can_manage_indicators(user):
        qs = qs.filter(data_providers=user)
    return list(qs.distinct())


class Cell:
    """One PI × period of the grid: what is stored, what was typed, and any error."""

    def __init__(self, indicator: Indicator, period: Period, row: IndicatorValue | None, today):
        self.indicator = indicator
        self.period = period
        self.row = row
        self.key = f"cell-{indicator.pk}-{period.code.replace('/', '-').replace(' ', '-')}"
        self.started = period.start <= today
        self.editable = self.started and (
            row is None or row.workflow_status == WorkflowStatus.DRAFT
        )
        self.error = ""
        self.error_code = ""
        self.typed: dict[str, str] = {}
        self.commentary = ""
        self.confirm = False
        self.note = ""
        # The version of the value this page showed, and the numbers it showed: sent back
        # with the save so that a cell someone else changed meanwhile is refused, not
        # overwritten, and a cell this person did not touch is left alone.
        self.version = value_version(row)
        self.seen: str | None = None
        if row is not None:
            self.typed = {
                "value": _plain(row.value) if not indicator.is_calculated else "",
                "numerator": _plain(row.numerator),
                "denominator": _plain(row.denominator),
            }

    @property
    def label(self) -> str:
        return f"{self.indicator.code}, {self.period.label}"

    @property
    def first_input_id(self) -> str:
        """Where the error summary sends the user: the box the problem is about."""
        if self.error_code == "commentary_required":
            return f"{self.key}-commentary"
        if self.error_code == "confirmation_required":
            return f"{self.key}-confirm"
        return f"{self.key}-{'numerator' if self.indicator.is_calculated else 'value'}"

    @property
    def details_open(self) -> bool:
        """The cell's commentary and note boxes start open when they hold something or are
        what the error is about."""
        return bool(
            self.commentary
            or self.note
            or self.confirm
            or self.error_code in ("commentary_required", "confirmation_required")
        )

    @property
    def allows_confirmation(self) -> bool:
        return self.indicator.out_of_range_policy == OutOfRangePolicy.CONFIRM

    @property
    def reason_not_editable(self) -> str:
        if not self.started:
            return "Not started yet"
        if self.row is not None and self.row.workflow_status == WorkflowStatus.SUBMITTED:
            return "Submitted for approval"
        if self.row is not None and self.row.workflow_status == WorkflowStatus.APPROVED:
            return "Approved (locked)"
        return ""

    def read(self, data) -> None:
        names = ("numerator", "denominator") if self.indicator.is_calculated else ("value",)
        self.typed = {name: (data.get(f"{self.key}-{name}") or "").strip() for name in names}
        self.commentary = (data.get(f"{self.key}-commentary") or "").strip()
        self.confirm = bool(data.get(f"{self.key}-confirm"))
        self.note = (data.get(f"{self.key}-note") or "").strip()
        posted = data.get(f"{self.key}-version")
        if posted:
            self.version = posted
            self.seen = data.get(f"{self.key}-seen")

    @property
    def shown(self) -> str:
        """The numbers in the cell's boxes, as one text (what `seen` holds)."""
        return "/".join(self.typed.get(name, "") for name in ("value", "numerator", "denominator"))

    @property
    def seen_text(self) -> str:
        """What goes back in the `seen` field: what was first shown, while the version is
        still the one first shown (a refused cell shown again), else what is shown now."""
        return self.seen if self.seen is not None else self.shown

    @property
    def stale(self) -> bool:
        return self.version != value_version(self.row)

    def keep_typing_of(self, other: Cell) -> None:
        """Show what was typed in a refused cell again, with the reason."""
        self.typed, self.commentary = other.typed, other.commentary
        self.confirm, self.note = other.confirm, other.note
        self.error, self.error_code = other.error, other.error_code
        if other.error_code != "stale_value":
            # Anything but someone else's change: the next save still answers to the version
            # first shown, so a change made meanwhile is not overwritten unseen.
            self.version, self.seen = other.version, other.seen

    def changed(self) -> bool:
        if not any(self.typed.values()):
            return False
        if self.stale and self.seen is not None and self.seen == self.shown:
            return False  # untouched here, changed by someone else: theirs stays
        if self.row is None:
            return True
        stored = {
            "value": self.row.value,
            "numerator": self.row.numerator,
            "denominator": self.row.denominator,
        }
        percent = self.indicator.unit_kind == UnitKind.PERCENTAGE
        for name, text in self.typed.items():
            try:
                typed = parse_number(text, percent_sign=percent and name == "value")
            except NumberNotUnderstood:  # the service will say why
                return True
            if stored[name] is None or stored[name] != typed:
                return True
        return self.row.state != ValueState.ENTERED

    def to_save(self, *, submit: bool) -> bool:
        """Whether saving the grid touches this cell: a new or changed number, commentary or a
        note typed, or — when submitting — a draft already saved."""
        if self.changed() or self.commentary or (self.note and any(self.typed.values())):
            return True
        return submit and self.row is not None and any(self.typed.values())

    def item(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "period_code": self.period.code,
            **{name: (text or None) for name, text in self.typed.items()},
            "commentary": self.commentary,
            "confirm_out_of_range": self.confirm,
            "out_of_range_note": self.note,
            "version": self.version,
        }


def _build(indicators: list[Indicator], periods: list[Period]) -> list[tuple[Indicator, list]]:
    rows = {
        (row.indicator_id, row.period_code): row
        for row in IndicatorValue.objects.filter(
            indicator__in=indicators,
            sub_area__isnull=True,
            period_code__in=[p.code for p in periods],
        )
    }
    today = timezone.localdate()
    return [
        (
            indicator,
            [
                Cell(indicator, period, rows.get((indicator.pk, period.code)), today)
                for period in periods
            ],
        )
        for indicator in indicators
    ]


def _grid_summary(grid, message: str) -> dict[str, Any]:
    """The error summary's title and lines: under the title, each refused cell linked to the
    box its problem is about; a refusal that names no cell is the summary's one line."""
    cells = [cell for _, line in grid for cell in line if cell.error]
    if cells:
        lines = [ErrorItem(cell.first_input_id, cell.label, cell.error) for cell in cells]
        return {"title": message, "errors": lines}
    return {"title": "", "errors": [ErrorItem("", "", message)] if message else []}


def _plural(count: int, word: str = "value") -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@login_required
@require_http_methods(["GET", "POST"])
def value_grid_page(request: HttpRequest) -> HttpResponse:
    """Many PIs × the periods of one financial year; each cell saved on its own."""
    frequency = request.GET.get("frequency") or request.POST.get("frequency") or "quarterly"
    if frequency not in GRID_FREQUENCIES:
        frequency = "quarterly"
    year = _grid_year(request.GET.get("year") or request.POST.get("year") or "")
    periods = sub_periods(year, GRID_FREQUENCIES[frequency][1])
    indicators = _grid_indicators(request.user, frequency)
    grid = _build(indicators, periods)
    here = f"{reverse('indicators:grid')}?frequency={frequency}&year={year.code}"
    summary = ""
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        cells = [cell for _, line in grid for cell in line if cell.editable]
        for cell in cells:
            cell.read(request.POST)
        chosen = [cell for cell in cells if cell.to_save(submit=submit)]
        if not chosen:
            messages.info(
                request,
                "Nothing was saved: no value, commentary or note was entered or changed, and "
                "there were no drafts to submit."
                if submit
                else "Nothing was saved: no value, commentary or note was entered or changed.",
            )
            return redirect(here)
        try:
            result = values_save_each(
                actor=request.user, items=[cell.item() for cell in chosen], submit=submit
            )
        except DomainError as error:
            summary, status = error.message, 400
        else:
            done = "saved and submitted for approval" if submit else "saved as drafts"
            if result.saved:
                messages.success(request, f"{_plural(len(result.saved))} {done}.")
            if not result.refused:
                return redirect(here)
            for refusal in result.refused:
                cell = chosen[refusal["index"]]
                cell.error, cell.error_code = refusal["message"], refusal["code"]
            refused = [chosen[refusal["index"]] for refusal in result.refused]
            # Read again: the saved cells now show what was saved (or submitted).
            grid = _build(indicators, periods)
            by_key = {cell.key: cell for _, line in grid for cell in line}
            for cell in refused:
                by_key[cell.key].keep_typing_of(cell)
            summary = f"{len(refused)} of {_plural(len(chosen))} refused and not saved."
            if result.saved:
                summary += f" The other {len(result.saved)} {done}."
            status = 400
    year_picker = period_picker(
        type=PeriodType.FINANCIAL_YEAR,
        selected=year.code,
        name="year",
        label="Financial year",
        field_id="grid-year",
        query={"frequency": frequency},
        path=reverse("indicators:grid"),
    )
    return render(
        request,
        "indicators/value_grid.html",
        {
            "grid": grid,
            "periods": periods,
            "year": year,
            "year_picker": year_picker,
            "frequency": frequency,
            "frequencies": [(key, label) for key, (label, _) in GRID_FREQUENCIES.items()],
            "grid_summary": _grid_summary(grid, summary),
        },
        status=status,
    )
