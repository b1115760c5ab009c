"""Errors benchmarking raises; every interface turns them into its own error shape."""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.platform.core.errors import DomainError


class ComparisonUnavailable(DomainError):
    """A comparison that cannot be made as asked (mixed period types, an unknown group, …)."""

    code = "comparison_refused"


@dataclass(frozen=True)
class NeighbourProblem:
    """One thing wrong with a nearest-neighbours file (`row` as a spreadsheet numbers it)."""

    message: str
    row: int | None = None

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}" if self.row is not None else self.message


class NeighbourImportError(DomainError):
    """The file was refused; nothing was written. `problems` lists every problem found."""

    code = "neighbour_import_invalid"

    def __init__(self, problems: list[NeighbourProblem]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"The nearest-neighbours file was refused ({count} problem"
            f"{'s' if count != 1 else ''}); nothing was imported.",
            extra={"problems": [{"row": p.row, "message": p.message} for p in self.problems]},
        )
