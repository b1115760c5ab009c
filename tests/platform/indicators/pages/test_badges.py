"""Status and trend badges always carry an icon shape and words as well as colour; numbers
show as the PI publishes them."""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION, Trend
from goldenthread.platform.indicators.templatetags.icons import ICON_SHAPES


def render(source: str, **context) -> str:
    return Template("{% load indicators %}" + source).render(Context(context))


def drawn_icon(html: str) -> str:
    """The shape a badge's icon draws: the sprite's symbol its <use> refers to."""
    svg = re.search(r'<svg class="icon"[^>]*aria-hidden="true"[^>]*>(.*?)</svg>', html).group(1)
    symbol_id = re.fullmatch(r'<use href="#([\w-]+)"></use>', svg).group(1)
    sprite = render("{% load icons %}{% icon_sprite %}")
    return re.search(rf'<symbol id="{symbol_id}" viewBox="0 0 16 16">(.*?)</symbol>', sprite).group(
        1
    )


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_its_own_shape_words_and_colour(status):
    html = render("{% status_badge status %}", status=status.value)
    shown = STATUS_PRESENTATION[status]
    assert f'class="status-badge {shown.css_class}"' in html
    assert f">{shown.label}</span>" in html
    assert drawn_icon(html) == ICON_SHAPES[shown.icon]


def test_no_two_statuses_share_an_icon_shape():
    icons = [STATUS_PRESENTATION[status].icon for status in Status]
    assert len(set(icons)) == len(icons)


def test_the_sprite_draws_each_icon_once_hidden_from_assistive_technology():
    sprite = render("{% load icons %}{% icon_sprite %}")
    assert sprite.startswith('<svg class="icon-sprite"') and 'aria-hidden="true"' in sprite
    symbols = re.findall(r'<symbol id="icon-([\w-]+)"', sprite)
    assert sorted(symbols) == sorted(ICON_SHAPES)


def test_an_unknown_or_empty_status_reads_no_status():
    assert ">No status</span>" in render("{% status_badge '' %}")
    assert ">No status</span>" in render("{% status_badge 'purple' %}")


@pytest.mark.parametrize("trend", list(Trend))
def test_every_trend_has_an_arrow_and_words(trend):
    html = render("{% trend_badge trend against='against last year' %}", trend=trend.value)
    shown = TREND_PRESENTATION[trend]
    assert f'data-trend="{trend.value}"' in html and f">{shown.label}</span>" in html
    assert drawn_icon(html) == ICON_SHAPES[shown.icon]
    assert '<span class="visually-hidden">against last year</span>' in html


@pytest.mark.parametrize(
    ("value", "unit", "places", "shown"),
    [
        (Decimal("72.45"), "percentage", 1, "72.5%"),
        (Decimal("1250"), "money", 2, "£1,250.00"),
        (Decimal("-3.5"), "money", 2, "−£3.50"),
        (Decimal("12.3456"), "time", 2, "12.35"),
        (Decimal("1"), "yes_no", 0, "Yes"),
        (None, "number", 0, "—"),
    ],
)
def test_numbers_show_at_the_pis_places_with_its_unit(value, unit, places, shown):
    indicator = SimpleNamespace(unit_kind=unit, decimal_places=places)
    assert render("{{ value|pi_number:indicator }}", value=value, indicator=indicator) == shown
