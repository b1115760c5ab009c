"""A PI's own page (chart, trends, values, commentary), its history, and reopening a value."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.error_summary import error_items
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.exporting import export_response, page_export
from goldenthread.platform.core.pages import refuse_unless, show_domain_error
from goldenthread.platform.core.periods import Period, periods_between
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.selectors.data_quality import quality_by_indicator

from ..domain.choices import (
    AuditAction,
    OutOfRangePolicy,
    RollupRule,
    SubAreaKind,
    ToleranceKind,
    UnitKind,
    ValueState,
    WorkflowStatus,
    YearBasis,
)
from ..models import Commentary, Indicator
from ..permissions import can_comment, can_enter_values, can_manage_indicators, can_read
from ..selectors.exports import audit_sheet, value_sheet
from ..selectors.forecast import indicator_forecast
from ..selectors.indicators import audit_list, indicator_sub_area_table, target_list, value_list
from ..selectors.report import indicator_values_with_trends
from ..services.values import commentary_add
from ..services.workflow import value_reopen
from .chart import build_chart, build_sub_area_chart
from .common import indicator_or_404, value_or_404
from .cost import cost_context
from .forms import CommentaryForm, ReasonForm
from .indicators import catalogue_changes
from .spc import spc_context

READ_REFUSED = "Your account cannot read this organisation's PIs."


def recent_periods(indicator: Indicator, *, count: int = 6) -> list[Period]:
    """The PI's periods that have started, newest first (for choosing one to comment on)."""
    today = timezone.localdate()
    periods = periods_between(indicator.period_type, today - timedelta(days=800), today)
    return list(reversed(periods))[:count]


def _commentary_periods(indicator: Indicator, series) -> list[Period]:
    seen: dict[str, Period] = {}
    for period in [*(item.period for item in reversed(series)), *recent_periods(indicator)]:
        seen.setdefault(period.code, period)
    return sorted(seen.values(), key=lambda p: p.start, reverse=True)


def _detail_context(
    request: HttpRequest,
    indicator: Indicator,
    commentary_form=None,
    cost_form=None,
    spc_baseline_form=None,
) -> dict:
    series = indicator_values_with_trends(indicator=indicator)
    own_type = str(indicator.period_type)
    targets = {
        target.period_code: target.value
        for target in target_list(indicator=indicator)
        if target.sub_area_id is None and target.period_type == own_type
    }
    commentary = list(
        Commentary.objects.filter(indicator=indicator)
        .select_related("author")
        .order_by("-created_at")[:30]
    )
    commented = {entry.period_code for entry in commentary}
    needing = [
        item.period
        for item in series
        if item.value.status == Status.OFF_TARGET
        and indicator.commentary_required_when_off_target
        and item.period.code not in commented
    ]
    allowed_to_comment = can_comment(request.user, indicator)
    if commentary_form is None and allowed_to_comment:
        # Offer the period most likely to need words: the newest off target without any.
        default = needing[-1] if needing else (series[-1].period if series else None)
        commentary_form = CommentaryForm(
            periods=_commentary_periods(indicator, series),
            initial={"period": default.code if default else None},
        )
    by_area = indicator_sub_area_table(indicator=indicator)
    return {
        "indicator": indicator,
        "chart": build_chart(indicator=indicator, series=series, targets=targets),
        "by_area": by_area,
        "by_area_chart": build_sub_area_chart(indicator=indicator, table=by_area),
        "rows": [(item, targets.get(item.period.code)) for item in reversed(series)],
        "latest": series[-1] if series else None,
        "data_quality": quality_by_indicator([indicator])[indicator.pk],
        "commentary": commentary,
        "needing_commentary": needing,
        "commentary_form": commentary_form,
        "commentary_errors": error_items(commentary_form) if commentary_form else [],
        "can_comment": allowed_to_comment,
        "can_enter": can_enter_values(request.user, indicator),
        "can_manage": can_manage_indicators(request.user),
        "catalogue_changes": catalogue_changes(indicator),
        "providers": list(indicator.data_providers.all()),
        "forecast": _forecast(indicator),
        **spc_context(indicator, user=request.user, form=spc_baseline_form),
        **cost_context(request, indicator, form=cost_form),
    }


def render_detail(request: HttpRequest, indicator: Indicator, *, status: int = 200, **forms):
    """The PI page again, with a form of one of its sections as it was sent (and its errors)."""
    return render(
        request,
        "indicators/indicator_detail.html",
        _detail_context(request, indicator, **forms),
        status=status,
    )


def _forecast(indicator: Indicator) -> dict | None:
    """The year-end forecast panel's words and figures (None: nothing to forecast)."""
    found = indicator_forecast(indicator)
    if found is None:
        return None
    year, forecast = found
    places = indicator.decimal_places

    def figure(number):
        return None if number is None else f"{number:,.{places}f}"

    return {
        "year": year.label,
        "available": forecast.available,
        "outturn": figure(forecast.outturn),
        "low": figure(forecast.low),
        "high": figure(forecast.high),
        "chance": None if forecast.probability is None else round(forecast.probability * 100),
        "words": forecast.words,
        "method": forecast.method,
        "past_years": forecast.past_years,
    }


