"""What the PI page's chart shows: the PI's values (with their status as marker shape and
words) against its targets over its latest periods. Geometry and drawing are the platform's
one chart module's (`core.charts`, `core/line_chart.html`); the table beside it on the page
holds the same numbers for people who cannot see it.
"""

from __future__ import annotations

from decimal import Decimal

from goldenthread.platform.core.charts import LineChart, Series, line_chart
from goldenthread.platform.core.periods import periods_between
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status

from ..models import Indicator
from ..selectors.indicators import SubAreaTable
from ..selectors.report import ValueWithTrends
from ..templatetags.icons import icon_shape
from ..templatetags.indicators import pi_number, status_badge, status_of

MAX_PERIODS = 12


def build_chart(
    *, indicator: Indicator, series: list[ValueWithTrends], targets: dict[str, Decimal]
) -> LineChart | None:
    """The chart of the PI's latest `MAX_PERIODS` periods up to its newest value, or None
    when it has no values yet."""
    if not series:
        return None
    last = series[-1].period
    first = min((item.period for item in series[-MAX_PERIODS:]), key=lambda p: p.start)
    slots = periods_between(indicator.period_type, first, last)[-MAX_PERIODS:]
    by_code = {item.period.code: item for item in series}
    values, shapes, classes, texts, seen = [], [], [], [], []
    for period in slots:
        item = by_code.get(period.code)
        number = item.value.value if item else None
        values.append(number)
        status = (status_of(item.value.status) if item else None) or Status.DATA_ONLY
        shown = STATUS_PRESENTATION[status]
        if number is not None and status not in seen:
            seen.append(status)
        shapes.append(icon_shape(shown.icon))
        classes.append(shown.css_class)
        texts.append(f"{period.label}: {pi_number(number, indicator)} – {shown.label}")
    latest = series[-1]
    latest_status = STATUS_PRESENTATION[status_of(latest.value.status) or Status.DATA_ONLY]
    target_text = (
        f", against a target of {pi_number(targets[last.code], indicator)}"
        if last.code in targets
        else ""
    )
    return line_chart(
        dom_id="chart",
        css_class="pi-chart",
        title=f"{indicator.code}: values against target over time",
        description=(
            f"Values of {indicator.code} for {len(slots)} periods from {slots[0].label} to "
            f"{slots[-1].label}. The latest, for {last.label}, is "
            f"{pi_number(latest.value.value, indicator)}{target_text}: {latest_status.label}. "
            "The same numbers are in the table below."
        ),
        periods=[p.code for p in slots],
        series=[
            Series(
                name="Value",
                values=values,
                marker_shapes=shapes,
                marker_classes=classes,
                marker_texts=texts,
            ),
            Series(
                name="Target",
                values=[targets.get(p.code) for p in slots],
                css_class="chart-target",
                shape="",
                steps=True,
            ),
        ],
        number=lambda number: pi_number(number, indicator),
        legend_extra=tuple(status_badge(status) for status in seen),
    )


AREA_SHAPES = ("circle", "square", "diamond")


def build_sub_area_chart(*, indicator: Indicator, table: SubAreaTable) -> LineChart | None:
    """A line per area or group over the periods of the table beside it (which holds the same
    numbers); lines differ by marker shape and line style as well as colour."""
    if not table.periods or not table.rows:
        return None
    series = [
        Series(
            name=area.name,
            values=[cell.value.value if cell.value else None for cell in cells],
            css_class=f"chart-values chart-area-{index % 6}",
            shape=AREA_SHAPES[index % len(AREA_SHAPES)],
        )
        for index, (area, cells) in enumerate(table.rows)
    ]
    first, last = table.periods[0], table.periods[-1]
    return line_chart(
        dom_id="sub-area-chart",
        css_class="pi-chart",
        title=f"{indicator.code} by area or group",
        description=(
            f"Values of {indicator.code} for {len(table.rows)} areas or groups from "
            f"{first.label} to {last.label}. The same numbers are in the table below."
        ),
        periods=[p.code for p in table.periods],
        series=series,
        number=lambda number: pi_number(number, indicator),
    )
