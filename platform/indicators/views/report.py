"""The quarterly performance report: every PI for a chosen period, grouped by service area."""

from __future__ import annotations

from datetime import timedelta
from html import escape as escape_html

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.choices import Polarity
from goldenthread.platform.core.error_summary import ErrorItem
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.pages import refuse_unless
from goldenthread.platform.core.periods import (
    Period,
    PeriodType,
    period_containing,
    periods_between,
    previous_period,
)

from ..choices import WorkflowStatus
from ..permissions import can_read
from ..selectors.report import Report, ReportRow, performance_report, service_areas
from ..services.common import parse_code
from ..templatetags.indicators import number_format, reading_in, status_badge, trend_badge
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
# The dash that stands for "nothing here", as a character reference: the rows then stay plain
# ASCII (unless people's text is not), which Python copies and encodes byte for byte; one
# "—" makes a megabyte of rows twice the memory and several times slower to encode.
DASH = "&mdash;"
# Where the report's groups go in the page (see `report_page`).
GROUPS_PLACE = mark_safe("<!-- the report's groups -->")


def _with_line_breaks(text: str) -> str:
    """Escaped text with its line breaks as <br>, as Django's `linebreaksbr` filter makes it."""
    return escape_html(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


class _RowPrinter:
    """Prints one report's rows. What many rows share is worked out once per report: the
    periods' codes and labels (computed on each access, and the rows of PIs of one kind share
    their periods' objects) and the badges (as plain strings, quicker to put in a row)."""

    def __init__(self, report: Report) -> None:
        self.report_period = report.period
        self.detail = reverse("indicators:list")
        self._periods: dict[int, tuple[Period, str, str]] = {}
        self._status: dict[str, str] = {}
        self._trends: dict[tuple[str, str], str] = {}

    def _period(self, period: Period) -> tuple[Period, str, str]:
        known = self._periods.get(id(period))
        if known is None or known[0] is not period:
            known = self._periods[id(period)] = (
                period,
                escape_html(period.code),
                escape_html(period.label),
            )
        return known

    def _status_badge(self, status: str) -> str:
        badge = self._status.get(status)
        if badge is None:
            badge = self._status[status] = str.__str__(status_badge(status))
        return badge

    def _trend_badge(self, trend: str, against: str) -> str:
        badge = self._trends.get((trend, against))
        if badge is None:
            badge = self._trends[(trend, against)] = str.__str__(trend_badge(trend, against))
        return badge

    def row(self, row: ReportRow) -> str:
        pi = row.indicator
        shown = number_format(pi.unit_kind, pi.decimal_places, DASH)
        code = escape_html(pi.code)
        title = escape_html(pi.title)
        polarity = POLARITY_LABELS.get(pi.polarity) or escape_html(pi.polarity)
        current, previous, last_year = row.current, row.previous, row.last_year
        # The period a PI collected less often than the report reads (an annual PI's year).
        period = current.period
        note = (
            ""
            if period is self.report_period or period == self.report_period
            else f' <span class="report-period">{self._period(period)[2]}</span>'
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
            f'<span class="commentary-meta">{DASH} {escape_html(commentary.author or "")}</span>'
            if commentary
            else DASH
        )
        return f"""
      <tr data-code="{code}">
        <th scope="row"><a href="{self.detail}{pi.id}/">{code}</a> \
<span class="report-title">{title}</span> \
<span class="report-polarity">{polarity}</span>{note}</th>
        <td class="num">{reading_in(current, shown, DASH)}{unapproved}</td>
        <td class="num">{shown(row.target)}</td>
        <td>{self._status_badge(row.status)}</td>
        <td class="num"><span class="report-period">{self._period(previous.period)[1]}:</span> \
{reading_in(previous, shown, DASH)}</td>
        <td>{self._trend_badge(row.short_trend, SHORT_TERM)}</td>
        <td class="num"><span class="report-period">{self._period(last_year.period)[1]}:</span> \
{reading_in(last_year, shown, DASH)}</td>
        <td>{self._trend_badge(row.long_trend, LONG_TERM)}</td>
        <td class="report-commentary">{said}</td>
      </tr>
    """


# One service area's part of the report, around its rows.
SECTION_HEAD = """
<section class="report-group" aria-labelledby="group-{number}">
  <h2 id="group-{number}">{name}</h2>
  <table class="report-table">
    <caption class="visually-hidden">{name}: {period}</caption>
    <thead>
      <tr>
        <th scope="col">Indicator</th>
        <th scope="col">Value</th>
        <th scope="col">Target</th>
        <th scope="col">Status</th>
        <th scope="col">Previous period</th>
        <th scope="col">Short-term trend</th>
        <th scope="col">Same period last year</th>
        <th scope="col">Long-term trend</th>
        <th scope="col">Commentary</th>
      </tr>
    </thead>
    <tbody>
    """
SECTION_TAIL_BYTES = b"""
    </tbody>
  </table>
</section>
"""


def report_groups(report: Report) -> list[bytes]:
    """Each service area's part of the report (heading, table and rows), ready to send, in
    the selector's order: pieces of the response's body, in UTF-8, to be put one after
    another. Encoded row by row, so that only the rows with text beyond ASCII take the slow
    way (joined first, one such row would make all the others be widened and re-encoded)."""
    printer = _RowPrinter(report)
    period = escape_html(report.period.label)
    pieces = []
    for number, (area, rows) in enumerate(report.groups, start=1):
        name = escape_html(area.name if area else "No service area")
        pieces.append(SECTION_HEAD.format(number=number, name=name, period=period).encode())
        pieces += [printer.row(row).encode() for row in rows]
        pieces.append(SECTION_TAIL_BYTES)
    return pieces


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
    areas = service_areas()
    form = ReportForm(data, periods=periods, service_areas=areas)
    report = None
    if chosen is not None and form.is_valid():
        report = performance_report(
            period_code=chosen.code,
            service_area=form.cleaned_data.get("service_area"),
            approved_only=form.cleaned_data.get("approved_only") or False,
            today=today,
            known_service_areas=areas,
        )
    elif chosen is not None:
        problem = " ".join(str(m) for errors in form.errors.values() for m in errors)
    groups = report_groups(report) if report else []
    page = render_to_string(
        "indicators/report.html",
        {
            "form": form,
            # Not the report itself: a template's context outlives the request until the
            # garbage collector finds its reference cycles, and 600 rows' objects with it.
            "report_period": report.period if report else None,
            "groups": groups,
            "groups_place": GROUPS_PLACE,
            "problems": [ErrorItem(form["period"].id_for_label, "", problem)] if problem else [],
            "period": chosen,
        },
        request,
    )
    # The groups are put in their place as the response is assembled, not by the template:
    # a large council's report is a megabyte of HTML, and each level of the template (the
    # loop, the blocks, the base layout) copied all of it again (bench/report.py).
    before, _, after = page.partition(GROUPS_PLACE)
    return HttpResponse([before, *groups, after], status=400 if problem else 200)
