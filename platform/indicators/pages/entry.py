"""Data entry: what a provider owes, one value at a time (with inline checking), and the grid
for many PIs and periods at once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.error_summary import ErrorItem, error_items
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    parse_period,
    period_containing,
    previous_period,
    sub_periods,
)
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION

from ..domain.choices import OutOfRangePolicy, UnitKind, ValueState
from ..domain.numbers import NumberNotUnderstood, parse_number
from ..models import Indicator, IndicatorValue
from ..permissions import can_enter_values, can_manage_indicators
from ..selectors.due import DueItem
from ..selectors.owed import owed_by
from ..services.values import (
    ValueCheck,
    commentary_add,
    value_check,
    value_enter,
    values_bulk_upsert,
)
from ..services.workflow import value_submit
from ..templatetags.indicators import pi_number
from .common import indicator_or_404, safe_next
from .forms import ValueEntryForm

DUE_SOON_DAYS = 30


def provided_indicator_ids(user) -> list[int]:
    return list(
        Indicator.objects.filter(data_providers=user, is_active=True).values_list("pk", flat=True)
    )


def _form_for_item(item: DueItem, index: int) -> ValueEntryForm:
    row = item.value
    initial: dict[str, Any] = {"period": item.period.code}
    if row is not None:
        initial.update(
            {
                "value": _plain(row.value) if not item.indicator.is_calculated else "",
                "numerator": _plain(row.numerator),
                "denominator": _plain(row.denominator),
                "state": row.state,
            }
        )
    return ValueEntryForm(initial=initial, auto_id=f"owe-{index}-%s")


def _plain(number: Decimal | None) -> str:
    """A stored number as typed: 72.500000 is shown as 72.5."""
    return "" if number is None else format(number.normalize(), "f")


@login_required
@require_http_methods(["GET"])
def what_i_owe_page(request: HttpRequest) -> HttpResponse:
    """The signed-in user's values to do — sent back, late, due soon, other drafts
    (`selectors.owed`) — with a form for each."""
    owed = owed_by(user=request.user, within_days=DUE_SOON_DAYS)
    entries = [
        {
            "kind": kind,
            "item": item,
            "is_late": item.due_date < timezone.localdate(),
            "form": _form_for_item(item, index),
            "index": index,
            "allows_confirmation": item.indicator.out_of_range_policy == OutOfRangePolicy.CONFIRM,
        }
        for index, (kind, item) in enumerate(owed.all)
    ]

    def of(kind: str) -> list[dict]:
        return [entry for entry in entries if entry["kind"] == kind]

    return render(
        request,
        "indicators/what_i_owe.html",
        {
            "sent_back": of("sent_back"),
            "late": of("late"),
            "soon": of("soon"),
            "drafts": of("draft"),
            "provides_any": owed.provides_any,
            "due_soon_days": DUE_SOON_DAYS,
            "can_manage": can_manage_indicators(request.user),
        },
    )


def _default_period(indicator: Indicator) -> Period:
    """The PI's latest period that has ended (the one most likely to be owed)."""
    current = period_containing(indicator.period_type, timezone.localdate())
    return previous_period(current)


def _field_for(error: DomainError, indicator: Indicator) -> str | None:
    """Which field a refused value's message belongs beside (for the error summary links and
    `aria-describedby`); None puts it above the form."""
    number_field = "numerator" if indicator.is_calculated else "value"
    by_code = {
        "wrong_period_type": "period",
        "invalid_period": "period",
        "out_of_range": number_field,
        "confirmation_required": "out_of_range_note",
        "commentary_required": "commentary",
        "locked": None,
        "submitted": None,
    }
    if error.code in by_code:
        return by_code[error.code]
    message = error.message
    if "is retired" in message:
        return None
    about_the_number = ("The value", "The numerator", "The denominator", "Enter a value")
    if message.startswith(about_the_number) or indicator.code + " is" in message[:40]:
        return number_field
    if "has not started" in message or "period" in message.lower():
        return "period"
    return number_field if error.code == "invalid" else None


