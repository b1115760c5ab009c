"""Query limits applied before any resolver runs."""

from __future__ import annotations

from django.conf import settings
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from graphql import GraphQLError, ValidationRule


class _DepthMeasure:
    """Depth of a selection in fields, following fragments.

    Each fragment's depth is computed once (a document can spread the same fragment many
    times, and re-walking it each time is exponential). A fragment already on the current path
    is a cycle: it adds nothing here and graphql-core's NoFragmentCyclesRule reports it.
    """

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self.known: dict[str, int] = {}
        self.path: set[str] = set()

    def of(self, node) -> int:
        selection_set = getattr(node, "selection_set", None)
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue  # introspection is bounded by the schema itself
                deepest = max(deepest, 1 + self.of(selection))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.of(selection))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment(selection.name.value))
        return deepest

    def _fragment(self, name: str) -> int:
        if name in self.known:
            return self.known[name]
        if name in self.path or name not in self.fragments:
            return 0
        self.path.add(name)
        try:
            depth = self.of(self.fragments[name])
        finally:
            self.path.discard(name)
        self.known[name] = depth
        return depth


class DepthLimitValidator(ValidationRule):
    """Refuses operations nested deeper than GRAPHQL_MAX_DEPTH fields, before execution."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        fragments = {
            definition.name.value: definition
            for definition in self.context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        depth = _DepthMeasure(fragments).of(node)
        limit = settings.GRAPHQL_MAX_DEPTH
        if depth > limit:
            name = node.name.value if node.name else "anonymous"
            self.report_error(
                GraphQLError(
                    f"Operation '{name}' is nested {depth} levels deep; the limit is {limit}.",
                    node,
                    extensions={"code": "QUERY_TOO_DEEP"},
                )
            )
