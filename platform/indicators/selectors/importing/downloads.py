"""Import templates to download: the uploader's PIs, each with its next due period, ready to
fill in. Cells that a spreadsheet would read as a formula are written as plain text."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.exporting import disarmed
from goldenthread.platform.core.periods import Period, periods_between

from ...models import ImportKind, Indicator, PerformanceSettings
from ...permissions import can_manage_indicators
from ..due import due_date_for

VALUE_TEMPLATE_HEADER = [
    "indicator code",
    "indicator title",
    "period",
    "value",
    "numerator",
    "denominator",
    "sub-area",
    "state",
    "note",
]
TARGET_TEMPLATE_HEADER = [
    "indicator code",
    "indicator title",
    "period",
    "target",
    "sub-area",
    "note",
]


def next_due_period(indicator: Indicator, settings: PerformanceSettings, today: date) -> Period:
    """The period whose value is due next: the earliest due date from today on, among the
    periods that have started (the current one at the latest)."""
    periods = periods_between(indicator.period_type, today - timedelta(days=400), today)
    upcoming = [
        (due_date_for(indicator, period, settings), period)
        for period in periods
        if due_date_for(indicator, period, settings) >= today
    ]
    return min(upcoming)[1] if upcoming else periods[-1]


def template_indicators(user: User, kind: str):
    pis = Indicator.objects.filter(is_active=True).order_by("code")
    if kind == ImportKind.VALUES and not can_manage_indicators(user):
        pis = pis.filter(data_providers=user)
    return list(pis)


def template_rows(user: User, kind: str, *, today: date | None = None) -> list[list[str]]:
    today = today or timezone.localdate()
    settings = PerformanceSettings.load()
    rows = []
    for pi in template_indicators(user, kind):
        period = next_due_period(pi, settings, today).code
        if kind == ImportKind.TARGETS:
            rows.append([pi.code, pi.title, period, "", "", ""])
        else:
            rows.append([pi.code, pi.title, period, "", "", "", "", "", ""])
    return rows


def header_for(kind: str) -> list[str]:
    return TARGET_TEMPLATE_HEADER if kind == ImportKind.TARGETS else VALUE_TEMPLATE_HEADER


def safe_text(text: str) -> str:
    """Text a spreadsheet will show, not run: a leading apostrophe disarms '=HYPERLINK(…)'
    (the one rule, `core.exporting.disarmed`)."""
    return disarmed(text)


def template_csv(user: User, kind: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header_for(kind))
    for row in template_rows(user, kind):
        writer.writerow([safe_text(cell) for cell in row])
    # With a byte-order mark Excel opens the file as UTF-8 (titles with accents or dashes).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(user: User, kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Targets" if kind == ImportKind.TARGETS else "Values"
    header = header_for(kind)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in template_rows(user, kind):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # Text as text: a code or title beginning "=" is not a formula, and a period
            # typed as 2025-04 stays a period instead of becoming a date.
            cell.number_format = "@"
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for column, width in zip("ABCDEFGHI", (16, 48, 14, 12, 12, 12, 16, 16, 30), strict=False):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
