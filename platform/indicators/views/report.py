"""The quarterly performance report: every PI for a chosen period, grouped by service area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.periods import (
    Period,
    PeriodType,
    period_containing,
    periods_between,
    previous_period,
)

from ..choices import WorkflowStatus
from ..permissions import can_read
from ..selectors.report import Report, ReportRow, performance_report
from ..services.common import parse_code
from ..templatetags.indicators import pi_number, reading_text, status_badge, trend_badge
from .common import refuse_unless
from .forms import ReportForm

YEARS_OFFERED = 6
SHORT_TERM = "against the previous period"
LONG_TERM = "against the same period last year"


@dataclass(frozen=True)
class ReportLine:
    """One PI's row of the report, ready to print: formatting is done once here rather than
    by hundreds of template lookups (the report of a large council has 600 rows)."""

    row: ReportRow
    url: str
    period_note: str
    value: str
    unapproved: str
    target: str
    status: SafeString
    previous_code: str
    previous: str
    short_trend: SafeString
    last_year_code: str
    last_year: str
    long_trend: SafeString


def report_lines(report: Report) -> list[tuple[str, list[ReportLine]]]:
    """The report's groups (service area name, lines), in the selector's order."""
    detail = reverse("indicators:list")
    groups = []
    for area, rows in report.groups:
        lines = []
        for row in rows:
            indicator = row.indicator
            workflow = row.current.workflow_status
            lines.append(
                ReportLine(
                    row=row,
                    url=f"{detail}{indicator.pk}/",
                    period_note=""
                    if row.current.period == report.period
                    else row.current.period.label,
                    value=reading_text(row.current, indicator),
                    unapproved=""
                    if not workflow or workflow == WorkflowStatus.APPROVED
                    else f"({workflow})",
                    target=pi_number(row.target, indicator),
                    status=status_badge(row.status),
                    previous_code=row.previous.period.code,
                    previous=reading_text(row.previous, indicator),
                    short_trend=trend_badge(row.short_trend, SHORT_TERM),
                    last_year_code=row.last_year.period.code,
                    last_year=reading_text(row.last_year, indicator),
                    long_trend=trend_badge(row.long_trend, LONG_TERM),
                )
            )
        groups.append((area.name if area else "No service area", lines))
    return groups


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
        {
            "form": form,
            "report": report,
            "groups": report_lines(report) if report else [],
            "problem": problem,
            "period": chosen,
        },
        status=400 if problem else 200,
    )
