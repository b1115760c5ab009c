"""The quarterly performance report: every PI for a chosen period, grouped by service area."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from goldenthread.platform.core.choices import Polarity
from goldenthread.platform.core.error_summary import ErrorItem
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.fragments import render_fragment
from goldenthread.platform.core.pages import refuse_unless
from goldenthread.platform.core.periods import (
    Period,
    PeriodType,
    period_containing,
    periods_between,
    previous_period,
)
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION

from ..domain.choices import WorkflowStatus
from ..permissions import can_read
from ..selectors.cost import ReportCost
from ..selectors.report import Report, ReportRow, performance_report, service_areas
from ..selectors.spc import filter_report_groups
from ..services.common import parse_code
from ..templatetags.indicators import number_format, reading_in, status_badge, trend_badge
from .forms import ReportForm

YEARS_OFFERED = 6
SHORT_TERM = "against the previous period"
LONG_TERM = "against the same period last year"


# The report's rows are laid out by a Jinja2 fragment (`indicators/report_groups.jinja`,
# rendered by `core.fragments`), which escapes everything it prints: a large council's report
# has 600 rows, and Django's template language took longer over them than fetching the
# report's data (bench/report.py). What the rows show is worked out here once per row, as
# plain text for the fragment to escape: numbers by the PI's `number_format`, people's text
# as typed, the badges (safe HTML, cached) as they are.
POLARITY_LABELS = {value: str(label) for value, label in Polarity.choices}
# The dash that stands for "nothing here", as a character reference: the rows then stay plain
# ASCII (unless people's text is not), which Python joins and encodes byte for byte.
DASH = mark_safe("&mdash;")
# Where the report's groups go in the page (see `report_page`).
GROUPS_PLACE = mark_safe("<!-- the report's groups -->")


class ShownRow(NamedTuple):
    """One PI's row of the report as it is shown. Blanks are "" (the fragment prints a dash).
    The fragment unpacks the fields by position: keep their order in step with it."""

    href: str  # the PI's page
    code: str
    title: str
    polarity: str
    period_note: str  # the period the figure is for, when not the report's (an annual PI's year)
    value: str
    unapproved: str  # the workflow state of a figure not yet approved
    target: str
    status: SafeString
    previous_period: str
    previous: str
    short_trend: SafeString
    last_year_period: str
    last_year: str
    long_trend: SafeString
    commentary: str | None
    author: str
    target_words: str  # why there is no target (a part year without a profiled target)
    # The year columns, when asked for: year to date, its target, the annual target, last
    # year's period code and outturn; else None.
    year: tuple[str, str, str, str, str] | None
    # The PI's sub-areas' rows, when asked for: (name, value, target, status badge) each.
    area_rows: tuple[tuple[str, str, str, SafeString], ...]
    # The year-end forecast in words, when asked for; else "".
    forecast: str = ""
    # The cost beside the figure in words (unit cost, its trend, the cost PI), when asked for.
    cost: str = ""
    # The PI's data-quality score in words, when asked for.
    data_quality: str = ""
    # Off target N periods in a row and SPC's special cause concerning, in words, when asked.
    persistence: str = ""


class _RowShower:
    """Works out what one report's rows show. What many rows share is worked out once per
    report: the periods' codes and labels (computed on each access, and the rows of PIs of one
    kind share their periods' objects) and the badges."""

    def __init__(self, report: Report) -> None:
        self.report_period = report.period
        self.detail = reverse("indicators:list")
        self._periods: dict[int, tuple[str, str, Period]] = {}
        self._status: dict[str, SafeString] = {}
        self._trends: dict[tuple[str, str], SafeString] = {}

    def _period(self, period: Period) -> tuple[str, str]:
        """The period's code and label (a miss of `periods`, looked up inline in `row`)."""
        known = self._periods[id(period)] = (period.code, period.label, period)
        return known[:2]

    def _status_badge(self, status: str) -> SafeString:
        badge = self._status[status] = status_badge(status)
        return badge

    def _trend_badge(self, trend: str, against: str) -> SafeString:
        badge = self._trends[(trend, against)] = trend_badge(trend, against)
        return badge

    def row(self, row: ReportRow) -> ShownRow:
        # The caches are read inline (a method call per lookup cost more than the lookup),
        # checking that the cached period is the very object (an id can be reused).
        pi = row.indicator
        shown = number_format(pi.unit_kind, pi.decimal_places, "")
        current, previous, last_year = row.current, row.previous, row.last_year
        periods, trends = self._periods, self._trends
        period = current.period
        if period is self.report_period or period == self.report_period:
            note = ""
        else:
            known = periods.get(id(period))
            note = (known if known and known[2] is period else self._period(period))[1]
        previous_known = periods.get(id(previous.period))
        if not previous_known or previous_known[2] is not previous.period:
            previous_known = self._period(previous.period)
        last_year_known = periods.get(id(last_year.period))
        if not last_year_known or last_year_known[2] is not last_year.period:
            last_year_known = self._period(last_year.period)
        workflow = current.workflow_status
        commentary = row.commentary
        year = None
        if row.year is not None:
            columns = row.year
            year = (
                reading_in(columns.year_to_date, shown, ""),
                shown(columns.year_to_date_target) or columns.year_to_date_target_words,
                shown(columns.annual_target),
                columns.outturn.period.code,
                reading_in(columns.outturn, shown, ""),
            )
        area_rows = (
            tuple(
                (
                    area.name,
                    reading_in(area.reading, shown, ""),
                    shown(area.target) or area.target_words,
                    self._status.get(area.status) or self._status_badge(area.status),
                )
                for area in row.sub_areas
            )
            if row.sub_areas
            else ()
        )
        return ShownRow(
            f"{self.detail}{pi.id}/",
            pi.code,
            pi.title,
            POLARITY_LABELS.get(pi.polarity) or pi.polarity,
            note,
            reading_in(current, shown, ""),
            "" if not workflow or workflow == WorkflowStatus.APPROVED else workflow,
            shown(row.target),
            self._status.get(row.status) or self._status_badge(row.status),
            previous_known[0],
            reading_in(previous, shown, ""),
            trends.get((row.short_trend, SHORT_TERM))
            or self._trend_badge(row.short_trend, SHORT_TERM),
            last_year_known[0],
            reading_in(last_year, shown, ""),
            trends.get((row.long_trend, LONG_TERM)) or self._trend_badge(row.long_trend, LONG_TERM),
            commentary.text if commentary else None,
            (commentary.author or "") if commentary else "",
            row.target_words,
            year,
            area_rows,
            forecast_words(row.forecast, pi.decimal_places),
            cost_words(row.cost),
            row.data_quality.summary if row.data_quality is not None else "",
            persistence_words(row.persistence),
        )


