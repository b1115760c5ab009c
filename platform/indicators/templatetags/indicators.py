"""Template tags for the performance pages: status and trend badges, and PI numbers.

`{% status_badge status %}` and `{% trend_badge trend %}` always show an icon shape, words and
colour together (WCAG 1.4.1: never colour alone). `{{ value|pi_number:indicator }}` shows a
number as the PI publishes it (its decimal places, its unit).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from goldenthread.platform.indicators.domain.choices import UnitKind
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
    return _format_number(value, _quantum(places))


@lru_cache(maxsize=32)
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _format_number(value: Any, quantum: Decimal) -> str:
    try:
        number = value if type(value) is Decimal else Decimal(str(value))
        return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,}"
    except (InvalidOperation, ValueError):
        return str(value)


def _blank(value: Any) -> bool:
    # A Decimal is never blank; asked first because comparing one with "" is slow.
    return type(value) is not Decimal and (value is None or value == "")


@lru_cache(maxsize=64)
def number_format(unit_kind: str, decimal_places: int, blank: str = "—") -> Callable[[Any], str]:
    """How a PI of this unit and number of places shows a value or target (`pi_number`), as a
    function worked out once: a report formats thousands of numbers of a few kinds. `blank`
    is what no number shows as. A Decimal (what the database gives) takes the shortest path."""
    quantum = _quantum(decimal_places)

    def yes_no(value: Any) -> str:
        if _blank(value):
            return blank
        try:
            return "Yes" if Decimal(str(value)) == 1 else "No"
        except InvalidOperation:
            return str(value)

    def percentage(value: Any) -> str:
        if type(value) is Decimal:
            try:
                return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}%"
            except InvalidOperation:
                pass  # too many digits for its places: shown as it is, below
        return blank if _blank(value) else f"{_format_number(value, quantum)}%"

    def money(value: Any) -> str:
        if _blank(value):
            return blank
        text = _format_number(value, quantum)
        return f"−£{text[1:]}" if text.startswith("-") else f"£{text}"

    def plain(value: Any) -> str:
        if type(value) is Decimal:
            try:
                return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,}"
            except InvalidOperation:
                pass
        return blank if _blank(value) else _format_number(value, quantum)

    return {
        UnitKind.YES_NO: yes_no,
        UnitKind.PERCENTAGE: percentage,
        UnitKind.MONEY: money,
    }.get(unit_kind, plain)


@register.filter
def pi_number(value: Any, indicator: Any) -> str:
    """A value or target at the PI's decimal places with its unit: "72.5%", "£1,250.00"."""
    return number_format(
        getattr(indicator, "unit_kind", ""), getattr(indicator, "decimal_places", 1)
    )(value)


@register.filter
def plain_number(value: Any, indicator: Any) -> str:
    """A number at the PI's decimal places, without grouping or unit (for form inputs)."""
    if value is None or value == "":
        return ""
    return format_number(value, getattr(indicator, "decimal_places", 1)).replace(",", "")


@register.filter
def reading_text(reading: Any, indicator: Any) -> str:
    """A report reading: its number, or the words for why there is none."""
    return reading_in(
        reading,
        number_format(getattr(indicator, "unit_kind", ""), getattr(indicator, "decimal_places", 1)),
    )


def reading_in(reading: Any, shown: Callable[[Any], str], blank: str = "—") -> str:
    """`reading_text` with the PI's number format (`number_format`) already worked out."""
    if reading is None:
        return blank
    if reading.value is not None:
        text = shown(reading.value)
        if reading.complete:
            return text
        if getattr(reading, "part_year", False):
            # Marked as a part year, with how much of it: never read as the whole year.
            held, expected = len(reading.present_codes), reading.expected_count
            return f"{text} (part year: {held} of {expected} periods)"
        return f"{text} (incomplete)"
    status = status_of(reading.state)
    return STATUS_PRESENTATION[status].label if status else blank


@register.filter(name="icon_shape")
def icon_shape_filter(name: str) -> SafeString:
    """The inner SVG of a named icon, for drawing inside another SVG (chart markers)."""
    return icon_shape(name)


@register.filter
def unit_words(indicator: Any) -> str:
    """The unit in words: "Percentage", or "Number (tonnes)" — the label is added only when it
    says more than the kind (never "Percentage (percentage)")."""
    try:
        kind = UnitKind(indicator.unit_kind)
    except ValueError:
        return indicator.unit_label or str(indicator.unit_kind)
    label = (indicator.unit_label or "").strip()
    if not label or label.casefold() in {kind.label.casefold(), kind.value.casefold(), "%"}:
        return kind.label
    return f"{kind.label} ({label})"


@register.filter
def change_words(card: Any) -> str:
    """An approval card's change since the previous period in words: "up 12.5 (from 100.0,
    +12.5%)", "down 3.0 percentage points (−6.0%)", "no change"; a percentage PI's change is
    in percentage points, and the relative change is left out when the previous value was 0."""
    change = getattr(card, "change", None)
    if change is None:
        return ""
    indicator = card.row.indicator
    if change == 0:
        return "No change"
    direction = "Up" if change > 0 else "Down"
    places = getattr(indicator, "decimal_places", 1)
    size = format_number(abs(change), places)
    if indicator.unit_kind == UnitKind.PERCENTAGE:
        size += " percentage points"
    elif indicator.unit_kind == UnitKind.MONEY:
        size = f"£{size}"
    percent = card.change_percent
    if percent is None:
        return f"{direction} {size}"
    sign = "+" if percent > 0 else "−"
    return f"{direction} {size} ({sign}{format_number(abs(percent), 1)}%)"
