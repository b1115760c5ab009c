"""Every import reads its files by the same rules (`core.tabular`): the same hostile files are
refused, and the same friendly ones read, by the indicator value import, the catalogue import
and the nearest-neighbour import. Refusals write nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from goldenthread.platform.indicators.domain.importing.columns import VALUE_COLUMNS
from goldenthread.platform.indicators.domain.importing.reader import ImportFileError, read_file
from goldenthread.shared_indicators.benchmarking.errors import NeighbourImportError
from goldenthread.shared_indicators.benchmarking.models import NearestNeighbour
from goldenthread.shared_indicators.benchmarking.services.neighbours import neighbours_import
from goldenthread.shared_indicators.errors import CatalogueImportError
from goldenthread.shared_indicators.models import CatalogueIndicator
from tests.platform.core.tabular_files import xlsx_bytes
from tests.shared_indicators.benchmarking.helpers import make_org
from tests.shared_indicators.helpers import import_bytes, unique_prefix

pytestmark = pytest.mark.django_db


@dataclass
class Importer:
    """One import seen from outside: a header and a data row it accepts, a way to run it and
    to count what it has stored."""

    name: str  # its limits' name, for settings.TABULAR_IMPORT_LIMITS
    header: list[str]
    row: Callable[[], list[str]]  # a good data row; called once per file
    run: Callable[[bytes, str], object]  # raises the import's own error on refusal
    stored: Callable[[], int]
    writes: int  # rows stored for one good data row

    def refusal(self, data: bytes, file_name: str) -> str:
        before = self.stored()
        with pytest.raises((ImportFileError, CatalogueImportError, NeighbourImportError)) as error:
            self.run(data, file_name)
        assert self.stored() == before  # nothing written
        refused = error.value
        if isinstance(refused, ImportFileError):
            return refused.message
        return " ".join(problem.message for problem in refused.problems)

    def text(self, rows: list[list[str]], *, separator: str = ",") -> str:
        return "\n".join(separator.join(row) for row in [self.header, *rows]) + "\n"


def _values() -> Importer:
    return Importer(
        name="indicator value",
        header=["indicator code", "period", "value", "note"],
        row=lambda: ["PI 1", "2025-04", "12", "Café"],
        run=lambda data, name: read_file(data, file_name=name, columns=VALUE_COLUMNS),
        stored=lambda: 0,
        writes=0,  # reading stores nothing
    )


def _catalogue() -> Importer:
    prefix = unique_prefix()
    counter = iter(range(1, 1_000_000))
    return Importer(
        name="catalogue",
        header=["code", "title", "unit", "polarity", "frequency"],
        row=lambda: [f"{prefix} {next(counter)}", "Café visits", "number", "higher", "annual"],
        run=lambda data, name: import_bytes(data, name=name),
        stored=lambda: CatalogueIndicator.objects.filter(
            code__startswith=prefix, title="Café visits"
        ).count(),
        writes=1,
    )


def _neighbours() -> Importer:
    organisation = make_org()
    others = iter([make_org() for _ in range(8)])
    return Importer(
        name="nearest neighbour",
        header=["organisation", "neighbour", "note"],
        row=lambda: [organisation.slug, next(others).slug, "Café"],
        run=lambda data, name: neighbours_import(path_or_file=io.BytesIO(data), source_name=name),
        stored=lambda: NearestNeighbour.objects.filter(organisation=organisation).count(),
        writes=1,
    )


IMPORTERS = {"values": _values, "catalogue": _catalogue, "neighbours": _neighbours}


@pytest.fixture(params=list(IMPORTERS))
def importer(request) -> Importer:
    return IMPORTERS[request.param]()


def test_a_windows_cp1252_file_with_semicolons_is_read(importer):
    data = importer.text([importer.row()], separator=";").encode("cp1252")
    assert b"\xe9" in data  # é as cp1252 writes it, which UTF-8 cannot read
    result = importer.run(data, "upload.csv")
    assert importer.stored() == importer.writes
    if importer.name == "indicator value":
        assert result.rows[0].cells["note"] == "Café"


def test_a_tab_separated_utf8_file_with_a_byte_order_mark_is_read(importer):
    data = ("\ufeff" + importer.text([importer.row()], separator="\t")).encode()
    importer.run(data, "upload.txt")
    assert importer.stored() == importer.writes


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "it is a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it is a PNG image"),
        (b"organisation,neighbour\n\x00\x01\x02", "it holds binary data"),
    ],
)
def test_a_binary_file_named_csv_is_refused(importer, data, said):
    message = importer.refusal(data, "upload.csv")
    assert "not a CSV or XLSX file" in message and said in message


def test_an_xlsx_declaring_the_whole_sheet_is_read_as_stored(importer):
    data = xlsx_bytes([importer.header, importer.row()], dimension="A1:XFD1048576")
    importer.run(data, "upload.xlsx")
    assert importer.stored() == importer.writes


def test_too_many_columns_are_refused_naming_the_limit(importer, settings):
    settings.TABULAR_IMPORT_LIMITS = {importer.name: {"max_columns": len(importer.header)}}
    row = [*importer.row(), "one too many"]
    message = importer.refusal(importer.text([row]).encode(), "upload.csv")
    assert f"Row 2 has more than {len(importer.header)} columns" in message
    assert f"the limit for {importer.name} files" in message


def test_too_many_columns_in_an_xlsx_are_refused(importer, settings):
    settings.TABULAR_IMPORT_LIMITS = {importer.name: {"max_columns": len(importer.header)}}
    data = xlsx_bytes([importer.header, [*importer.row(), "one too many"]])
    assert "Row 2 has more than" in importer.refusal(data, "upload.xlsx")


def test_too_many_rows_are_refused_naming_the_limit(importer, settings):
    settings.TABULAR_IMPORT_LIMITS = {importer.name: {"max_rows": 2}}
    data = importer.text([importer.row() for _ in range(3)]).encode()
    message = importer.refusal(data, "upload.csv")
    assert f"more than 2 rows, the limit for {importer.name} files" in message


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(importer, settings):
    settings.TABULAR_IMPORT_LIMITS = {importer.name: {"max_bytes": 1024}}
    data = importer.text([importer.row()]).encode() + b" " * 1024
    message = importer.refusal(data, "upload.csv")
    assert f"larger than 1 KB, the limit for {importer.name} files" in message
