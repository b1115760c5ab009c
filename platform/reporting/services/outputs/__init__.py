"""The outputs of a pack: PDF, Word, Excel and CSV (and, for a frozen pack, its page as one
HTML file and its data as JSON), each rendered from the same `Pack`.

`render(pack, fmt) -> Rendered(content, content_type, filename)` is the one entry point the
pages, REST, frozen packs, scheduled generation and e-mail attachments call; `FORMATS` lists
what a previewed pack offers, `FROZEN_FORMATS` what a frozen one does. Every output reads only
the Pack (no database), so a frozen pack renders the same years later.
"""

from __future__ import annotations

import json
from typing import Any

from ...domain.pack import Pack
from .common import (
    CONTENT_TYPES,
    FORMAT_WORDS,
    FORMATS,
    FROZEN_FORMATS,
    Rendered,
    pack_filename,
)


def render(pack: Pack, fmt: str, *, frozen: Any = None) -> Rendered:
    """The pack as a file of format `fmt` (one of `FROZEN_FORMATS`). `frozen`, the
    `FrozenPack` it was read from, only adds its committee line to the HTML file."""
    if fmt not in FROZEN_FORMATS:
        raise ValueError(f"Unknown pack format {fmt!r}; use one of {', '.join(FROZEN_FORMATS)}.")
    if fmt == "pdf":
        from .pdf import render_pdf as make
    elif fmt == "docx":
        from .docx import render_docx as make
    elif fmt == "xlsx":
        from .xlsx import render_xlsx as make
    elif fmt == "csv":
        from .csv import render_csv as make
    elif fmt == "html":
        from .html import render_html

        def make(pack):
            return render_html(pack, frozen=frozen)
    else:

        def make(pack):
            return json.dumps(pack.to_json(), ensure_ascii=False, indent=1).encode()

    return Rendered(
        content=make(pack), content_type=CONTENT_TYPES[fmt], filename=pack_filename(pack, fmt)
    )


__all__ = ["CONTENT_TYPES", "FORMATS", "FORMAT_WORDS", "FROZEN_FORMATS", "Rendered", "render"]