@login_required
@require_http_methods(["GET"])
def indicator_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_or_404(pk)
    refuse_unless(can_read(request.user), READ_REFUSED)
    download = page_export(request)
    if download:
        # The values table of the page, every sub-area included, as a file.
        sheet = value_sheet(values=value_list(indicator=indicator), title=indicator.code)
        return export_response(fmt=download, stem=f"{indicator.code}-values", sheet=sheet)
    return render(request, "indicators/indicator_detail.html", _detail_context(request, indicator))


@login_required
@require_POST
def commentary_add_page(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = indicator_or_404(pk)
    refuse_unless(
        can_comment(request.user, indicator),
        f"Only {indicator.code}'s owner, its data providers and performance officers may "
        "comment on it.",
    )
    series = indicator_values_with_trends(indicator=indicator)
    form = CommentaryForm(request.POST, periods=_commentary_periods(indicator, series))
    if form.is_valid():
        try:
            entry = commentary_add(
                actor=request.user,
                indicator=indicator,
                period_code=form.cleaned_data["period"],
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            show_domain_error(form, error, field_map={"period_code": "period"})
        else:
            messages.success(request, f"Your commentary on {entry.period_code} is added.")
            return redirect(f"{indicator_url(indicator)}#commentary")
    return render(
        request,
        "indicators/indicator_detail.html",
        _detail_context(request, indicator, commentary_form=form),
        status=400,
    )


def indicator_url(indicator: Indicator) -> str:
    return reverse("indicators:detail", kwargs={"pk": indicator.pk})


FIELD_LABELS = {
    "value": "Value",
    "unit_kind": "Unit",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "state": "Recorded as",
    "workflow_status": "Workflow",
    "status": "Status",
    "out_of_range_confirmed": "Out of range confirmed",
    "large_change_confirmed": "Far from the previous period, confirmed",
    "anomaly_confirmed": "Far from the indicator's own history or its peers, confirmed",
    "out_of_range_note": "Provider's note on the value",
    "text": "Commentary",
    "note": "Note",
    "is_active": "Active",
    "cover_for": "As cover for the named verifier",
}


# The trail stores codes (`off_target`, `submitted`); people read their labels.
FIELD_WORDS: dict[str, dict[str, str]] = {
    "status": {str(status): shown.label for status, shown in STATUS_PRESENTATION.items()},
    "workflow_status": dict(WorkflowStatus.choices),
    "state": dict(ValueState.choices),
    "unit_kind": dict(UnitKind.choices),
    "polarity": dict(Polarity.choices),
    "status_polarity": dict(Polarity.choices),
    "frequency": dict(Frequency.choices),
    "year_basis": dict(YearBasis.choices),
    "rollup_rule": dict(RollupRule.choices),
    "out_of_range_policy": dict(OutOfRangePolicy.choices),
    "tolerance_kind": dict(ToleranceKind.choices),
    "status_tolerance_kind": dict(ToleranceKind.choices),
    "kind": dict(SubAreaKind.choices),
}


def _shown(value: Any, words: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return "(none)"
    if words and isinstance(value, str) and value in words:
        return words[value]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(none)"
    return str(value)


def audit_changes(entry) -> list[tuple[str, str, str]]:
    """(field, old, new) for each field an audit entry records, in a stable order."""
    old, new = entry.old or {}, entry.new or {}
    names = list(dict.fromkeys([*new.keys(), *old.keys()]))
    return [
        (
            FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            _shown(old.get(name), FIELD_WORDS.get(name)) if entry.old is not None else "",
            _shown(new.get(name), FIELD_WORDS.get(name)) if entry.new is not None else "",
        )
        for name in names
    ]


@login_required
@require_http_methods(["GET"])
def indicator_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The PI's audit trail: who changed what and when, from what to what, and why."""
    indicator = indicator_or_404(pk)
    refuse_unless(can_read(request.user), READ_REFUSED)
    download = page_export(request)
    if download:
        sheet = audit_sheet(
            entries=audit_list(indicator=indicator), title=f"{indicator.code} history"
        )
        return export_response(fmt=download, stem=f"{indicator.code}-history", sheet=sheet)
    paginator = Paginator(audit_list(indicator=indicator), 50)
    page = paginator.get_page(request.GET.get("page"))
    labels = dict(AuditAction.choices)
    entries = [
        {
            "entry": entry,
            "action": labels.get(entry.action, entry.action),
            "changes": audit_changes(entry),
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "indicators/indicator_history.html",
        {"indicator": indicator, "page": page, "entries": entries},
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_reopen_page(request: HttpRequest, value_pk: int) -> HttpResponse:
    """Unlock an approved value for correction; the reason goes into the audit trail."""
    row = value_or_404(value_pk)
    refuse_unless(
        can_manage_indicators(request.user),
        "Only performance officers and organisation administrators may reopen approved values.",
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            value_reopen(actor=request.user, value=row, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(
                request,
                f"The {row.period_code} value of {row.indicator.code} is reopened as a draft.",
            )
            return redirect("indicators:detail", pk=row.indicator_id)
    return render(
        request,
        "indicators/value_reopen.html",
        {
            "row": row,
            "indicator": row.indicator,
            "form": form,
            "errors": error_items(form),
            "is_approved": row.workflow_status == WorkflowStatus.APPROVED,
        },
        status=400 if form.errors else 200,
    )
