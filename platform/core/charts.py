"""Every chart of the platform, in one style: geometry here, drawing in one template each.

Pure functions: numbers in, coordinates out. Nothing here knows about PIs, partnerships or
clubs; each page says what its series are and how its numbers read, and includes
`core/line_chart.html` or `core/quartile_strip.html` to draw the result as inline SVG, so
charts need no JavaScript and print.

The rules every chart keeps (they are why this is one module):
- Each chart is `role="img"` with a title and a description saying what it shows, and the
  page puts a table of the same numbers next to it: the table is the accessible equivalent.
- Series differ by line style (solid for values, dashed for targets and medians) and by marker
  shape (circle, square, diamond, or a status icon), never by colour alone; a legend names them.
- A missing value is a gap in the line, never zero.
- The value axis has round ticks and starts at zero when zero is close anyway, so small
  changes are not magnified.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 52
MARKER_SIZE = 16  # markers are drawn in a 16 x 16 box centred on their point

# Inner SVG of the plain marker shapes, in a 0 0 16 16 box (markup we wrote, nothing typed).
SHAPES = {
    "circle": mark_safe('<circle cx="8" cy="8" r="5"/>'),
    "square": mark_safe('<rect x="3" y="3" width="10" height="10"/>'),
    "diamond": mark_safe('<path d="M8 1 L15 8 L8 15 L1 8 Z"/>'),
}


@dataclass(frozen=True)
class Tick:
    position: float
    lines: tuple[str, ...]  # a label over one or more lines ("Q1", "2024/25")


@dataclass(frozen=True)
class Marker:
    x: float  # top-left corner of its MARKER_SIZE box
    y: float
    shape: SafeString  # inner SVG in a 0 0 16 16 box
    css_class: str
    text: str  # what a pointer's tooltip says: period and value (and status)


@dataclass(frozen=True)
class Line:
    name: str  # in the legend
    css_class: str  # chart-values (solid) or chart-target / chart-median (dashed)
    path: str  # SVG path data; empty when the series has no value
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class Series:
    """One series with a value (or None: missing) per period of the chart."""

    name: str
    values: Sequence[Decimal | None]
    css_class: str = "chart-values"
    shape: str = "circle"  # a key of SHAPES, or "" for no markers
    # Targets are levels per period, not a trend: a short bar per period instead of a line.
    steps: bool = False
    # Per value, when markers differ (a status icon and class per value); else the defaults.
    marker_shapes: Sequence[SafeString] = ()
    marker_classes: Sequence[str] = ()
    marker_texts: Sequence[str] = ()


@dataclass
class LineChart:
    dom_id: str  # ids of the title and description: <dom_id>-title, <dom_id>-desc
    title: str
    description: str
    css_class: str = "chart-figure"  # the <figure>'s class
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend_extra: tuple[SafeString, ...] = ()  # more legend entries (status badges)


def nice_step(span: float, count: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks."""
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def axis_range(numbers: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of a value axis covering `numbers`, on round ticks."""
    low, high = min(numbers), max(numbers)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if 0 < low <= step * 2:
        low = 0.0  # start at zero when it is close anyway: small changes are not magnified
    return low, high, step


def period_lines(code: str) -> tuple[str, ...]:
    """A period code as axis label lines: "2024/25 Q1" -> ("Q1", "2024/25")."""
    if " " in code:
        year, part = code.split(" ", 1)
        return (part, year)
    return (code,)


def plain_number(decimal_places: int) -> Callable[[Decimal], str]:
    """A number format for axis labels and tooltips: grouped, at fixed decimal places."""
    return lambda number: f"{number:,.{decimal_places}f}"


def line_chart(
    *,
    dom_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    series: Sequence[Series],
    number: Callable[[Decimal], str],
    css_class: str = "chart-figure",
    legend_extra: tuple[SafeString, ...] = (),
) -> LineChart | None:
    """Lines over `periods` (codes, oldest first), one slot per period; None when there is
    nothing to draw. `number` formats axis labels and default tooltips."""
    numbers = [float(v) for each in series for v in each.values if v is not None]
    if not periods or not numbers:
        return None
    low, high, step = axis_range(numbers)
    chart = LineChart(
        dom_id=dom_id,
        title=title,
        description=description,
        css_class=css_class,
        legend_extra=legend_extra,
    )
    plot_height = chart.bottom_edge - chart.top
    slot = (chart.right_edge - chart.left) / len(periods)

    def y_of(value: Decimal) -> float:
        return round(chart.bottom_edge - (float(value) - low) / (high - low) * plot_height, 1)

    def x_of(index: int) -> float:
        return round(chart.left + (index + 0.5) * slot, 1)

    tick = low
    while tick <= high + step / 1000:
        label = number(Decimal(str(round(tick, 6))))
        chart.y_ticks.append(Tick(position=y_of(Decimal(str(tick))), lines=(label,)))
        tick += step
    chart.x_ticks = [Tick(position=x_of(i), lines=period_lines(p)) for i, p in enumerate(periods)]

    half = MARKER_SIZE / 2
    for each in series:
        segments: list[str] = []
        markers: list[Marker] = []
        pen_down = False
        for index, value in enumerate(each.values):
            if value is None:  # missing is a gap in the line, never zero
                pen_down = False
                continue
            x, y = x_of(index), y_of(value)
            if each.steps:
                start, end = chart.left + index * slot, chart.left + (index + 1) * slot
                segments.append(f"M{round(start + slot * 0.1, 1)} {y}H{round(end - slot * 0.1, 1)}")
            else:
                segments.append(f"{'L' if pen_down else 'M'}{x} {y}")
                pen_down = True
            if each.shape or each.marker_shapes:
                markers.append(
                    Marker(
                        x=x - half,
                        y=y - half,
                        shape=each.marker_shapes[index]
                        if each.marker_shapes
                        else SHAPES[each.shape],
                        css_class=each.marker_classes[index]
                        if each.marker_classes
                        else each.css_class,
                        text=each.marker_texts[index]
                        if each.marker_texts
                        else f"{each.name}, {periods[index]}: {number(value)}",
                    )
                )
        chart.lines.append(
            Line(
                name=each.name,
                css_class=each.css_class,
                path=" ".join(segments),
                markers=tuple(markers),
            )
        )
    return chart


@dataclass(frozen=True)
class Band:
    quartile: int
    x: float
    width: float
    label_x: float
    values: tuple[Decimal, ...]


@dataclass(frozen=True)
class Dot:
    x: float
    is_you: bool
    label: str
    value: Decimal


@dataclass(frozen=True)
class QuartileStrip:
    """Every value on one axis, with quartile bands and the median; the reader's own value
    is a larger diamond labelled "You" (drawn last, on top)."""

    dom_id: str
    title: str
    description: str
    bands: tuple[Band, ...]
    dots: tuple[Dot, ...]
    median_x: float
    median_label: str
    minimum: Decimal
    maximum: Decimal
    width: int = 640
    height: int = 120
    left: int = 48
    right_edge: int = 616
    axis_y: int = 90


def quartile_strip(
    *,
    dom_id: str,
    title: str,
    description: str,
    entries: Sequence[tuple[Decimal, int | None, bool, str]],
    median: Decimal,
    median_label: str,
) -> QuartileStrip | None:
    """The strip for `entries` of (value, quartile, is_you, label); None when empty."""
    if not entries:
        return None
    values = [value for value, _, _, _ in entries]
    low, high = min(values), max(values)
    geometry = QuartileStrip(
        dom_id=dom_id,
        title=title,
        description=description,
        bands=(),
        dots=(),
        median_x=0,
        median_label=median_label,
        minimum=low,
        maximum=high,
    )
    usable = geometry.right_edge - geometry.left

    def x_of(value: Decimal) -> float:
        if high == low:
            return geometry.left + usable / 2
        return round(geometry.left + float((value - low) / (high - low)) * usable, 1)

    bands = []
    for quartile in (1, 2, 3, 4):
        members = sorted(value for value, q, _, _ in entries if q == quartile)
        if not members:
            continue
        start, end = x_of(members[0]), x_of(members[-1])
        x, width = min(start, end) - 6, abs(end - start) + 12
        bands.append(Band(quartile, x, width, x + width / 2, tuple(members)))
    dots = sorted(
        (Dot(x_of(value), is_you, label, value) for value, _, is_you, label in entries),
        key=lambda dot: dot.is_you,  # yours drawn last, on top
    )
    return QuartileStrip(
        dom_id=dom_id,
        title=title,
        description=description,
        bands=tuple(bands),
        dots=tuple(dots),
        median_x=x_of(median),
        median_label=median_label,
        minimum=low,
        maximum=high,
    )


def xmr_chart(
    *,
    dom_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    values: Sequence[Decimal | float],
    mean: float,
    upper: float,
    lower: float,
    special: Sequence[bool],
    texts: Sequence[str],
    number: Callable[[Decimal], str],
    legend_extra: tuple[SafeString, ...] = (),
) -> LineChart | None:
    """An XmR (SPC) chart: the values, their mean and the two process limits. Points that are
    part of a special-cause signal are diamonds (class chart-special), the rest circles, so a
    signal is told by shape as well as colour; the mean and limits are dashed lines named in
    the legend."""

    def level(figure: float) -> list[Decimal]:
        return [Decimal(str(round(figure, 6)))] * len(periods)

    return line_chart(
        dom_id=dom_id,
        title=title,
        description=description,
        css_class="chart-figure spc-chart",
        periods=periods,
        series=[
            Series(
                name="Value (diamond: special cause)",
                values=[Decimal(str(v)) for v in values],
                marker_shapes=[SHAPES["diamond" if flag else "circle"] for flag in special],
                marker_classes=["chart-special" if flag else "chart-values" for flag in special],
                marker_texts=texts,
            ),
            Series(name="Mean", values=level(mean), css_class="chart-median", shape=""),
            Series(
                name="Upper process limit", values=level(upper), css_class="chart-target", shape=""
            ),
            Series(
                name="Lower process limit", values=level(lower), css_class="chart-target", shape=""
            ),
        ],
        number=number,
        legend_extra=legend_extra,
    )
