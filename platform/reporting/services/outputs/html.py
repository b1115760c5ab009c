"""A pack as one self-contained HTML file: the pack page's body with its print stylesheet
inside (the file lives on someone's disk, away from the site's static files)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from ...domain.pack import Pack


@lru_cache(maxsize=1)
def _pack_css() -> str:
    with open(finders.find("reporting/pack.css"), encoding="utf-8") as handle:
        return handle.read()


def render_html(pack: Pack, *, frozen: Any = None) -> bytes:
    return render_to_string(
        "reporting/frozen_pack_download.html",
        {"pack": pack, "frozen": frozen, "css": _pack_css()},
    ).encode()
