"""Template helpers for partnership pages: numbers at an indicator's places, statuses and
trends in words (never by colour alone)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html

from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION, Trend

register = template.Library()


@register.filter
def figure(value, places=1):
    """A number at the indicator's decimal places, or an em dash for none."""
    if value is None or value == "":
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,}"


@register.filter
def status_tag(status):
    """A status as words with the status class (the class only adds colour)."""
    if status is None:
        return "—"
    code = Status(getattr(status, "status", status))
    shown = STATUS_PRESENTATION[code]
    return format_html('<span class="pt-status {}">{}</span>', shown.css_class, shown.label)


@register.filter
def trend_words(trend):
    shown = TREND_PRESENTATION[Trend(trend)]
    arrows = {"arrow-up": "↑", "arrow-down": "↓", "arrow-right": "→", "dash": "–"}
    return format_html(
        '<span class="pt-trend"><span aria-hidden="true">{}</span> {}</span>',
        arrows.get(shown.icon, ""),
        shown.label,
    )


@register.filter
def state_words(state):
    return {
        "entered": "Published",
        "missing": "Missing",
        "not_collected": "Not collected",
        "not_applicable": "Not applicable",
    }.get(state, state)
