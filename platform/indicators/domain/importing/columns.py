"""The columns an import file may have, what else they may be called, and which are needed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...models import ImportKind

_SPACES = re.compile(r"[\s_\-]+")


def normalise_heading(text: str) -> str:
    """'Indicator_Code ' and 'indicator-code' both become 'indicator code'."""
    return _SPACES.sub(" ", str(text or "")).strip().lower()


@dataclass(frozen=True)
class Columns:
    """`names` maps each canonical column to the headings accepted for it; `ignored` are
    headings our templates add for the reader's benefit (a PI's title) and the import skips."""

    kind: str
    names: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    ignored: tuple[str, ...]

    @property
    def canonical(self) -> tuple[str, ...]:
        return tuple(self.names)

    def resolve(self, header) -> list[str | None]:
        """The canonical name of each heading (None for an ignored one).

        Raises ImportFileError naming unknown, repeated or missing columns: a misspelt
        "vaule" column must not be silently dropped.
        """
        from .reader import ImportFileError

        lookup = {
            normalise_heading(alias): name
            for name, aliases in self.names.items()
            for alias in (name, *aliases)
        }
        ignored = {normalise_heading(heading) for heading in self.ignored}
        resolved: list[str | None] = []
        unknown, repeated = [], []
        for heading in header:
            key = normalise_heading(heading)
            if not key or key in ignored:
                resolved.append(None)
            elif key in lookup:
                name = lookup[key]
                if name in resolved:
                    repeated.append(str(heading))
                resolved.append(name)
            else:
                unknown.append(str(heading))
                resolved.append(None)
        problems = []
        if unknown:
            problems.append(
                f"The file has column(s) we do not recognise: {', '.join(unknown)}. "
                f"The columns are: {', '.join(self.canonical)}."
            )
        if repeated:
            problems.append(f"The file has the column(s) {', '.join(repeated)} more than once.")
        missing = [name for name in self.required if name not in resolved]
        if missing:
            problems.append(f"The file has no {' or '.join(missing)} column.")
        if problems:
            raise ImportFileError(" ".join(problems))
        return resolved


VALUE_COLUMNS = Columns(
    kind=ImportKind.VALUES,
    names={
        "indicator code": ("code", "indicator", "pi", "pi code"),
        "period": ("period code",),
        "value": (),
        "numerator": (),
        "denominator": (),
        "sub-area": ("sub area", "subarea", "area", "group"),
        "state": ("value state",),
        "note": ("notes", "out of range note", "comment"),
    },
    required=("indicator code", "period"),
    ignored=(
        "indicator title",
        "title",
        "unit",
        "due date",
        "numerator label",
        "denominator label",
    ),
)

TARGET_COLUMNS = Columns(
    kind=ImportKind.TARGETS,
    names={
        "indicator code": ("code", "indicator", "pi", "pi code"),
        "period": ("period code",),
        "target": ("target value",),
        "sub-area": ("sub area", "subarea", "area", "group"),
        "note": ("notes", "comment"),
    },
    required=("indicator code", "period", "target"),
    ignored=("indicator title", "title", "unit"),
)

COLUMNS_FOR_KIND = {ImportKind.VALUES: VALUE_COLUMNS, ImportKind.TARGETS: TARGET_COLUMNS}
