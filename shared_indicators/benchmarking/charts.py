"""Geometry for the benchmarking pages' inline SVG charts. Pure: numbers in, coordinates out.

Every chart has a table equivalent on the page; the SVGs carry a title and a description, and
never rely on colour alone: the reader's own mark is a larger diamond with a text label, the
median a dashed line with a text label, quartiles are bands with their number written in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
LEFT, RIGHT = 48, 24


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
class QuartileChart:
    width: int
    height: int
    bands: tuple[Band, ...]
    dots: tuple[Dot, ...]
    median_x: float
    minimum: Decimal
    maximum: Decimal
    axis_y: float


def _scale(value: Decimal, low: Decimal, high: Decimal) -> float:
    span = high - low
    usable = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + usable / 2
    return round(LEFT + float((value - low) / span) * usable, 1)


def quartile_chart(result) -> QuartileChart | None:
    """A strip of every member's value with the quartile bands and the median, for one shown
    period (`domain.comparison.PeriodResult`); None when nothing is shown."""
    if not result.shown or not result.entries:
        return None
    low, high = result.summary.minimum, result.summary.maximum
    bands = []
    for quartile in (1, 2, 3, 4):
        values = [e.value for e in result.entries if e.quartile == quartile]
        if not values:
            continue
        start, end = _scale(min(values), low, high), _scale(max(values), low, high)
        x, width = min(start, end) - 6, abs(end - start) + 12
        bands.append(Band(quartile, x, width, x + width / 2, tuple(sorted(values))))
    dots = tuple(
        Dot(_scale(e.value, low, high), e.is_you, e.label, e.value) for e in result.entries
    )
    return QuartileChart(
        width=WIDTH,
        height=120,
        bands=tuple(bands),
        dots=tuple(sorted(dots, key=lambda dot: dot.is_you)),  # yours drawn last, on top
        median_x=_scale(result.summary.median, low, high),
        minimum=low,
        maximum=high,
        axis_y=90,
    )


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y_you: float | None
    y_median: float
    period_label: str

    @property
    def you_top(self) -> float | None:
        return None if self.y_you is None else round(self.y_you - 6, 1)


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    points: tuple[TrendPoint, ...]
    you_path: str
    median_path: str
    low: Decimal
    high: Decimal

    @property
    def first_label(self) -> str:
        return self.points[0].period_label

    @property
    def last_label(self) -> str:
        return self.points[-1].period_label


def trend_chart(series_you, *, height: int = 220) -> TrendChart | None:
    """The reader's values against the club median over the shown periods."""
    if series_you is None or not series_you.points:
        return None
    numbers = [p.club_median for p in series_you.points] + [
        p.value for p in series_you.points if p.value is not None
    ]
    low, high = min(numbers), max(numbers)
    top, bottom = 20, height - 40
    usable = WIDTH - LEFT - RIGHT
    count = len(series_you.points)

    def y(value: Decimal) -> float:
        if high == low:
            return (top + bottom) / 2
        return round(bottom - float((value - low) / (high - low)) * (bottom - top), 1)

    points = []
    for i, point in enumerate(series_you.points):
        x = LEFT + (usable / 2 if count == 1 else usable * i / (count - 1))
        points.append(
            TrendPoint(
                round(x, 1),
                None if point.value is None else y(point.value),
                y(point.club_median),
                point.period.code,
            )
        )

    def path(ys):
        parts, pen_down = [], False
        for point, value in zip(points, ys, strict=True):
            if value is None:
                pen_down = False
                continue
            parts.append(f"{'L' if pen_down else 'M'}{point.x},{value}")
            pen_down = True
        return " ".join(parts)

    return TrendChart(
        width=WIDTH,
        height=height,
        points=tuple(points),
        you_path=path([p.y_you for p in points]),
        median_path=path([p.y_median for p in points]),
        low=low,
        high=high,
    )
