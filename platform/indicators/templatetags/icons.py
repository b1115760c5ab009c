"""SVG icons for statuses and trends (16×16, drawn in `currentColor`).

Each shape differs from the others on its own, so a status reads the same in greyscale, to
people who cannot tell red from green, and when printed; the words are always shown as well.

The shapes are drawn once per page, as the symbols of a sprite (`{% icon_sprite %}`, in the
base layout), and each icon refers to its symbol with `<use>`: a report of 600 PIs shows
1,800 badges, and copying the shapes into each made up most of its 1.2 MB of HTML
(bench/report.py).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WHITE = 'stroke="#fff" fill="none" stroke-linecap="round" stroke-linejoin="round"'
LINE = 'stroke="currentColor" fill="none" stroke-linecap="round" stroke-linejoin="round"'

ICON_SHAPES: dict[str, str] = {
    "circle-check": (
        '<circle cx="8" cy="8" r="7.5" fill="currentColor"/>'
        f'<path d="M4.6 8.3l2.2 2.2 4.6-4.8" stroke-width="2" {WHITE}/>'
    ),
    "triangle-exclamation": (
        '<path d="M8 .8l7.6 14H.4z" fill="currentColor"/>'
        f'<path d="M8 5.6v4.2M8 12.2v.3" stroke-width="2" {WHITE}/>'
    ),
    "octagon-cross": (
        '<path d="M5 .5h6L15.5 5v6L11 15.5H5L.5 11V5z" fill="currentColor"/>'
        f'<path d="M5.4 5.4l5.2 5.2M10.6 5.4l-5.2 5.2" stroke-width="2" {WHITE}/>'
    ),
    "square-info": (
        '<rect x="1" y="1" width="14" height="14" rx="1.5" fill="currentColor"/>'
        f'<path d="M8 7.2v4.8M8 4.4v.2" stroke-width="2" {WHITE}/>'
    ),
    "diamond-question": (
        '<path d="M8 .3L15.7 8 8 15.7.3 8z" fill="currentColor"/>'
        f'<path d="M6.2 6.4a1.9 1.9 0 113 1.5c-.7.4-1.2.8-1.2 1.6M8 11.4v.2" '
        f'stroke-width="1.6" {WHITE}/>'
    ),
    "clock": (
        f'<circle cx="8" cy="8" r="6.6" stroke-width="1.8" {LINE}/>'
        f'<path d="M8 4.2V8l2.6 1.6" stroke-width="1.8" {LINE}/>'
    ),
    "circle-minus": (
        '<circle cx="8" cy="8" r="7.5" fill="currentColor"/>'
        f'<path d="M4.4 8h7.2" stroke-width="2" {WHITE}/>'
    ),
    "circle-slash": (
        f'<circle cx="8" cy="8" r="6.6" stroke-width="1.8" {LINE}/>'
        f'<path d="M3.4 12.6l9.2-9.2" stroke-width="1.8" {LINE}/>'
    ),
    "arrow-up": f'<path d="M8 14.5V2M3 7l5-5 5 5" stroke-width="2.2" {LINE}/>',
    "arrow-down": f'<path d="M8 1.5V14M3 9l5 5 5-5" stroke-width="2.2" {LINE}/>',
    "arrow-right": f'<path d="M1.5 8H14M9 3l5 5-5 5" stroke-width="2.2" {LINE}/>',
    "dash": f'<path d="M3 8h10" stroke-width="2.2" {LINE}/>',
}


def icon_shape(name: str) -> SafeString:
    """The inner SVG of an icon, for placing inside another SVG (the PI chart's markers)."""
    return mark_safe(ICON_SHAPES[name])  # noqa: S308 - constant markup defined above


def icon_id(name: str) -> str:
    """The id of an icon's symbol in the page's sprite."""
    if name not in ICON_SHAPES:
        raise KeyError(f"no icon named {name!r}")
    return f"icon-{name}"


@register.simple_tag
def icon_sprite() -> SafeString:
    """Every icon's shape as a `<symbol>`, once per page, for `icon_svg` to refer to. Hidden
    and out of the layout; not `display: none`, which would stop some browsers drawing it."""
    return mark_safe(  # noqa: S308 - constant markup defined above
        '<svg class="icon-sprite" xmlns="http://www.w3.org/2000/svg" width="0" height="0" '
        'aria-hidden="true" focusable="false">'
        + "".join(
            f'<symbol id="{icon_id(name)}" viewBox="0 0 16 16">{shape}</symbol>'
            for name, shape in ICON_SHAPES.items()
        )
        + "</svg>"
    )


def icon_svg(name: str, *, size: int = 16, css_class: str = "icon") -> SafeString:
    """A decorative icon drawn from the page's sprite: hidden from assistive technology
    because words go beside it."""
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 16 16" aria-hidden="true" '
        'focusable="false"><use href="#{}"></use></svg>',
        css_class,
        size,
        size,
        icon_id(name),
    )
