"""A pack as a PDF, drawn by WeasyPrint from the pack's own HTML and print stylesheet.

The PDF is the printed page: the same template (`reporting/pack_body.html`), the site's and
the pack's stylesheets (A4, page numbers in the page margin boxes, the running header with
the data's as-at time on every page, no forced breaks but after the cover) and the charts as
the same inline SVG `core.charts` draws for the page, each with its table of figures.

It is a tagged PDF (PDF/UA-1: structure tree, the document's language and title), and its
bookmarks are the pack's headings (WeasyPrint makes one per h1-h3).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from ...domain.pack import Pack

STYLESHEETS = ("goldenthread/site.css", "reporting/pack.css")
# What only the PDF needs: the site's header and footer are not in it, and headings deeper
# than a group are not bookmarks (a bookmark per table row would bury the sections).
PDF_CSS = """
h1 { bookmark-level: 1; }
h2 { bookmark-level: 1; }
h3 { bookmark-level: 2; }
h4, h5, h6 { bookmark-level: none; }
.pack-running span:first-child { bookmark-level: none; }
/* Break words only between letters of one too long for its column: "anywhere" would let the
   table layout squeeze every column to one letter wide. */
.pack-table th, .pack-table td { overflow-wrap: break-word; hyphens: manual; }
/* ...but never in the short words of a status, a trend or a figure: WeasyPrint counts
   break-word when it sizes columns, so "Improving" came out as "Improvin" + "g". */
.pack-table .trend-badge, .pack-table .status-badge, .pack-table .pack-number {
  overflow-wrap: normal;
}
.pack-table { font-size: 7.5pt; }
.pack-table .pack-commentary { min-width: 0; width: 22%; }
.pack-table th, .pack-table td { padding: 1mm 1mm; }
/* A committee table has ten or more columns: the PDF is A4 turned landscape so that each
   keeps words whole (the page's own print stylesheet stays portrait for browsers). */
@page { size: A4 landscape; }
/* The running header comes from string-set here, so the frame table the browsers need to
   repeat it is laid out as plain blocks: one table fewer around everything. */
.pack-frame, .pack-frame > thead, .pack-frame > tbody, .pack-frame > thead > tr,
.pack-frame > tbody > tr, .pack-frame > thead > tr > td,
.pack-frame > tbody > tr > td { display: block !important; }
/* Charts two to a row without CSS grid, whose layout costs WeasyPrint a fifth of the pack. */
.pack-charts { display: block; }
.pack-charts figure { display: inline-block; width: 48%; margin: 0 1% 4mm 0; vertical-align: top; }
.status-badge, .trend-badge { display: inline; border: 0; padding: 0; }
.status-badge svg, .trend-badge svg { width: 9pt; height: 9pt; vertical-align: middle; }
"""


@lru_cache(maxsize=1)
def _stylesheets():
    from weasyprint import CSS

    sheets = [CSS(filename=finders.find(name)) for name in STYLESHEETS]
    return [*sheets, CSS(string=PDF_CSS)]


def pack_html(pack: Pack) -> str:
    """The standalone HTML the PDF is drawn from (also what the benchmark compares with)."""
    return render_to_string("reporting/pack_document.html", {"pack": pack})


@contextmanager
def _cyclic_gc_paused():
    """WeasyPrint makes millions of small objects (boxes, styles, PDF objects) that live until
    the document is written; Python's cyclic collector walks them again and again as they
    pile up, a third of the time of a 600-PI pack and growing faster than the pack
    (bench/reporting_outputs.py). Reference counting still frees what dies; the collector
    runs again, as usual, once the PDF is written."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(pack: Pack) -> bytes:
    from weasyprint import HTML

    with _cyclic_gc_paused():
        document = HTML(string=pack_html(pack), base_url=".")
        return document.write_pdf(
            stylesheets=_stylesheets(),
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
            uncompressed_pdf=False,
        )
