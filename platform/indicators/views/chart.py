"""The PI page's chart of values against target, drawn server-side as SVG geometry.

Only geometry is worked out here (the template draws it), so the chart needs no JavaScript,
prints, and has a table of the same numbers beside it for people who cannot see it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from goldenthread.platform.core.periods import Period, periods_between
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status

from ..models import Indicator
from ..selectors.report import ValueWithTrends
from ..templatetags.indicators import pi_number, status_of

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 52
MAX_PERIODS = 12


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    icon: str
    css_class: str
    text: str  # what a pointer's tooltip says: period, value and status


@dataclass(frozen=True)
class Tick:
    position: float
    lines: tuple[str, ...]


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    value_path: str = ""
    target_path: str = ""
    markers: list[Marker] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    description: str = ""


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _period_lines(period: Period) -> tuple[str, ...]:
    code = period.code
    if " " in code:
        year, part = code.split(" ", 1)
        return (part, year)
    return (code,)


def build_chart(
    *, indicator: Indicator, series: list[ValueWithTrends], targets: dict[str, Decimal]
) -> Chart | None:
    """The chart of the PI's latest `MAX_PERIODS` periods up to its newest value, or None
    when it has no values yet."""
    if not series:
        return None
    last = series[-1].period
    first = min((item.period for item in series[-MAX_PERIODS:]), key=lambda p: p.start)
    slots = periods_between(indicator.period_type, first, last)[-MAX_PERIODS:]
    by_code = {item.period.code: item for item in series}
    numbers = [
        float(by_code[p.code].value.value)
        for p in slots
        if p.code in by_code and by_code[p.code].value.value is not None
    ]
    numbers += [float(targets[p.code]) for p in slots if p.code in targets]
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if low > 0 and low <= step * 2:
        low = 0.0  # start at zero when it is close anyway: small changes are not magnified

    chart = Chart()
    plot_width = chart.right_edge - chart.left
    plot_height = chart.bottom_edge - chart.top
    slot = plot_width / len(slots)

    def y_of(number: float) -> float:
        return round(chart.bottom_edge - (number - low) / (high - low) * plot_height, 1)

    def x_of(index: int) -> float:
        return round(chart.left + (index + 0.5) * slot, 1)

    tick = low
    while tick <= high + step / 1000:
        chart.y_ticks.append(
            Tick(position=y_of(tick), lines=(pi_number(Decimal(str(round(tick, 6))), indicator),))
        )
        tick += step
    chart.x_ticks = [Tick(position=x_of(i), lines=_period_lines(p)) for i, p in enumerate(slots)]

    segments: list[str] = []
    pen_down = False
    seen: list[Status] = []
    for index, period in enumerate(slots):
        item = by_code.get(period.code)
        number = item.value.value if item else None
        if number is None:
            pen_down = False
            continue
        x, y = x_of(index), y_of(float(number))
        segments.append(f"{'L' if pen_down else 'M'}{x} {y}")
        pen_down = True
        status = status_of(item.value.status) or Status.DATA_ONLY
        shown = STATUS_PRESENTATION[status]
        if status not in seen:
            seen.append(status)
        chart.markers.append(
            Marker(
                x=x - 8,
                y=y - 8,
                icon=shown.icon,
                css_class=shown.css_class,
                text=f"{period.label}: {pi_number(number, indicator)} – {shown.label}",
            )
        )
    chart.value_path = " ".join(segments)
    chart.target_path = " ".join(
        f"M{round(chart.left + i * slot + slot * 0.1, 1)} {y_of(float(targets[p.code]))}"
        f"H{round(chart.left + (i + 1) * slot - slot * 0.1, 1)}"
        for i, p in enumerate(slots)
        if p.code in targets
    )
    chart.statuses = seen
    latest = series[-1]
    latest_status = STATUS_PRESENTATION[status_of(latest.value.status) or Status.DATA_ONLY]
    target_text = (
        f", against a target of {pi_number(targets[last.code], indicator)}"
        if last.code in targets
        else ""
    )
    chart.description = (
        f"Values of {indicator.code} for {len(slots)} periods from {slots[0].label} to "
        f"{slots[-1].label}. The latest, for {last.label}, is "
        f"{pi_number(latest.value.value, indicator)}{target_text}: {latest_status.label}. "
        "The same numbers are in the table below."
    )
    return chart
