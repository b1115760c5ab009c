"""What every pack output shares: file names, content types, the unapproved mark's words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from goldenthread.platform.core.exporting import Number

from ...domain.pack import NUMBER, Pack, PackCell

# The files of a pack offered for download while it is previewed.
FORMATS = ("pdf", "docx", "xlsx", "csv")
# A frozen pack also offers its page as one self-contained HTML file and its stored data.
FROZEN_FORMATS = ("html", "json", *FORMATS)
FORMAT_WORDS = {
    "html": "Web page (HTML)",
    "json": "Data (JSON)",
    "pdf": "PDF",
    "docx": "Word",
    "xlsx": "Excel",
    "csv": "CSV",
}
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
UNAPPROVED_WORDS = "Not yet approved"
UNAPPROVED_LEGEND = (
    "Includes unapproved values: a figure not yet approved is marked “not yet approved” "
    "where it appears."
)
APPROVED_ONLY_LEGEND = "Approved values only: a value not yet approved counts as not entered."


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    filename: str


def pack_filename(pack: Pack, fmt: str) -> str:
    """`corporate-performance-2024-25-q2.pdf`: the pack's title and period, safe on any disk."""
    stem = f"{pack.title} {pack.period_code}".lower()
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "pack"
    return f"{stem[:80]}.{fmt}"


def mark_words(cell: PackCell) -> str:
    """What an unapproved figure says beside it (the HTML page's words)."""
    return cell.note or UNAPPROVED_WORDS


def cell_words(cell: PackCell) -> str:
    """A cell as words, its unapproved mark included: "72.5% (Not yet approved)"."""
    text = cell.text or "—"
    if cell.unapproved:
        return f"{text} ({mark_words(cell)})"
    if cell.note and cell.kind != "trend":
        return f"{text} ({cell.note})"
    return text


def cell_value(cell: PackCell) -> object:
    """A cell for a spreadsheet: a number with its decimals and unit, a date, or words."""
    if cell.kind == NUMBER and cell.number is not None:
        return Number(cell.number, cell.decimals, cell.unit)
    if cell.date_value is not None:
        return cell.date_value
    return cell.text if cell.text not in ("", "—") else None


def as_at_words(pack: Pack) -> str:
    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    return date_format(timezone.localtime(pack.as_at), "j F Y, H:i")


def legend(pack: Pack) -> str:
    if pack.includes_unapproved:
        return UNAPPROVED_LEGEND
    return APPROVED_ONLY_LEGEND if pack.approved_only else ""
