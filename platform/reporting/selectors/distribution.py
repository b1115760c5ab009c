"""Reads of frozen packs, their runs, comparisons and downloads, schedules and distribution
lists. Every download renders from the frozen pack's stored JSON, never from today's data."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.text import slugify

from goldenthread.platform.core.errors import NotFound

from ..domain.comparison import PackComparison, compare_packs
from ..domain.pack import Pack
from ..models import (
    DistributionList,
    DistributionSettings,
    FrozenPack,
    PackRun,
    PackSchedule,
    ReportDefinition,
)
from .definitions import _id

FORMATS = {
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FORMAT_WORDS = {
    "html": "Web page (HTML)",
    "json": "Data (JSON)",
    "pdf": "PDF",
    "docx": "Word",
    "xlsx": "Excel",
    "csv": "CSV",
}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    filename: str


def frozen_pack_list(
    *, definition: Any = None, committee: str = "", period: str = ""
) -> QuerySet[FrozenPack]:
    """Every frozen pack, newest first (the archive), without the stored JSON (lists do not
    need it), filtered by definition id, committee (contains) and period code."""
    packs = FrozenPack.objects.select_related("definition").defer("pack")
    if definition not in (None, ""):
        packs = packs.filter(definition_id=_id(definition, "report definition"))
    if committee:
        packs = packs.filter(committee__icontains=committee.strip())
    if period:
        packs = packs.filter(period_code=period.strip())
    return packs.order_by("-frozen_at", "-pk")


def frozen_pack_get(*, pk: Any) -> FrozenPack:
    found = FrozenPack.objects.select_related("definition").filter(pk=_id(pk, "frozen pack"))
    found = found.first()
    if found is None:
        raise NotFound(f"There is no frozen pack with the id '{pk}'.")
    return found


def frozen_pack_content(frozen_pack: FrozenPack) -> Pack:
    return Pack.from_json(frozen_pack.pack)


def frozen_pack_compare(
    *, frozen_pack: FrozenPack, other: FrozenPack | None = None
) -> tuple[FrozenPack | None, PackComparison | None]:
    """The comparison of the pack with `other`, or with the pack frozen before it for the same
    definition; (None, None) when there is none."""
    if other is None and frozen_pack.previous_id:
        other = FrozenPack.objects.get(pk=frozen_pack.previous_id)
    if other is None:
        return None, None
    return other, compare_packs(frozen_pack_content(other), frozen_pack_content(frozen_pack))


def output_renderer(fmt: str):
    """The `outputs` renderer of a format (`services.outputs.<fmt>.render_<fmt>(pack)`), or None
    when that output is not installed."""
    try:
        module = importlib.import_module(f"goldenthread.platform.reporting.services.outputs.{fmt}")
    except ImportError:
        return None
    return getattr(module, f"render_{fmt}", None)


def available_formats() -> list[str]:
    return [fmt for fmt in FORMATS if fmt in ("html", "json") or output_renderer(fmt) is not None]


def frozen_pack_render(*, frozen_pack: FrozenPack, fmt: str) -> Rendered | None:
    """The frozen pack in `fmt`, from its stored JSON; None for a format not available."""
    if fmt not in FORMATS:
        return None
    name = f"{slugify(frozen_pack.title)[:60] or 'pack'}-{slugify(frozen_pack.period_code)}"
    name = f"{name}-frozen-{frozen_pack.pk}.{fmt}"
    pack = frozen_pack_content(frozen_pack)
    if fmt == "json":
        import json

        content = json.dumps(frozen_pack.pack, ensure_ascii=False, indent=1).encode()
    elif fmt == "html":
        content = render_to_string(
            "reporting/frozen_pack_download.html",
            {"pack": pack, "frozen": frozen_pack, "css": _pack_css()},
        ).encode()
    elif stored := frozen_pack.files.filter(format=fmt).values_list("content", flat=True).first():
        content = bytes(stored)
    else:
        render = output_renderer(fmt)
        if render is None:
            return None
        content = render(pack)
        if isinstance(content, tuple):  # (bytes, content type, filename) forms
            content = content[0]
    return Rendered(content=content, content_type=FORMATS[fmt], filename=name)


def _pack_css() -> str:
    # The download is a file on someone's disk: its stylesheet travels inside it.
    from django.contrib.staticfiles import finders

    path = finders.find("reporting/pack.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def pack_run_get(*, pk: Any) -> PackRun:
    found = PackRun.objects.select_related("definition", "frozen_pack").filter(
        pk=_id(pk, "pack run")
    )
    found = found.first()
    if found is None:
        raise NotFound(f"There is no pack generation with the id '{pk}'.")
    return found


def schedule_get(*, definition: ReportDefinition) -> PackSchedule | None:
    return PackSchedule.objects.filter(definition=definition).first()


def distribution_list_get(*, definition: ReportDefinition) -> DistributionList | None:
    return DistributionList.objects.filter(definition=definition).prefetch_related("people").first()


def distribution_settings_get(*, for_update: bool = False) -> DistributionSettings:
    rows = (
        DistributionSettings.objects.select_for_update()
        if for_update
        else DistributionSettings.objects
    )
    found = rows.filter(pk=1).first()
    if found is None:
        found, _ = DistributionSettings.objects.get_or_create(pk=1)
    return found


def settings_as_data(settings: DistributionSettings) -> dict[str, Any]:
    return {
        "attachments_allowed": settings.attachments_allowed,
        "attachment_max_kb": settings.attachment_max_kb,
    }
