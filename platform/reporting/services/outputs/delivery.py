"""Downloads of a pack (PDF, Word, Excel, CSV) for pages and REST: one response maker, and
the size a pack may have to be drawn while the person waits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse

from goldenthread.platform.core.errors import DomainError

from ...domain.pack import Pack
from . import FORMATS, render

# A PDF of a few thousand rows takes tens of seconds to lay out; beyond this many rows the
# pack is made by a worker (frozen packs and scheduled generation) rather than on request.
DEFAULT_MAX_ROWS = 2000


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
    if rows > max_rows():
        raise DomainError(
            f"This pack has {rows:,} rows, more than the {max_rows():,} drawn while you wait; "
            "freeze it for a committee to have it generated in the background.",
            code="pack_too_large",
        )
    rendered = render(pack, fmt)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response
