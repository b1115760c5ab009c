"""Template tags for the performance pages: status and trend badges, and PI numbers.

`{% status_badge status %}` and `{% trend_badge trend %}` always show an icon shape, words and
colour together (WCAG 1.4.1: never colour alone). `{{ value|pi_number:indicator }}` shows a
number as the PI publishes it (its decimal places, its unit).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from goldenthread.platform.indicators.choices import UnitKind
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION, Trend

from .icons import icon_shape, icon_svg

register = template.Library()

WORKFLOW_ICONS = {"draft": "dash", "submitted": "clock", "approved": "circle-check"}


def status_of(value: Any) -> Status | None:
    if value in (None, ""):
        return None
    try:
        return Status(str(value))
    except ValueError:
        return None


@register.simple_tag
def status_badge(status: Any, prefix: str = "") -> SafeString:
    """A status as icon + words + colour; an unknown or absent status reads "No status"."""
    return _status_badge("" if status is None else str(status), str(prefix))


@lru_cache(maxsize=256)
def _status_badge(status: str, prefix: str) -> SafeString:
    # Cached: a report shows the same few badges hundreds of times.
    known = status_of(status)
    if known is None:
        return format_html(
            '<span class="status-badge status-none">{}{}</span>',
            icon_svg("dash"),
            f"{prefix}No status" if prefix else "No status",
        )
    shown = STATUS_PRESENTATION[known]
    return format_html(
        '<span class="status-badge {}" data-status="{}">{}<span class="status-badge-text">'
        "{}{}</span></span>",
        shown.css_class,
        known.value,
        icon_svg(shown.icon),
        prefix,
        shown.label,
    )


@register.simple_tag
def trend_badge(trend: Any, against: str = "") -> SafeString:
    """A trend as arrow + words; `against` names the comparison for screen readers."""
    return _trend_badge(str(trend), str(against))


@lru_cache(maxsize=256)
def _trend_badge(trend: str, against: str) -> SafeString:
    try:
        known = Trend(trend)
    except ValueError:
        known = Trend.NOT_COMPARABLE
    shown = TREND_PRESENTATION[known]
    hidden = format_html(' <span class="visually-hidden">{}</span>', against) if against else ""
    return format_html(
        '<span class="trend-badge trend-{}" data-trend="{}" title="{}">{}'
        '<span class="trend-badge-text">{}</span>{}</span>',
        known.value.replace("_", "-"),
        known.value,
        shown.words,
        icon_svg(shown.icon),
        shown.label,
        hidden,
    )


@register.simple_tag
def workflow_badge(value_row: Any) -> SafeString:
    """Where a value is in its workflow (draft, submitted, approved), as icon and words."""
    if value_row is None:
        return format_html('<span class="workflow-badge">{}</span>', "Not entered")
    code = getattr(value_row, "workflow_status", value_row)
    label = {"draft": "Draft", "submitted": "Submitted", "approved": "Approved"}.get(
        str(code), str(code)
    )
    return format_html(
        '<span class="workflow-badge workflow-{}">{}{}</span>',
        code,
        icon_svg(WORKFLOW_ICONS.get(str(code), "dash")),
        label,
    )


def format_number(value: Any, places: int) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,}"


@register.filter
def pi_number(value: Any, indicator: Any) -> str:
    """A value or target at the PI's decimal places with its unit: "72.5%", "£1,250.00"."""
    if value is None or value == "":
        return "—"
    unit = getattr(indicator, "unit_kind", "")
    places = getattr(indicator, "decimal_places", 1)
    if unit == UnitKind.YES_NO:
        try:
            return "Yes" if Decimal(str(value)) == 1 else "No"
        except InvalidOperation:
            return str(value)
    text = format_number(value, places)
    if unit == UnitKind.PERCENTAGE:
        return f"{text}%"
    if unit == UnitKind.MONEY:
        return f"−£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text


@register.filter
def plain_number(value: Any, indicator: Any) -> str:
    """A number at the PI's decimal places, without grouping or unit (for form inputs)."""
    if value is None or value == "":
        return ""
    return format_number(value, getattr(indicator, "decimal_places", 1)).replace(",", "")


@register.filter
def reading_text(reading: Any, indicator: Any) -> str:
    """A report reading: its number, or the words for why there is none."""
    if reading is None:
        return "—"
    if reading.value is not None:
        text = pi_number(reading.value, indicator)
        return text if reading.complete else f"{text} (incomplete)"
    status = status_of(reading.state)
    return STATUS_PRESENTATION[status].label if status else "—"


@register.filter(name="icon_shape")
def icon_shape_filter(name: str) -> SafeString:
    """The inner SVG of a named icon, for drawing inside another SVG (chart markers)."""
    return icon_shape(name)
