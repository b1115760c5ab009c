"""How a pack's cells and charts show on its HTML page. Words always; a PI's status and trend
as the indicators' badges (icon + words), and a figure not yet approved marked in words."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from goldenthread.platform.core.charts import Series, line_chart
from goldenthread.platform.indicators.domain.status import Status
from goldenthread.platform.indicators.domain.trends import Trend
from goldenthread.platform.indicators.templatetags.indicators import (
    number_format,
    status_badge,
    trend_badge,
)

from ..domain.pack import NUMBER, STATUS, TREND, PackCell, PackChart

register = template.Library()
STATUSES = {status.value for status in Status}
TRENDS = {trend.value for trend in Trend}


@register.filter
def pack_cell(cell: PackCell) -> SafeString:
    """The inside of a cell: its words (or badge), its note, and the unapproved mark."""
    if cell.kind == STATUS and cell.code in STATUSES:
        shown = status_badge(cell.code)
    elif cell.kind == TREND and cell.code in TRENDS:
        shown = trend_badge(cell.code, cell.note)
    elif cell.kind == STATUS:
        shown = format_html('<span class="pack-word-status">{}</span>', cell.text)
    else:
        shown = format_html("{}", cell.text or "—")
    note = ""
    if cell.kind != TREND and cell.note and not cell.unapproved:
        note = format_html('<span class="pack-note">{}</span>', cell.note)
    mark = ""
    if cell.unapproved:
        mark = format_html(
            '<span class="pack-unapproved">{}</span>', cell.note or "Not yet approved"
        )
    return format_html("{}{}{}", shown, note, mark)


@register.filter
def pack_cell_class(cell: PackCell) -> str:
    return "pack-number" if cell.kind == NUMBER else ""


@register.simple_tag
def pack_chart(chart: PackChart, index: int):
    """The chart drawn by the platform's one chart module (`core.charts`)."""
    styles = {"values": ("chart-values", "circle"), "target": ("chart-target", "square")}
    return line_chart(
        dom_id=f"pack-chart-{index}",
        title=chart.title,
        description=chart.description,
        periods=chart.period_codes,
        series=[
            Series(
                name=series.name,
                values=series.values,
                css_class=styles.get(series.style, styles["values"])[0],
                shape=styles.get(series.style, styles["values"])[1],
            )
            for series in chart.series
        ],
        number=number_format(chart.unit, chart.decimals, "—"),
    )


@register.filter
def signed(number: int) -> str:
    """A change in a count: "+2", "−1", "no change"."""
    if number > 0:
        return f"+{number}"
    if number < 0:
        return f"−{-number}"
    return "no change"


@register.filter
def paragraphs_html(lines) -> SafeString:
    return format_html_join("", "<p>{}</p>", ((line,) for line in lines))


@register.filter
def with_columns(row, columns):
    """A row's cells paired with their columns (for each cell's heading on narrow screens)."""
    return list(zip(columns, row.cells, strict=False))


@register.simple_tag
def pack_running_left(pack) -> str:
    """The running header's left: organisation, pack, period (printed on every page)."""
    return f"{pack.organisation_name} · {pack.title} · {pack.period_label}"


@register.simple_tag
def pack_running_right(pack) -> str:
    """The running header's right: the data's as-at time, and the unapproved mark."""
    words = f"Data as at {pack.as_at:%-d %B %Y, %H:%M}"
    if pack.includes_unapproved:
        words += " · Includes unapproved values"
    return words
