"""The outputs of a pack: PDF, Word, Excel and CSV, each rendered from the same `Pack`.

`render(pack, fmt) -> Rendered(content, content_type, filename)` is the one entry point the
pages, REST, frozen packs and scheduled generation call; `FORMATS` lists what it makes. Every
output reads only the Pack (no database), so a frozen pack renders the same years later.
"""

from __future__ import annotations

from ...domain.pack import Pack
from .common import CONTENT_TYPES, FORMAT_WORDS, FORMATS, Rendered, pack_filename


def render(pack: Pack, fmt: str) -> Rendered:
    """The pack as a file of format `fmt` ("pdf", "docx", "xlsx" or "csv")."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown pack format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if fmt == "pdf":
        from .pdf import render_pdf as make
    elif fmt == "docx":
        from .docx import render_docx as make
    elif fmt == "xlsx":
        from .xlsx import render_xlsx as make
    else:
        from .csv import render_csv as make
    return Rendered(
        content=make(pack), content_type=CONTENT_TYPES[fmt], filename=pack_filename(pack, fmt)
    )


__all__ = ["FORMATS", "FORMAT_WORDS", "Rendered", "render"]
