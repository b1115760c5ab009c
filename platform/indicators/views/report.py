"""The quarterly performance report: every PI for a chosen period, grouped by service area."""

from __future__ import annotations

from datetime import timedelta
from html import escape as escape_html

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
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
from ..templatetags.indicators import number_format, reading_in, status_badge, trend_badge
from .common import refuse_unless
from .forms import ReportForm

YEARS_OFFERED = 6
SHORT_TERM = "against the previous period"
LONG_TERM = "against the same period last year"


# One PI's row of the report is built here rather than in the template: a large council's
# report has 600 of them, and some 12,000 template variable lookups took longer than fetching
# the report's data (bench/report.py). Every part that can hold text people typed (codes,
# titles, commentary, names) is escaped here; the rest is ours: numbers formatted by
# `number_format` (digits, separators, unit signs), fixed words, period codes and labels, and
# the badges (already safe HTML).
POLARITY_LABELS = {value: escape_html(str(label)) for value, label in Polarity.choices}
# Where the report's groups go in the page (see `report_page`).
GROUPS_PLACE = mark_safe("<!-- the report's groups -->")


class _PeriodText(dict):
    """Escaped period codes and labels, each worked out once per report (a period's code and
    label are computed on each access, and 600 rows show the same few)."""

    def code(self, period: Period) -> str:
        key = (period, "code")
        text = self.get(key)
        if text is None:
            text = self[key] = escape_html(period.code)
        return text

    def label(self, period: Period) -> str:
        key = (period, "label")
        text = self.get(key)
        if text is None:
            text = self[key] = escape_html(period.label)
        return text


def _with_line_breaks(text: str) -> str:
    """Escaped text with its line breaks as <br>, as Django's `linebreaksbr` filter makes it."""
    return escape_html(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def _row_html(row: ReportRow, report_period: Period, detail: str, periods: _PeriodText) -> str:
    pi = row.indicator
    shown = number_format(pi.unit_kind, pi.decimal_places)
    code = escape_html(pi.code)
    title = escape_html(pi.title)
    polarity = POLARITY_LABELS.get(pi.polarity) or escape_html(pi.polarity)
    current, previous, last_year = row.current, row.previous, row.last_year
    # The period a PI collected less often than the report reads (an annual PI's year).
    note = (
        ""
        if current.period == report_period
        else f' <span class="report-period">{periods.label(current.period)}</span>'
    )
    workflow = current.workflow_status
    unapproved = (
        ""
        if not workflow or workflow == WorkflowStatus.APPROVED
        else f' <span class="report-unapproved">({escape_html(workflow)})</span>'
    )
    commentary = row.commentary
    said = (
        f"{_with_line_breaks(commentary.text)} "
        f'<span class="commentary-meta">— {escape_html(commentary.author or "")}</span>'
        if commentary
        else "—"
    )
    return f"""
      <tr data-code="{code}">
        <th scope="row"><a href="{detail}{pi.id}/">{code}</a> \
<span class="report-title">{title}</span> \
<span class="report-polarity">{polarity}</span>{note}</th>
        <td class="num">{reading_in(current, shown)}{unapproved}</td>
        <td class="num">{shown(row.target)}</td>
        <td>{status_badge(row.status)}</td>
        <td class="num"><span class="report-period">{periods.code(previous.period)}:</span> \
{reading_in(previous, shown)}</td>
        <td>{trend_badge(row.short_trend, SHORT_TERM)}</td>
        <td class="num"><span class="report-period">{periods.code(last_year.period)}:</span> \
{reading_in(last_year, shown)}</td>
        <td>{trend_badge(row.long_trend, LONG_TERM)}</td>
        <td class="report-commentary">{said}</td>
      </tr>
    """


def report_groups(report: Report) -> list[str]:
    """Each service area's part of the report (heading, table and rows), ready to print, in
    the selector's order."""
    detail = reverse("indicators:list")
    periods = _PeriodText()
    section = get_template("indicators/includes/report_group.html")
    return [
        section.render(
            {
                "number": number,
                "name": area.name if area else "No service area",
                "period": report.period,
                "rows_html": mark_safe(  # noqa: S308 - each row's parts are escaped in `_row_html`
                    "".join(_row_html(row, report.period, detail, periods) for row in rows)
                ),
            }
        )
        for number, (area, rows) in enumerate(report.groups, start=1)
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
    groups = report_groups(report) if report else []
    page = render_to_string(
        "indicators/report.html",
        {
            "form": form,
            "report": report,
            "groups": groups,
            "groups_place": GROUPS_PLACE,
            "problem": problem,
            "period": chosen,
        },
        request,
    )
    # The groups are put in their place as the response is assembled, not by the template:
    # a large council's report is a megabyte of HTML, and each level of the template (the
    # loop, the blocks, the base layout) copied all of it again (bench/report.py).
    before, _, after = page.partition(GROUPS_PLACE)
    return HttpResponse([before, *groups, after], status=400 if problem else 200)
