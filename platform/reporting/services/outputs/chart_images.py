"""A pack's chart as a picture for Word: the very SVG the pages draw (`core.charts` through
the `pack_chart` tag and `core/line_chart.html`), with the site's chart rules put inside it,
drawn to PNG by cairo (cairosvg). Word shows no SVG without a bitmap beside it, and a PNG
keeps every Word version and LibreOffice alike."""

from __future__ import annotations

import re
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from ...domain.pack import PackChart

SCALE = 2  # pixels per SVG unit: sharp when printed at about 16 cm wide
_RULE = re.compile(r"^(\.chart[^{]*)\{([^}]*)\}", re.MULTILINE)


@lru_cache(maxsize=1)
def _chart_css() -> str:
    """The site's own chart rules (colours, dashes, widths: what tells the lines apart on the
    page), with the site's text colour written in, as cairo knows no CSS variables."""
    with open(finders.find("goldenthread/site.css"), encoding="utf-8") as handle:
        site = handle.read()
    text = re.search(r"--text:\s*([^;]+);", site).group(1).strip()
    rules = [
        f"{selector.strip()} {{{body.replace('var(--text)', text)}}}"
        for selector, body in _RULE.findall(site)
        # Not the page's sizing of the figure (width 100%, height auto): the picture has
        # its own size.
        if selector.strip() != ".chart"
        and not selector.startswith((".chart-legend", ".chart-figure"))
    ]
    return f"svg {{ font-family: sans-serif; font-size: 13px; }}\n{chr(10).join(rules)}"


def chart_svg(chart: PackChart, index: int) -> tuple[str, int, int] | None:
    """The chart as a standalone SVG document, with its width and height; None when the
    chart has nothing to draw (as on the page)."""
    from ...templatetags.reporting import pack_chart

    drawn = pack_chart(chart, index)
    if not drawn:
        return None
    figure = render_to_string("core/line_chart.html", {"chart": drawn})
    start = figure.index("<svg")
    end = figure.rindex("</svg>", 0, figure.index("<figcaption")) + len("</svg>")
    svg = figure[start:end]
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{drawn.width}" height="{drawn.height}" '
    )
    svg = opening + svg[len("<svg ") :]
    head_end = svg.index(">") + 1
    svg = f"{svg[:head_end]}<style>{_chart_css()}</style>{svg[head_end:]}"
    return svg, drawn.width, drawn.height


def chart_png(chart: PackChart, index: int) -> bytes | None:
    import cairosvg

    found = chart_svg(chart, index)
    if found is None:
        return None
    svg, width, _height = found
    return cairosvg.svg2png(
        bytestring=svg.encode(), output_width=width * SCALE, background_color="white"
    )
