"""Limits applied to every GraphQL operation before any resolver runs.

One walk over the operation measures it, fragments expanded (each fragment measured once per
type and period count, so many spreads of one fragment cost no more to measure than one) and
introspection fields (`__schema`, `__type`, …) included like any other:

- depth: fields on the deepest path. Introspection has its own limit, because the standard
  introspection query (graphql-js' and GraphiQL's, `graphql.get_introspection_query`) unwraps
  type references nine `ofType` levels deep;
- fields: field selections in the operation, as executed (a fragment counts once per spread);
- aliases: fields given an alias, the way one request repeats an expensive field;
- cost: an estimate of how many fields the answer holds (see "complexity" below);
- period selections: distinct sets of period arguments (`asOf`, `periods`, `periodCodes`,
  `firstPeriod`/`lastPeriod`), each of which makes the server read a different window.

Arguments are read with the request's variables and the schema's defaults, so a list size or a
date given as a variable counts exactly as a literal would. Every limit is a setting
(`GRAPHQL_MAX_*`, documented in `platform/settings/base.py`); an operation over one is refused
with one error per limit exceeded, each with its own `extensions.code`, and nothing runs.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    ValidationRule,
    get_named_type,
    is_input_object_type,
    is_object_type,
)

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})

# --- what lists and period arguments weigh, registered by each domain's schema module ---------
# A field returning a list multiplies the cost of what is selected under it by the number of
# items it may return: its `first` argument (or the registered argument) when the query gives
# one, else — for lists of periods — the number of periods the enclosing field selects, else
# the size the field's domain registered, else the argument's schema default, else
# DEFAULT_LIST_SIZE. Lists of the introspection types are sized by the schema itself.

DEFAULT_LIST_SIZE = 50


@dataclass(frozen=True)
class ListSize:
    size: int
    argument: str = "first"
    per_period: bool = False


@dataclass(frozen=True)
class PeriodSelection:
    """What a field's period arguments ask for: how many periods (None when the arguments do
    not say, e.g. they are invalid and the resolver will refuse them) and a key telling one
    selection from another."""

    count: int | None
    key: Hashable


_list_sizes: dict[tuple[str, str], ListSize] = {}
_period_fields: dict[tuple[str, str], Callable[[dict[str, Any]], PeriodSelection]] = {}


def register_list_size(
    type_name: str, field_name: str, size: int, *, argument: str = "first", per_period=False
):
    """Declare how many items a list field usually returns (`type_name.field_name`, names as
    in the schema). `argument`, when the query gives it as an integer, overrides `size`;
    `per_period` lists have one item per period the enclosing period field selects."""
    _list_sizes[(type_name, field_name)] = ListSize(size, argument, per_period)


def register_period_field(
    type_name: str, field_name: str, selection: Callable[[dict[str, Any]], PeriodSelection]
):
    """Declare that a field's arguments select periods: `selection` turns its arguments
    (Python names, defaults applied) into a PeriodSelection. Distinct selections per operation
    are capped, and lists registered `per_period` below the field take its count."""
    _period_fields[(type_name, field_name)] = selection


# --- introspection list sizes, from the schema ------------------------------------------------


def _mean(counts: list[int]) -> int:
    return max(1, math.ceil(sum(counts) / len(counts))) if counts else 1


_introspection_sizes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def introspection_list_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """How long each introspection list is in this schema: exact for the schema's own lists,
    the mean over the types or fields that have one for the others (a path through
    introspection visits types much as a random walk would)."""
    known = _introspection_sizes.get(schema)
    if known is not None:
        return known
    types = list(schema.type_map.values())
    with_fields = [t for t in types if hasattr(t, "fields") and not is_input_object_type(t)]
    fields = [f for t in with_fields for f in t.fields.values()]
    directives = list(schema.directives)
    known = {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(directives),
        ("__Type", "fields"): _mean([len(t.fields) for t in with_fields]),
        ("__Type", "inputFields"): _mean([len(t.fields) for t in types if is_input_object_type(t)]),
        ("__Type", "enumValues"): _mean([len(t.values) for t in types if hasattr(t, "values")]),
        ("__Type", "interfaces"): _mean([len(t.interfaces) for t in types if is_object_type(t)]),
        ("__Type", "possibleTypes"): _mean(
            [len(schema.get_possible_types(t)) for t in types if hasattr(t, "resolve_type")]
        ),
        ("__Field", "args"): _mean([len(f.args) for f in fields]),
        ("__Directive", "args"): _mean([len(d.args) for d in directives]),
        ("__Directive", "locations"): _mean([len(d.locations) for d in directives]),
    }
    _introspection_sizes[schema] = known
    return known


# --- the measure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    depth: int = 0
    introspection_depth: int = 0
    fields: int = 0
    aliases: int = 0
    cost: int = 0
    periods: frozenset = field(default_factory=frozenset)

    def __add__(self, other: Measure) -> Measure:
        """Two selections side by side."""
        return Measure(
            max(self.depth, other.depth),
            max(self.introspection_depth, other.introspection_depth),
            self.fields + other.fields,
            self.aliases + other.aliases,
            self.cost + other.cost,
            self.periods | other.periods,
        )


NOTHING = Measure()


class OperationMeasure:
    """Measures one operation of a document under the request's variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any] | None = None,
    ):
        self.schema = schema
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        coerced = get_variable_values(
            schema, operation.variable_definitions or (), dict(variables or {})
        )
        # Invalid variables fail the request before execution; measure with what was sent.
        self.variables = dict(variables or {}) if isinstance(coerced, list) else coerced
        self.introspection_sizes = introspection_list_sizes(schema)
        self.known: dict[tuple, Measure] = {}
        self.path: set[str] = set()

    def of_operation(self, operation: OperationDefinitionNode) -> Measure:
        root = self.schema.get_root_type(operation.operation)
        return self.selection_set(operation.selection_set, root, periods=None)

    def selection_set(self, selection_set, parent, *, periods: int | None) -> Measure:
        if selection_set is None:
            return NOTHING
        total = NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total = total + self._field(selection, parent, periods)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total = total + self.selection_set(selection.selection_set, target, periods=periods)
            elif isinstance(selection, FragmentSpreadNode):
                total = total + self._fragment(selection.name.value, periods)
        return total

    def _fragment(self, name: str, periods: int | None) -> Measure:
        """A fragment already on the path is a cycle: it adds nothing here, and graphql-core's
        NoFragmentCyclesRule reports it."""
        fragment = self.fragments.get(name)
        if name in self.path or fragment is None:
            return NOTHING
        key = (name, periods)
        if key not in self.known:
            self.path.add(name)
            try:
                target = self.schema.get_type(fragment.type_condition.name.value)
                self.known[key] = self.selection_set(
                    fragment.selection_set, target, periods=periods
                )
            finally:
                self.path.discard(name)
        return self.known[key]

    def _field(self, node: FieldNode, parent, periods: int | None) -> Measure:
        name = node.name.value
        aliases = 1 if node.alias is not None else 0
        fields = getattr(parent, "fields", None)
        definition = fields.get(name) if fields else None
        if definition is None and parent is not None and name.startswith("__"):
            definition = _meta_field(self.schema, parent, name)
        if definition is None:
            # Unknown fields are reported by the specification's rules, and cost nothing; the
            # shape below them is still measured, so that every limit's error is given at once.
            below = self.selection_set(node.selection_set, None, periods=periods)
            return Measure(1 + below.depth, 0, 1 + below.fields, aliases + below.aliases)
        arguments = self._arguments(definition, node)
        selected = frozenset()
        period_selection = _period_fields.get((parent.name, name))
        if period_selection is not None and arguments is not None:
            try:
                chosen = period_selection(arguments)
                hash(chosen.key)
            except Exception:  # noqa: BLE001 - the resolver reports bad arguments itself
                chosen = PeriodSelection(None, repr(sorted(arguments.items())))
            selected = frozenset({(parent.name, name, chosen.key)})
            periods = chosen.count
        field_type = definition.type
        is_list = False
        while isinstance(field_type, GraphQLNonNull | GraphQLList):
            is_list = is_list or isinstance(field_type, GraphQLList)
            field_type = field_type.of_type
        below = self.selection_set(node.selection_set, get_named_type(field_type), periods=periods)
        cost = 1 + below.cost
        if is_list:
            cost *= self._list_size(parent, node, definition, arguments, periods)
        introspection = name in INTROSPECTION_ROOTS or parent.name.startswith("__")
        return Measure(
            depth=0 if introspection else 1 + below.depth,
            introspection_depth=1 + max(below.introspection_depth, below.depth)
            if introspection
            else below.introspection_depth,
            fields=1 + below.fields,
            aliases=aliases + below.aliases,
            cost=cost,
            periods=below.periods | selected,
        )

    def _arguments(self, definition, node: FieldNode) -> dict[str, Any] | None:
        try:
            return get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return None  # reported by the specification's rules or at execution

    def _list_size(self, parent, node, definition, arguments, periods: int | None) -> int:
        key = (parent.name, node.name.value)
        if key in self.introspection_sizes:
            return self.introspection_sizes[key]
        registered = _list_sizes.get(key)
        argument_name = registered.argument if registered else "first"
        given = {argument.name.value for argument in node.arguments or ()}
        if argument_name and argument_name in given and arguments:
            value = arguments.get(_python_name(definition, argument_name))
            if isinstance(value, int) and not isinstance(value, bool):
                return max(value, 0)
        if registered is not None and registered.per_period and periods is not None:
            return max(periods, 0)
        if registered is not None:
            return registered.size
        argument = definition.args.get(argument_name) if argument_name else None
        if argument is not None and isinstance(argument.default_value, int):
            return argument.default_value
        return DEFAULT_LIST_SIZE


