"""The quarterly performance report: every PI for a chosen period, grouped by service area."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.periods import (
    Period,
    PeriodType,
    period_containing,
    periods_between,
    previous_period,
)

from ..permissions import can_read
from ..selectors.report import performance_report
from ..services.common import parse_code
from .common import refuse_unless
from .forms import ReportForm

YEARS_OFFERED = 6


def default_report_period(today) -> Period:
    """The last quarter that has ended."""
    return previous_period(period_containing(PeriodType.QUARTER, today))


def offered_periods(today) -> list[Period]:
    """Quarters and financial years of the last few years, newest first."""
    start = today - timedelta(days=366 * YEARS_OFFERED)
    quarters = periods_between(PeriodType.QUARTER, start, today)
    years = periods_between(PeriodType.FINANCIAL_YEAR, start, today)
    return sorted(
        [*quarters, *years], key=lambda p: (p.end, p.type is PeriodType.QUARTER), reverse=True
    )


@login_required
@require_http_methods(["GET"])
def report_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_read(request.user), "Your account cannot read this organisation's reports.")
    today = timezone.localdate()
    periods = offered_periods(today)
    data = request.GET.copy()
    data.setdefault("period", default_report_period(today).code)
    problem = ""
    try:
        chosen = parse_code(data["period"])
    except DomainError as error:
        problem, chosen = error.message, None
    if chosen is not None and chosen not in periods:
        periods.insert(0, chosen)  # any valid period may be asked for by its code
    form = ReportForm(data, periods=periods)
    report = None
    if chosen is not None and form.is_valid():
        report = performance_report(
            period_code=chosen.code,
            service_area=form.cleaned_data.get("service_area"),
            approved_only=form.cleaned_data.get("approved_only") or False,
            today=today,
        )
    elif chosen is not None:
        problem = " ".join(str(m) for errors in form.errors.values() for m in errors)
    return render(
        request,
        "indicators/report.html",
        {"form": form, "report": report, "problem": problem, "period": chosen},
        status=400 if problem else 200,
    )
