"""The files of a frozen pack, every one drawn from its stored JSON through the one
`outputs.render` (never from today's data): PDF and Word as the worker drew them while
freezing (`FrozenPackFile`, so no download of a large pack waits on a web request), the
others drawn on each download."""

from __future__ import annotations

from dataclasses import replace

from django.utils.text import slugify

from goldenthread.platform.core.errors import NotFound

from ..domain.pack import Pack
from ..models import FrozenPack
from .outputs import CONTENT_TYPES, FROZEN_FORMATS, Rendered, render

# The slow outputs, drawn once by the worker when the pack is frozen.
STORED_FORMATS = ("pdf", "docx")


def frozen_pack_filename(frozen_pack: FrozenPack, fmt: str) -> str:
    name = f"{slugify(frozen_pack.title)[:60] or 'pack'}-{slugify(frozen_pack.period_code)}"
    return f"{name}-frozen-{frozen_pack.pk}.{fmt}"


def frozen_pack_render(*, frozen_pack: FrozenPack, fmt: str) -> Rendered:
    """The frozen pack in `fmt` (one of `FROZEN_FORMATS`; anything else is NotFound)."""
    if fmt not in FROZEN_FORMATS:
        raise NotFound(
            f"This pack cannot be downloaded as '{str(fmt)[:20]}'; "
            f"use one of {', '.join(FROZEN_FORMATS)}."
        )
    filename = frozen_pack_filename(frozen_pack, fmt)
    if fmt in STORED_FORMATS:
        stored = frozen_pack.files.filter(format=fmt).values_list("content", flat=True).first()
        if stored is not None:
            return Rendered(bytes(stored), CONTENT_TYPES[fmt], filename)
    rendered = render(Pack.from_json(frozen_pack.pack), fmt, frozen=frozen_pack)
    return replace(rendered, filename=filename)