def _check(indicator: Indicator, form: ValueEntryForm) -> ValueCheck | None:
    try:
        return value_check(indicator=indicator, **form.service_arguments())
    except (DomainError, KeyError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def value_entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter one value: check it (no saving), save it as a draft, or save and submit it.

    Saving, commentary and submitting happen in one transaction: when any of them is refused
    nothing changes and the page says why.
    """
    indicator = indicator_or_404(pk)
    refuse_unless(
        can_enter_values(request.user, indicator),
        f"You are not a data provider for {indicator.code}, so you cannot enter its values.",
    )
    requested = request.POST.get("period") or request.GET.get("period") or ""
    period = _parsed(requested) if requested else _default_period(indicator)
    existing = (
        IndicatorValue.objects.filter(
            indicator=indicator, period_code=period.code, sub_area__isnull=True
        )
        .select_related("entered_by", "submitted_by", "approved_by")
        .first()
        if period is not None
        else None
    )
    initial: dict[str, Any] = {"period": period.code if period else requested}
    if existing is not None:
        initial.update(
            {
                "value": "" if indicator.is_calculated else _plain(existing.value),
                "numerator": _plain(existing.numerator),
                "denominator": _plain(existing.denominator),
                "state": existing.state,
            }
        )
    form = ValueEntryForm(request.POST or None, initial=initial)
    check: ValueCheck | None = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        if action == "check":
            check = _check(indicator, form)
        else:
            try:
                row = _save(request, indicator, form, submit=action == "submit")
            except DomainError as error:
                field = _field_for(error, indicator)
                if field and field in form.fields:
                    form.add_error(field, error.message)
                else:
                    show_domain_error(form, error)
                check = _check(indicator, form)
            else:
                done = (
                    "saved and submitted for approval" if action == "submit" else "saved as a draft"
                )
                messages.success(
                    request,
                    f"The {row.period_code} value of {indicator.code} is {done}.",
                )
                return redirect(
                    safe_next(request, reverse("indicators:detail", kwargs={"pk": indicator.pk}))
                )
    return render(
        request,
        "indicators/value_entry.html",
        {
            "indicator": indicator,
            "period": period,
            "existing": existing,
            "form": form,
            "errors": error_items(form),
            "check": check,
            "allows_confirmation": indicator.out_of_range_policy == OutOfRangePolicy.CONFIRM,
            "next": safe_next(request, ""),
        },
        status=400 if form.errors else 200,
    )


def _parsed(code: str) -> Period | None:
    try:
        return parse_period(code.strip())
    except PeriodError:
        return None


def _save(
    request: HttpRequest, indicator: Indicator, form: ValueEntryForm, *, submit: bool
) -> IndicatorValue:
    data = form.cleaned_data
    with transaction.atomic():
        row = value_enter(
            actor=request.user,
            indicator=indicator,
            confirm_out_of_range=data.get("confirm_out_of_range") or False,
            out_of_range_note=data.get("out_of_range_note") or "",
            reason=data.get("reason") or "",
            **form.service_arguments(),
        )
        text = (data.get("commentary") or "").strip()
        if text:
            commentary_add(
                actor=request.user, indicator=indicator, period_code=row.period_code, text=text
            )
        if submit:
            row = value_submit(actor=request.user, value=row)
    return row


def check_payload(indicator: Indicator, check: ValueCheck) -> dict[str, Any]:
    """What the inline check tells the page: refused or not, why, and the status it would get."""
    payload: dict[str, Any] = {
        "refused": check.refused,
        "needs_confirmation": check.needs_confirmation,
        "messages": check.messages,
        "status": None,
        "summary": "",
        "html": "",
    }
    if check.status is not None and not check.refused:
        shown = STATUS_PRESENTATION[check.status.status]
        payload["status"] = str(check.status.status)
        target = check.status.target
        payload["target"] = None if target is None else pi_number(target, indicator)
        payload["summary"] = f"This value would be: {shown.label}" + (
            f" (target {payload['target']})." if target is not None else "."
        )
    payload["html"] = render_to_string(
        "indicators/includes/check_result.html", {"check": check, "indicator": indicator}
    )
    return payload


@login_required
@require_POST
def value_check_api(request: HttpRequest, pk: int) -> JsonResponse:
    """Inline validation: what saving this value would do, without saving it (JSON)."""
    indicator = indicator_or_404(pk)
    refuse_unless(
        can_enter_values(request.user, indicator),
        f"You are not a data provider for {indicator.code}.",
    )
    form = ValueEntryForm(request.POST)
    if not form.is_valid():
        problems = [str(message) for errors in form.errors.values() for message in errors]
        html = render_to_string(
            "indicators/includes/check_result.html",
            {"check": {"refused": True, "messages": problems}, "indicator": indicator},
        )
        return JsonResponse(
            {"refused": True, "messages": problems, "status": None, "html": html}, status=400
        )
    check = value_check(indicator=indicator, **form.service_arguments())
    return JsonResponse(check_payload(indicator, check))


# --- the grid -----------------------------------------------------------------------------

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


def _grid_years(today) -> list[Period]:
    """This financial year and the three before it, newest first."""
    years = [period_containing(PeriodType.FINANCIAL_YEAR, today)]
    for _ in range(3):
        years.append(previous_period(years[-1]))
    return years


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
        self.editable = self.started and (row is None or row.workflow_status == "draft")
        self.error = ""
        self.typed: dict[str, str] = {}
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
        """Where the error summary sends the user: the cell's first box."""
        return f"{self.key}-{'numerator' if self.indicator.is_calculated else 'value'}"

    @property
    def reason_not_editable(self) -> str:
        if not self.started:
            return "Not started yet"
        if self.row is not None and self.row.workflow_status == "submitted":
            return "Submitted for approval"
        if self.row is not None and self.row.workflow_status == "approved":
            return "Approved (locked)"
        return ""

    def read(self, data) -> dict[str, str]:
        names = ("numerator", "denominator") if self.indicator.is_calculated else ("value",)
        self.typed = {name: (data.get(f"{self.key}-{name}") or "").strip() for name in names}
        return self.typed

    def changed(self) -> bool:
        if not any(self.typed.values()):
            return False
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


def _grid_summary(grid, message: str) -> dict[str, Any]:
    """The error summary's title and lines: under the refusal, each refused cell linked to its
    first box; a refusal that names no cell is the summary's one line."""
    cells = [cell for _, line in grid for cell in line if cell.error]
    if cells:
        lines = [ErrorItem(cell.first_input_id, cell.label, cell.error) for cell in cells]
        return {"title": message, "errors": lines}
    return {"title": "", "errors": [ErrorItem("", "", message)] if message else []}


class _Refused(Exception):
    def __init__(self, errors: list[dict[str, Any]], message: str):
        super().__init__(message)
        self.errors = errors
        self.message = message


@login_required
@require_http_methods(["GET", "POST"])
def value_grid_page(request: HttpRequest) -> HttpResponse:
    """Many PIs × the periods of one financial year in one form, saved all or nothing."""
    frequency = request.GET.get("frequency") or request.POST.get("frequency") or "quarterly"
    if frequency not in GRID_FREQUENCIES:
        frequency = "quarterly"
    year = _grid_year(request.GET.get("year") or request.POST.get("year") or "")
    periods = sub_periods(year, GRID_FREQUENCIES[frequency][1])
    indicators = _grid_indicators(request.user, frequency)
    rows = {
        (row.indicator_id, row.period_code): row
        for row in IndicatorValue.objects.filter(
            indicator__in=indicators,
            sub_area__isnull=True,
            period_code__in=[p.code for p in periods],
        )
    }
    today = timezone.localdate()
    grid = [
        (
            indicator,
            [
                Cell(indicator, period, rows.get((indicator.pk, period.code)), today)
                for period in periods
            ],
        )
        for indicator in indicators
    ]
    summary = ""
    status = 200
    if request.method == "POST":
        cells = [cell for _, line in grid for cell in line if cell.editable]
        for cell in cells:
            cell.read(request.POST)
        changed = [cell for cell in cells if cell.changed()]
        if not changed:
            messages.info(request, "Nothing was saved: no value was entered or changed.")
            return redirect(f"{reverse('indicators:grid')}?frequency={frequency}&year={year.code}")
        items = [
            {
                "indicator": cell.indicator,
                "period_code": cell.period.code,
                **{name: (text or None) for name, text in cell.typed.items()},
            }
            for cell in changed
        ]
        submit = request.POST.get("action") == "submit"
        try:
            _save_grid(request.user, items, submit=submit)
        except _Refused as refused:
            for error in refused.errors:
                message = error["message"]
                if error.get("code") == "confirmation_required":
                    message += (
                        " The grid has no box for that note: enter this value on its own page."
                    )
                changed[error["index"]].error = message
            summary = refused.message
            status = 400
        else:
            done = "saved and submitted for approval" if submit else "saved as drafts"
            messages.success(request, f"{len(items)} value{'s' if len(items) != 1 else ''} {done}.")
            return redirect(f"{reverse('indicators:grid')}?frequency={frequency}&year={year.code}")
    return render(
        request,
        "indicators/value_grid.html",
        {
            "grid": grid,
            "periods": periods,
            "year": year,
            "frequency": frequency,
            "frequencies": [(key, label) for key, (label, _) in GRID_FREQUENCIES.items()],
            "years": _grid_years(today),
            "grid_summary": _grid_summary(grid, summary),
        },
        status=status,
    )


def _save_grid(actor, items: list[dict[str, Any]], *, submit: bool) -> None:
    """All or nothing: the bulk service refuses every bad cell at once; submitting then
    happens in the same transaction, so a refused submission undoes the saving too."""
    try:
        with transaction.atomic():
            saved = values_bulk_upsert(actor=actor, items=items)
            if submit:
                errors = []
                for index, row in enumerate(saved):
                    try:
                        with transaction.atomic():
                            value_submit(actor=actor, value=row)
                    except DomainError as error:
                        errors.append({"index": index, "message": error.message})
                if errors:
                    raise _Refused(
                        errors,
                        f"{len(errors)} of {len(items)} values could not be submitted, so none "
                        "were saved.",
                    )
    except DomainError as error:
        raise _Refused(error.extra.get("errors", []), error.message) from None
