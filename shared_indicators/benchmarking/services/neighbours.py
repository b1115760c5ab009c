"""Import nearest-neighbour lists from CSV (or XLSX), all or nothing.

The file is read by the one tabular reader (`core.tabular`), with its rules and this import's
`LIMITS`.

The file has a header row and the columns `organisation`, `neighbour` and, optionally,
`position` (1 = nearest; when the column is absent, neighbours are numbered in file order per
organisation). Organisations are named by their slug or their ONS area code. Every organisation
named in the `organisation` column has its list replaced by the file's; lists of organisations
the file does not name are left alone. Every row is checked first: on any problem nothing is
written and every problem is reported with its row number (the header is row 1).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.core.tabular import (
    TabularFileError,
    TabularLimits,
    cell_text,
    read_table,
)
from goldenthread.tenants.models import Organisation

from ..errors import NeighbourImportError, NeighbourProblem
from ..models import NearestNeighbour
from . import history

REQUIRED_COLUMNS = ("organisation", "neighbour")
# About 400 councils with 15 neighbours each; override one limit in
# settings.TABULAR_IMPORT_LIMITS["nearest neighbour"].
LIMITS = TabularLimits(
    name="nearest neighbour", max_bytes=5 * 1024 * 1024, max_rows=50_000, max_columns=20
)


@dataclass(frozen=True)
class NeighbourImportReport:
    organisations: int
    neighbours: int

    def summary(self) -> str:
        return (
            f"Imported {self.neighbours} nearest neighbour{'s' if self.neighbours != 1 else ''} "
            f"for {self.organisations} organisation{'s' if self.organisations != 1 else ''}."
        )


def _read(data: bytes, *, source_name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        table = read_table(data, file_name=source_name, limits=LIMITS)
    except TabularFileError as error:
        raise NeighbourImportError([NeighbourProblem(error.message, row=error.row)]) from None
    header = [cell.lower() for cell in table.header]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise NeighbourImportError(
            [NeighbourProblem(f"The header has no '{column}' column.", row=1) for column in missing]
        )
    rows = [
        (
            row.number,
            {
                name: cell_text(row.cells[i]) if i < len(row.cells) else ""
                for i, name in enumerate(header)
            },
        )
        for row in table.rows
    ]
    return header, rows


def neighbours_import(
    *, path_or_file, source_name: str = "", actor: str = "cli"
) -> NeighbourImportReport:
    """Check and import a nearest-neighbours CSV file (see the module docstring). Each list
    that changes is recorded in the history of the clubs its organisation belongs to, with
    `actor` (e.g. `cli:<os user>`) as who did it."""
    if isinstance(path_or_file, str | Path):
        source_name = source_name or Path(path_or_file).name
        try:
            with Path(path_or_file).open("rb") as handle:
                # One byte over the limit is enough for the reader to refuse the file.
                data = handle.read(LIMITS.configured().max_bytes + 1)
        except OSError as exc:
            raise NeighbourImportError(
                [NeighbourProblem(f"Cannot read {path_or_file}: {exc.strerror}.")]
            ) from None
    else:
        data = path_or_file.read(LIMITS.configured().max_bytes + 1)
    header, rows = _read(data, source_name=source_name)
    has_position = "position" in header

    names = {row[column] for _, row in rows for column in REQUIRED_COLUMNS if row[column]}
    found = Organisation.objects.filter(Q(slug__in=names) | Q(ons_code__in=names)).only(
        "id", "slug", "ons_code"
    )
    by_name: dict[str, int] = {}
    for organisation in found:
        by_name[organisation.slug] = organisation.id
        if organisation.ons_code:
            by_name[organisation.ons_code] = organisation.id

    problems: list[NeighbourProblem] = []
    lists: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # org -> (pos, nbr, row)
    for number, row in rows:
        row_problems = []
        ids = {}
        for column in REQUIRED_COLUMNS:
            name = row[column]
            if not name:
                row_problems.append(f"the {column} is blank")
            elif name not in by_name:
                row_problems.append(f"no organisation has the slug or ONS code '{name}'")
            else:
                ids[column] = by_name[name]
        position = len(lists[ids["organisation"]]) + 1 if "organisation" in ids else 0
        if has_position:
            try:
                position = int(row.get("position", ""))
                if position < 1:
                    raise ValueError
            except ValueError:
                row_problems.append(
                    f"the position must be a whole number from 1, not '{row.get('position', '')}'"
                )
        if len(ids) == 2:
            if ids["organisation"] == ids["neighbour"]:
                row_problems.append("an organisation cannot be its own neighbour")
            for other_position, other_neighbour, other_row in lists[ids["organisation"]]:
                if other_neighbour == ids["neighbour"]:
                    row_problems.append(f"this neighbour is already listed on row {other_row}")
                if has_position and other_position == position:
                    row_problems.append(f"position {position} is already used on row {other_row}")
        if row_problems:
            problems.extend(NeighbourProblem(text, row=number) for text in row_problems)
        elif len(ids) == 2:
            lists[ids["organisation"]].append((position, ids["neighbour"], number))
    if not rows:
        problems.append(NeighbourProblem("The file has no rows after the header."))
    if problems:
        raise NeighbourImportError(problems)

    now = timezone.now()
    with transaction.atomic():
        history.neighbours_replacing(
            actor=actor,
            new_lists={
                organisation_id: [neighbour_id for _, neighbour_id, _ in sorted(entries)]
                for organisation_id, entries in lists.items()
            },
            source=source_name,
        )
        NearestNeighbour.objects.filter(organisation_id__in=list(lists)).delete()
        NearestNeighbour.objects.bulk_create(
            NearestNeighbour(
                organisation_id=organisation_id,
                neighbour_id=neighbour_id,
                position=position,
                source=source_name[:255],
                imported_at=now,
            )
            for organisation_id, entries in lists.items()
            for position, neighbour_id, _ in entries
        )
    return NeighbourImportReport(
        organisations=len(lists), neighbours=sum(len(entries) for entries in lists.values())
    )
