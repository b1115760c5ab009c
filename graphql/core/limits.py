"""Query limits applied before any resolver runs."""

from __future__ import annotations

from django.conf import settings
from graphql.language import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from graphql import GraphQLError, ValidationRule


def _depth(node, fragments, seen: frozenset[str] = frozenset()) -> int:
    selection_set = getattr(node, "selection_set", None)
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue  # introspection is bounded by the schema itself
            deepest = max(deepest, 1 + _depth(selection, fragments, seen))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            deepest = max(deepest, _depth(fragments[name], fragments, seen | {name}))
    return deepest


class DepthLimitValidator(ValidationRule):
    """Refuses operations nested deeper than GRAPHQL_MAX_DEPTH fields."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        fragments = {
            definition.name.value: definition
            for definition in self.context.document.definitions
            if definition.kind == "fragment_definition"
        }
        depth = _depth(node, fragments)
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