def persistence_words(found) -> str:
    """The report's Persistence cell: the off-target run and the SPC verdict, in words."""
    if found is None:
        return ""
    n = found.off_target_periods
    run = f"Off target {n} period{'s' if n != 1 else ''} in a row" if n else "Not off target"
    return f"{run}; special cause concerning" if found.special_cause_concerning else run


def cost_words(cost: ReportCost | None) -> str:
    """The report's Cost cell: the unit cost with its trend in words, or the spend alone."""
    if cost is None:
        return ""
    if cost.unit_cost is None:
        if cost.cost is None:
            return f"No cost figure ({cost.cost_code})"
        return f"Spend £{cost.cost:,.0f} ({cost.cost_code}); no unit cost"
    trend = TREND_PRESENTATION[cost.trend].label
    return f"£{cost.unit_cost:,.2f} per unit ({cost.cost_code}); {trend.lower()}"


def forecast_words(forecast, places: int) -> str:
    """The report's Forecast cell: the verdict, the outturn with its 80% interval, the method."""
    if forecast is None:
        return ""
    if not forecast.available:
        return forecast.words

    def figure(number: float) -> str:
        return f"{number:,.{places}f}"

    return (
        f"{forecast.words}: {figure(forecast.outturn)} (80% interval {figure(forecast.low)} to "
        f"{figure(forecast.high)}; {forecast.method})"
    )


def report_groups(
    report: Report,
    *,
    year_columns: bool = False,
    forecast_column: bool = False,
    cost_column: bool = False,
    quality_column: bool = False,
    persistence_column: bool = False,
) -> str:
    """Each service area's part of the report (heading, table and rows) as HTML, in the
    selector's order."""
    shower = _RowShower(report)
    return render_fragment(
        "indicators/report_groups.jinja",
        {
            "groups": [
                (number, area.name if area else "No service area", map(shower.row, rows))
                for number, (area, rows) in enumerate(report.groups, start=1)
            ],
            "period": report.period.label,
            "dash": DASH,
            "year_columns": year_columns,
            "forecast_column": forecast_column,
            "cost_column": cost_column,
            "quality_column": quality_column,
            "persistence_column": persistence_column,
        },
    )


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


def _filtered(report: Report, cleaned: dict) -> Report:
    """The report kept to PIs matching the persistence filters (off target N periods in a
    row, special cause concerning), judged up to the end of the report's period."""
    at_least = cleaned.get("off_target_at_least")
    concerning = cleaned.get("special_cause_concerning") or False
    if not at_least and not concerning:
        return report
    groups = filter_report_groups(
        report.groups,
        up_to=report.period.end,
        off_target_at_least=at_least,
        special_cause_concerning=concerning,
    )
    return Report(period=report.period, groups=groups)


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
            year_columns=form.cleaned_data.get("year_columns") or False,
            sub_areas=form.cleaned_data.get("sub_areas") or False,
            forecast=form.cleaned_data.get("forecast") or False,
            cost=form.cleaned_data.get("cost") or False,
            data_quality=form.cleaned_data.get("data_quality") or False,
            persistence=form.cleaned_data.get("persistence") or False,
        )
        report = _filtered(report, form.cleaned_data)
    elif chosen is not None:
        problem = " ".join(str(m) for errors in form.errors.values() for m in errors)
    groups = (
        report_groups(
            report,
            year_columns=form.cleaned_data.get("year_columns") or False,
            forecast_column=form.cleaned_data.get("forecast") or False,
            cost_column=form.cleaned_data.get("cost") or False,
            quality_column=form.cleaned_data.get("data_quality") or False,
            persistence_column=form.cleaned_data.get("persistence") or False,
        )
        if report
        else ""
    )
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
    return HttpResponse([before, groups, after], status=400 if problem else 200)
