"""Risk-band colours without inline `style` attributes, which the Content-Security-Policy
refuses: each band colour becomes a class (`band_class`), whose rule `band_style` declares
once per page in a `<style>` element carrying the request's CSP nonce. Colours are `#rrggbb`
(checked by `planning.domain.risk_matrix`), so class names and rules built from them are safe;
anything else gets no colour rather than a rule."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..domain.risk_matrix import HEX_COLOUR, RiskBand

register = template.Library()


@register.simple_tag
def band_class(band: RiskBand) -> str:
    if not HEX_COLOUR.match(band.colour):
        return ""
    return "band-c-" + band.colour.lstrip("#").lower()


@register.simple_tag(takes_context=True)
def band_style(context: template.Context, band: RiskBand) -> str:
    """The rule for the band's class, the first time the page uses its colour."""
    request = context.get("request")
    name = band_class(band)
    if request is None or not name:
        return ""
    declared: set[str] = request.__dict__.setdefault("_risk_band_classes", set())
    if name in declared:
        return ""
    declared.add(name)
    return format_html(
        '<style nonce="{}">.{} {{ background-color: {}; color: {}; }} .{} a {{ color: {}; }}'
        "</style>",
        request.csp_nonce,
        name,
        band.colour,
        band.text_colour,
        name,
        band.text_colour,
    )