def _python_name(definition, argument_name: str) -> str:
    argument = definition.args.get(argument_name)
    return (argument.out_name or argument_name) if argument is not None else argument_name


def _meta_field(schema: GraphQLSchema, parent, name: str):
    from graphql.type.introspection import (
        SchemaMetaFieldDef,
        TypeMetaFieldDef,
        TypeNameMetaFieldDef,
    )

    if name == "__typename":
        return TypeNameMetaFieldDef
    if parent is schema.query_type:
        return {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}.get(name)
    return None


def operation_measure(
    schema: GraphQLSchema, document, operation: OperationDefinitionNode, variables=None
) -> Measure:
    return OperationMeasure(schema, document, operation, variables).of_operation(operation)


def operation_cost(
    schema: GraphQLSchema, document, operation: OperationDefinitionNode, variables=None
) -> int:
    return operation_measure(schema, document, operation, variables).cost


# --- the rule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    setting: str
    code: str
    measured: Callable[[Measure], int]
    message: str


LIMITS = (
    Limit(
        "GRAPHQL_MAX_DEPTH",
        "QUERY_TOO_DEEP",
        lambda measure: measure.depth,
        "is nested {count} levels deep; the limit is {limit}.",
    ),
    Limit(
        "GRAPHQL_MAX_INTROSPECTION_DEPTH",
        "QUERY_TOO_DEEP",
        lambda measure: measure.introspection_depth,
        "nests introspection {count} levels deep; the limit is {limit}.",
    ),
    Limit(
        "GRAPHQL_MAX_FIELDS",
        "QUERY_TOO_MANY_FIELDS",
        lambda measure: measure.fields,
        "selects {count} fields; the limit is {limit}. Split it into smaller requests.",
    ),
    Limit(
        "GRAPHQL_MAX_ALIASES",
        "QUERY_TOO_MANY_ALIASES",
        lambda measure: measure.aliases,
        "uses {count} aliases; the limit is {limit}. Split it into smaller requests.",
    ),
    Limit(
        "GRAPHQL_MAX_PERIOD_SELECTIONS",
        "QUERY_TOO_MANY_PERIODS",
        lambda measure: len(measure.periods),
        "asks for {count} different period selections (asOf, periods, periodCodes, "
        "firstPeriod/lastPeriod); the limit is {limit}.",
    ),
    Limit(
        "GRAPHQL_MAX_COMPLEXITY",
        "QUERY_TOO_COMPLEX",
        lambda measure: measure.cost,
        "is estimated to resolve {count} fields; the limit is {limit}. Ask for fewer items "
        "(first, periods) or fewer fields.",
    ),
)


