"""Reading and checking national catalogue files (CSV or XLSX). Writing is in `services.py`."""

from .readers import RawTable, read_table
from .rows import REQUIRED_COLUMNS, CatalogueRow, CheckedFile, check_table

__all__ = [
    "REQUIRED_COLUMNS",
    "CatalogueRow",
    "CheckedFile",
    "RawTable",
    "check_table",
    "read_table",
]
