"""Downloads of a pack (PDF, Word, Excel, CSV) for pages and REST: one response maker, and
the size a pack may have to be drawn while the person waits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse

from goldenthread.platform.core.errors import DomainError

from ...domain.pack import Pack
from . import FORMATS, render

# Laying out a PDF (or a Word document) takes about a second per ten rows on a busy 2-core
# machine (bench/reporting_outputs.py): beyond this many rows such a pack is made by a worker
# (frozen packs, scheduled generation) rather than while someone waits on a web request.
# Excel and CSV are written in a fraction of that and have no limit here.
DEFAULT_MAX_ROWS = 250
LIMITED_FORMATS = ("pdf", "docx")


def max_rows() -> int:
    return int(getattr(settings, "REPORTING_SYNC_OUTPUT_MAX_ROWS", DEFAULT_MAX_ROWS))


def checked_format(fmt: str) -> str:
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise DomainError(
            f"format: '{fmt[:20]}' is not a pack format; use {', '.join(FORMATS)}.",
            code="invalid_pack_format",
        )
    return fmt


def pack_download(pack: Pack, fmt: str) -> HttpResponse:
    """The pack as a file, refused (400, saying why) when too large to draw on request."""
    fmt = checked_format(fmt)
    rows = sum(len(section.rows) for section in pack.sections)
    if fmt in LIMITED_FORMATS and rows > max_rows():
        raise DomainError(
            f"This pack has {rows:,} rows, more than the {max_rows():,} a {fmt.upper()} is "
            "drawn for while you wait; download it as Excel or CSV, or freeze it for a "
            "committee to have it generated in the background.",
            code="pack_too_large",
        )
    rendered = render(pack, fmt)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response
