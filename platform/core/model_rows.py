"""Model instances from SQL written once per process, for the few reads every request makes.

The ORM compiles a queryset's SQL again on every evaluation. For the reads on every request's
path (the host's organisation, the API key and its user) compiling cost more than running the
query (issue #16, P6), so those reads keep their SQL text for the life of the process and turn
each row into model instances here, with the same conversions from database values that the
ORM applies (`from_db` then behaves exactly as for a queryset's rows).

Only for lookups whose shape never changes: anything with filters that vary stays a queryset.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, Any], Any]


@dataclass
class ModelColumns(Generic[M]):
    """Every concrete column of `model` under a table alias: the text of a select list, and
    the instance built from the slice of a row that select list produced."""

    model: type[M]
    alias: str
    _converters: list[tuple[int, Any, list[Converter]]] | None = field(default=None, repr=False)

    @property
    def fields(self) -> tuple:
        return self.model._meta.concrete_fields

    @property
    def width(self) -> int:
        return len(self.fields)

    @functools.cached_property
    def _attnames(self) -> list[str]:
        # Read on every `load`, so worked out once.
        return [column.attname for column in self.fields]

    def select_list(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(column.column)}" for column in self.fields)

    def table(self, schema: str | None = None) -> str:
        """The model's table under the alias, in `schema` if given (else the search path's)."""
        quote = connection.ops.quote_name
        name = quote(self.model._meta.db_table)
        return f"{quote(schema)}.{name} {self.alias}" if schema else f"{name} {self.alias}"

    def load(self, values: Sequence[Any]) -> M:
        """The instance for `values` (this model's columns, in `select_list`'s order)."""
        converted = list(values)
        for index, expression, converters in self._column_converters():
            value = converted[index]
            for convert in converters:
                value = convert(value, expression, connection)
            converted[index] = value
        return self.model.from_db(DEFAULT_DB_ALIAS, self._attnames, converted)

    def _column_converters(self) -> list[tuple[int, Any, list[Converter]]]:
        # What the compiler's `get_converters` finds for these columns, found once: the
        # backend's conversions first, then the field's own (as `apply_converters` runs them).
        if self._converters is None:
            found = []
            for index, model_field in enumerate(self.fields):
                expression = model_field.get_col(self.alias)
                converters = connection.ops.get_db_converters(
                    expression
                ) + expression.get_db_converters(connection)
                if converters:
                    found.append((index, expression, converters))
            self._converters = found
        return self._converters
