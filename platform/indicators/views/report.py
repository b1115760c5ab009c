"""The quarterly performance report: every PI for a chosen period, grouped by service area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from html import escape as escape_html
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.choices import Polarity
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


# One PI's row of the report. The rows are built here rather than in the template because the
# report of a large council has 600 of them, and some 12,000 template variable lookups took
# longer than fetching the report's data (bench/report.py). Every part is escaped as the
# template would (see `_fill`); the markup is the same the template produced.
ROW_HTML = """
      <tr data-code="{code}">
        <th scope="row"><a href="{url}">{code}</a> <span class="report-title">{title}</span> \
<span class="report-polarity">{polarity}</span>{period_note}</th>
        <td class="num">{value}{unapproved}</td>
        <td class="num">{target}</td>
        <td>{status}</td>
        <td class="num"><span class="report-period">{previous_code}:</span> {previous}</td>
        <td>{short_trend}</td>
        <td class="num"><span class="report-period">{last_year_code}:</span> {last_year}</td>
        <td>{long_trend}</td>
        <td class="report-commentary">{commentary}</td>
      </tr>
    """
PERIOD_NOTE_HTML = ' <span class="report-period">{note}</span>'
UNAPPROVED_HTML = ' <span class="report-unapproved">({workflow})</span>'
COMMENTARY_HTML = '{text} <span class="commentary-meta">— {author}</span>'
POLARITY_LABELS = {value: str(label) for value, label in Polarity.choices}


def _fill(template: str, **parts: Any) -> SafeString:
    """`format_html` for the report's hot path: each part is escaped unless it is already safe
    HTML, exactly as `conditional_escape` does, without its per-argument laziness checks."""
    return mark_safe(  # noqa: S308 - every part is escaped or already safe
        template.format(
            **{
                name: part.__html__() if hasattr(part, "__html__") else escape_html(str(part))
                for name, part in parts.items()
            }
        )
    )


@lru_cache(maxsize=256)
def _code(period: Period) -> str:
    # A period's code is computed on each access; a report shows the same few hundreds of times.
    return period.code


@dataclass(frozen=True)
class ReportLine:
    """One PI's row of the report, formatted once, ready to print."""

    row: ReportRow
    html: SafeString


def _line(row: ReportRow, report_period: Period, detail: str) -> ReportLine:
    indicator = row.indicator
    current = row.current
    workflow = current.workflow_status
    commentary = row.commentary
    html = _fill(
        ROW_HTML,
        code=indicator.code,
        url=f"{detail}{indicator.pk}/",
        title=indicator.title,
        polarity=POLARITY_LABELS.get(indicator.polarity, indicator.polarity),
        period_note=""
        if current.period == report_period
        else _fill(PERIOD_NOTE_HTML, note=current.period.label),
        value=reading_text(current, indicator),
        unapproved=""
        if not workflow or workflow == WorkflowStatus.APPROVED
        else _fill(UNAPPROVED_HTML, workflow=workflow),
        target=pi_number(row.target, indicator),
        status=status_badge(row.status),
        previous_code=_code(row.previous.period),
        previous=reading_text(row.previous, indicator),
        short_trend=trend_badge(row.short_trend, SHORT_TERM),
        last_year_code=_code(row.last_year.period),
        last_year=reading_text(row.last_year, indicator),
        long_trend=trend_badge(row.long_trend, LONG_TERM),
        commentary=_fill(
            COMMENTARY_HTML,
            text=linebreaksbr(commentary.text),
            author=commentary.author.full_name if commentary.author else "",
        )
        if commentary
        else "—",
    )
    return ReportLine(row=row, html=html)


def report_lines(report: Report) -> list[tuple[str, list[ReportLine]]]:
    """The report's groups (service area name, lines), in the selector's order."""
    detail = reverse("indicators:list")
    return [
        (
            area.name if area else "No service area",
            [_line(row, report.period, detail) for row in rows],
        )
        for area, rows in report.groups
    ]


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
