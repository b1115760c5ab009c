"""Turn the bytes of a catalogue file into a header and numbered rows of raw cells.

The reading itself, with its rules (encodings, separators, the binary check, size, row and
column limits), is the one tabular reader's (`core.tabular`); this module names the
catalogue's limits and reports a refusal as a catalogue import problem. Nothing here knows
what the columns mean; `rows.py` does.
"""

from __future__ import annotations

from goldenthread.platform.core.tabular import (
    RawRow,
    RawTable,
    TabularFileError,
    TabularLimits,
)
from goldenthread.platform.core.tabular import read_table as read_tabular

from ...errors import CatalogueImportError, ImportProblem

__all__ = ["LIMITS", "RawRow", "RawTable", "read_table"]

# The national set has about 200 indicators; these bounds only stop a wrong or hostile file
# from tying up a worker, they are far above any real catalogue. Override one in
# settings.TABULAR_IMPORT_LIMITS["catalogue"].
LIMITS = TabularLimits(name="catalogue", max_bytes=10 * 1024 * 1024, max_rows=5_000, max_columns=50)


def read_table(data: bytes, *, source_name: str) -> RawTable:
    """Read `data` as CSV or XLSX, chosen by content first and the file name second.

    Raises CatalogueImportError for a file the tabular reader refuses."""
    try:
        return read_tabular(data, file_name=source_name, limits=LIMITS)
    except TabularFileError as error:
        raise CatalogueImportError([ImportProblem(error.message, row=error.row)]) from None
