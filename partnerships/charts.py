"""Inline SVG line charts for the dashboard. Every chart is paired with a table of the same
numbers on the page (the table is the accessible equivalent; the SVG is `role="img"` with a
title and a description naming what it shows). Series differ by line style and marker shape
as well as colour, so they are told apart without colour."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
STYLES = (
    {"stroke": "#1d4f91", "dash": "", "marker": "circle"},
    {"stroke": "#5b3a00", "dash": "6 4", "marker": "square"},
)
_ids = itertools.count(1)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(
    *,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    decimal_places: int = 1,
) -> SafeString:
    chart_id = f"chart-{next(_ids)}"
    numbers = [float(v) for _, values in series for v in values if v is not None]
    if not labels or not numbers:
        return mark_safe("")
    low, high = min(numbers + [0.0]), max(numbers)
    if high == low:
        high = low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(", ".join(name for name, _ in series))} by period, '
        f"{escape(labels[0])} to {escape(labels[-1])}. The table below gives the numbers.</desc>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#6b6b6b"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#6b6b6b"/>',
    ]
    for value in (low, high):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12">'
            f"{value:,.{decimal_places}f}</text>"
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 18}" text-anchor="middle" font-size="11">'
            f"{escape(label.split(' ')[-1])}</text>"
        )
    for (name, values), style in zip(series, itertools.cycle(STYLES), strict=False):
        segment: list[str] = []
        segments = []
        for i, value in enumerate(values):
            if value is None:  # missing is a gap in the line, never zero
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(float(value)):.1f}")
            parts.append(_marker(style["marker"], x(i), y(float(value)), style["stroke"]))
        if segment:
            segments.append(segment)
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        for points in segments:
            parts.append(
                f'<polyline fill="none" stroke="{style["stroke"]}" stroke-width="2"{dash} '
                f'points="{" ".join(points)}"><title>{escape(name)}</title></polyline>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="chart-key chart-key-{i + 1}" aria-hidden="true"></span>'
        f"{escape(name)}</li>"
        for i, (name, _) in enumerate(series)
    )
    # Every piece of text above went through escape(); the rest is markup we wrote.
    return mark_safe("".join(parts) + f'<ul class="chart-legend">{legend}</ul>')  # noqa: S308
