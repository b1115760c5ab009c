"""Query limits applied before any resolver runs: depth and complexity."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
)

from graphql import (
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    ValidationRule,
    get_named_type,
)


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


# --- complexity -------------------------------------------------------------------------------
# A query's cost is an estimate of how many fields it resolves: every field costs one, and a
# field returning a list multiplies the cost of what is selected under it by the number of
# items it may return. That number is its `first` argument when the query gives one as a
# literal, else the size the field's domain registered (`register_list_size`), else the
# argument's schema default, else DEFAULT_LIST_SIZE.

DEFAULT_LIST_SIZE = 50


@dataclass(frozen=True)
class ListSize:
    size: int
    argument: str = "first"


_list_sizes: dict[tuple[str, str], ListSize] = {}


def register_list_size(type_name: str, field_name: str, size: int, *, argument: str = "first"):
    """Declare how many items a list field usually returns (`type_name.field_name`, names as
    in the schema). `argument`, when the query gives it as an integer, overrides `size`."""
    _list_sizes[(type_name, field_name)] = ListSize(size=size, argument=argument)


def _int_argument(node: FieldNode, name: str) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value == name and isinstance(argument.value, IntValueNode):
            return int(argument.value.value)
    return None


def list_multiplier(parent: GraphQLObjectType | GraphQLInterfaceType, node: FieldNode) -> int:
    """How many items a list field is expected to return in this query."""
    field_name = node.name.value
    registered = _list_sizes.get((parent.name, field_name))
    argument_name = registered.argument if registered else "first"
    if argument_name:
        given = _int_argument(node, argument_name)
        if given is not None:
            return max(given, 0)
    if registered is not None:
        return registered.size
    definition = parent.fields.get(field_name)
    argument = definition.args.get(argument_name) if definition and argument_name else None
    if argument is not None and isinstance(argument.default_value, int):
        return argument.default_value
    return DEFAULT_LIST_SIZE


class _CostMeasure:
    """Cost of a selection set under a type, following fragments (each measured once per
    type; a fragment already on the path is a cycle, costs nothing here and is reported by
    NoFragmentCyclesRule)."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments
        self.known: dict[str, int] = {}
        self.path: set[str] = set()

    def of(self, selection_set, parent) -> int:
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(selection.selection_set, target)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value)
        return total

    def _field(self, node: FieldNode, parent) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0  # introspection is bounded by the schema itself
        fields = getattr(parent, "fields", None)
        definition = fields.get(name) if fields else None
        if definition is None:
            return 0  # unknown fields are reported by the specification's rules
        field_type = definition.type
        is_list = False
        while isinstance(field_type, GraphQLNonNull | GraphQLList):
            is_list = is_list or isinstance(field_type, GraphQLList)
            field_type = field_type.of_type
        cost = 1 + self.of(node.selection_set, get_named_type(field_type))
        return cost * list_multiplier(parent, node) if is_list else cost

    def _fragment(self, name: str) -> int:
        if name in self.known:
            return self.known[name]
        fragment = self.fragments.get(name)
        if name in self.path or fragment is None:
            return 0
        self.path.add(name)
        try:
            cost = self.of(
                fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value)
            )
        finally:
            self.path.discard(name)
        self.known[name] = cost
        return cost


def operation_cost(schema: GraphQLSchema, document, operation: OperationDefinitionNode) -> int:
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    return _CostMeasure(schema, fragments).of(operation.selection_set, root)


class ComplexityLimitValidator(ValidationRule):
    """Refuses operations whose estimated cost exceeds GRAPHQL_MAX_COMPLEXITY, before
    execution, with the code QUERY_TOO_COMPLEX."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        cost = operation_cost(self.context.schema, self.context.document, node)
        limit = getattr(settings, "GRAPHQL_MAX_COMPLEXITY", 250_000)
        if cost > limit:
            name = node.name.value if node.name else "anonymous"
            self.report_error(
                GraphQLError(
                    f"Operation '{name}' is estimated to resolve {cost} fields; the limit is "
                    f"{limit}. Ask for fewer items (first) or fewer fields.",
                    node,
                    extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "limit": limit},
                )
            )
