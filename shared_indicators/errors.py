"""Errors the catalogue raises; every interface turns them into its own error shape."""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.platform.core.errors import DomainError


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import file. `row` is the row number as a spreadsheet shows
    it (the header is row 1); `row` and `column` are None for problems with the whole file."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class CatalogueImportError(DomainError):
    """The file was refused; nothing was written. `problems` lists every problem found."""

    code = "catalogue_import_invalid"

    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        count = len(self.problems)
        summary = f"The catalogue file was refused ({count} problem{'s' if count != 1 else ''}); "
        summary += "nothing was imported."
        super().__init__(summary, extra={"problems": [p.as_dict() for p in self.problems]})

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  {problem}" for problem in self.problems)])
