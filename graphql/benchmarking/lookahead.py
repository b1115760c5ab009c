"""Which pages of a comparison the query asks for, read before the comparison is computed.

The comparison is computed by one SQL statement that returns only the entries and time series
the response will contain, so the resolver of `benchmarkingComparison` looks ahead at the
`first`/`offset` arguments of `periods { entries }`, `group { periods { entries } }` and
`timeSeries` (through fragments, with variables and schema defaults). Where one list is
selected more than once (aliases), the window covering all of them is fetched; each field then
takes its own slice (see `BenchmarkingPeriodResult.resolve_entries`). A list that is not
selected is not fetched at all. Invalid arguments are left to the field's own check, which
reports them.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql.execution.values import get_argument_values

from goldenthread.shared_indicators.benchmarking.domain.comparison import Window
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLResolveInfo,
    InlineFragmentNode,
)

NOTHING = Window(0, 0)


def _fields(info: GraphQLResolveInfo, nodes, name: str) -> Iterator[FieldNode]:
    """Fields called `name` directly under `nodes`, through fragments."""
    seen: set[str] = set()

    def walk(selection_set):
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == name:
                    yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = info.fragments.get(selection.name.value)
                if fragment is not None and selection.name.value not in seen:
                    seen.add(selection.name.value)
                    yield from walk(fragment.selection_set)

    for node in nodes:
        yield from walk(node.selection_set)


def _window(info: GraphQLResolveInfo, type_name: str, field_name: str, nodes) -> Window:
    definition = info.schema.get_type(type_name).fields[field_name]
    start, end = None, 0
    for node in nodes:
        try:
            arguments = get_argument_values(definition, node, info.variable_values)
        except GraphQLError:
            continue  # the field reports bad arguments itself
        first, offset = arguments.get("first"), arguments.get("offset", 0)
        if not isinstance(first, int) or not isinstance(offset, int) or first < 1 or offset < 0:
            continue
        start = offset if start is None else min(start, offset)
        end = max(end, offset + first)
    return NOTHING if start is None else Window(start, end - start)


def comparison_windows(info: GraphQLResolveInfo) -> dict[str, Window]:
    """Keyword arguments for `comparison_for`: entries, group_entries and series."""
    roots = info.field_nodes
    periods = list(_fields(info, roots, "periods"))
    group_periods = list(_fields(info, list(_fields(info, roots, "group")), "periods"))
    return {
        "entries": _window(
            info, "BenchmarkingPeriodResult", "entries", list(_fields(info, periods, "entries"))
        ),
        "group_entries": _window(
            info,
            "BenchmarkingPeriodResult",
            "entries",
            list(_fields(info, group_periods, "entries")),
        ),
        "series": _window(
            info, "BenchmarkingComparison", "timeSeries", list(_fields(info, roots, "timeSeries"))
        ),
    }