def limit_errors(
    schema: GraphQLSchema, document, variables: Mapping[str, Any] | None = None
) -> list[GraphQLError]:
    """One error per limit each operation of `document` exceeds, measured with the request's
    variables. The endpoint asks this before the specification's validation rules, which on
    a thousand aliases take seconds: a refused operation costs one walk of its text."""
    errors = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        measure = operation_measure(schema, document, node, variables)
        name = node.name.value if node.name else "anonymous"
        for limit in LIMITS:
            count, allowed = limit.measured(measure), getattr(settings, limit.setting)
            if count > allowed:
                errors.append(
                    GraphQLError(
                        f"Operation '{name}' {limit.message.format(count=count, limit=allowed)}",
                        node,
                        extensions={"code": limit.code, "count": count, "limit": allowed},
                    )
                )
    return errors


class IntrospectionSwitch(ValidationRule):
    """Refuses `__schema` and `__type` while GRAPHQL_INTROSPECTION is off (the production
    default); `__typename`, which clients use to tell types apart, is always allowed."""

    def enter_field(self, node: FieldNode, *_args):
        if node.name.value in INTROSPECTION_ROOTS and not settings.GRAPHQL_INTROSPECTION:
            self.report_error(
                GraphQLError(
                    "Introspection is turned off on this server; see the API documentation.",
                    node,
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            )
