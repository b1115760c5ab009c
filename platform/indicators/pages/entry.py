"""Data entry: what a provider owes, and one value at a time (with inline checking and a period
picker). The grid for many PIs and periods at once is `grid.py`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.error_summary import error_items
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.core.period_picker import period_picker, query_of
from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    parse_period,
    period_containing,
    previous_period,
)
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION

from ..domain.choices import OutOfRangePolicy
from ..models import Indicator, IndicatorValue
from ..permissions import can_enter_any_values, can_enter_values, can_manage_indicators
from ..selectors.due import DueItem
from ..selectors.owed import owed_by
from ..services.entry import value_save
from ..services.values import StaleValue, ValueCheck, value_check, value_version
from ..templatetags.indicators import pi_number
from .common import indicator_or_404, safe_next
from .forms import ValueEntryForm

DUE_SOON_DAYS = 30


def _form_for_item(item: DueItem, index: int) -> ValueEntryForm:
    row = item.value
    initial: dict[str, Any] = {"period": item.period.code, "version": value_version(row)}
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
    refuse_unless(
        can_enter_any_values(request.user),
        "Only data providers and the performance team owe values: your account enters none.",
    )
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
        "stale_value": None,
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


def _check(indicator: Indicator, form: ValueEntryForm, request_user) -> ValueCheck | None:
    try:
        return value_check(
            indicator=indicator,
            sub_area=form.chosen_sub_area(),
            reader_user=request_user,
            interface="page",
            **form.service_arguments(),
        )
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
    sub_areas = {area.pk: area for area in indicator.sub_areas.all() if area.archived_at is None}
    sub_area = sub_areas.get(
        _int_or_none(request.POST.get("sub_area") or request.GET.get("sub_area"))
    )
    existing = (
        IndicatorValue.objects.filter(
            indicator=indicator, period_code=period.code, sub_area=sub_area
        )
        .select_related("entered_by", "submitted_by", "approved_by")
        .first()
        if period is not None
        else None
    )
    initial: dict[str, Any] = {
        "period": period.code if period else requested,
        "sub_area": sub_area.pk if sub_area else "",
        "version": value_version(existing),
    }
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
    form.offer_sub_areas(sub_areas.values())
    check: ValueCheck | None = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        if action == "check":
            check = _check(indicator, form, request.user)
        else:
            try:
                row = _save(request, indicator, form, submit=action == "submit")
            except DomainError as error:
                if isinstance(error, StaleValue):
                    form.show_version(error.extra["current"]["version"])
                field = _field_for(error, indicator)
                if field and field in form.fields:
                    form.add_error(field, error.message)
                else:
                    show_domain_error(form, error)
                check = _check(indicator, form, request.user)
            else:
                done = (
                    "saved and submitted for approval" if action == "submit" else "saved as a draft"
                )
                whose = f" for {row.sub_area.name}" if row.sub_area_id else ""
                messages.success(
                    request,
                    f"The {row.period_code} value of {indicator.code}{whose} is {done}.",
                )
                return redirect(
                    safe_next(request, reverse("indicators:detail", kwargs={"pk": indicator.pk}))
                )
    # A refused period is said on the picker, where a different one is chosen.
    period_errors = [str(message) for message in form.errors.get("period", [])]
    if not period_errors and period is None and requested:
        period_errors = [f"'{requested}' is not a period code; choose a period from the list."]
    picker = period_picker(
        type=indicator.period_type,
        selected=period.code if period else "",
        label="Period",
        hint="The period whose value you are entering. Choose another and select Show.",
        field_id="entry-period",
        query=query_of(request) if request.method == "GET" else None,
        path=request.path,
        error=" ".join(period_errors),
    )
    errors = [
        item._replace(anchor="entry-period") if item.label == form["period"].label else item
        for item in error_items(form)
    ]
    return render(
        request,
        "indicators/value_entry.html",
        {
            "indicator": indicator,
            "period": period,
            "picker": picker,
            "existing": existing,
            "sub_area": sub_area,
            "form": form,
            "errors": errors,
            "check": check,
            "allows_confirmation": indicator.out_of_range_policy == OutOfRangePolicy.CONFIRM,
            "next": safe_next(request, ""),
        },
        status=400 if form.errors else 200,
    )


def _int_or_none(text: Any) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _parsed(code: str) -> Period | None:
    try:
        return parse_period(code.strip())
    except PeriodError:
        return None


def _save(
    request: HttpRequest, indicator: Indicator, form: ValueEntryForm, *, submit: bool
) -> IndicatorValue:
    data = form.cleaned_data
    return value_save(
        actor=request.user,
        indicator=indicator,
        confirm_out_of_range=data.get("confirm_out_of_range") or False,
        out_of_range_note=data.get("out_of_range_note") or "",
        reason=data.get("reason") or "",
        commentary=data.get("commentary") or "",
        submit=submit,
        sub_area=form.chosen_sub_area(),
        interface="page",
        version=data.get("version") or None,
        **form.service_arguments(),
    )


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
    form.offer_sub_areas(indicator.sub_areas.all())
    if not form.is_valid():
        problems = [str(message) for errors in form.errors.values() for message in errors]
        html = render_to_string(
            "indicators/includes/check_result.html",
            {"check": {"refused": True, "messages": problems}, "indicator": indicator},
        )
        return JsonResponse(
            {"refused": True, "messages": problems, "status": None, "html": html}, status=400
        )
    check = value_check(
        indicator=indicator,
        sub_area=form.chosen_sub_area(),
        reader_user=request.user,
        interface="page",
        **form.service_arguments(),
    )
    return JsonResponse(check_payload(indicator, check))
