"""How the endpoint executes an operation: graphql-core's executor with two shortcuts that
leave every answer and every error as they were.

A large answer is mostly plain leaves: the partnership dashboard is ~50,000 fields, four in
five of them a string, number or date read off a dict or an attribute by graphene's default
resolver. graphql-core builds a `GraphQLResolveInfo`, collects the (absent) arguments, runs
the middleware chain and walks `complete_value` for each of them; that is most of the time it
spends. So:

* **Plain leaves are read directly.** A field with no arguments, graphene's default resolver
  and a scalar type is read the way that resolver reads it (`dict.get`, else `getattr`, with
  the field's default) and serialised with the scalar's own `serialize`. Anything unusual
  (null where the type forbids it, an exception as the value, a value that does not
  serialise) goes through the ordinary path, which raises the ordinary error at the ordinary
  path. Which fields qualify is worked out once per (type, selection) in a request.
* **Root-only middleware runs on root fields only.** A middleware that declares
  `root_fields_only = True` (licensing's `ModuleMiddleware`) is not wrapped around the other
  fields it would wave through. A middleware without the flag still sees every field, and
  then no field takes the shortcut.

No resolver here is asynchronous, so nothing is asked whether it is awaitable (about an eighth
of a benchmarking comparison's execution time); an awaitable returned by mistake fails as a
value that cannot be serialised instead of being awaited.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from graphene.types.resolver import attr_resolver, dict_or_attr_resolver, dict_resolver
from graphql.execution.execute import get_field_def
from graphql.pyutils import Path

from graphql import (
    ExecutionContext,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)

_DEFAULT_RESOLVERS = (dict_or_attr_resolver, attr_resolver, dict_resolver)

# A plan entry: (response name, field nodes, leaf) where leaf is None for the ordinary path,
# else (attribute name, default value, serialize, nullable).
_Plan = list[tuple[str, list, tuple | None]]


def _plain_leaf(field_def) -> tuple | None:
    """How to read a field directly, or None when it needs the ordinary path."""
    if field_def is None or field_def.args:
        return None
    resolve = field_def.resolve
    if not (
        isinstance(resolve, partial)
        and resolve.func in _DEFAULT_RESOLVERS
        and len(resolve.args) == 2
        and not resolve.keywords
    ):
        return None
    field_type = field_def.type
    nullable = not isinstance(field_type, GraphQLNonNull)
    if not nullable:
        field_type = field_type.of_type
    # Enums are left to graphql-core: graphene serialises them by name, not value.
    if not isinstance(field_type, GraphQLScalarType):
        return None
    attname, default = resolve.args
    return (attname, default, field_type.serialize, nullable)


class SynchronousExecutionContext(ExecutionContext):
    is_awaitable = staticmethod(lambda value: False)

    def __init__(self, *args, **kwargs):
        self._root_only_middleware = False
        self._parent_is_root = True
        super().__init__(*args, **kwargs)
        middlewares = self._middleware.middlewares if self._middleware else ()
        self._root_only_middleware = all(
            getattr(each, "root_fields_only", False) for each in middlewares
        )
        self._root_types = {
            root
            for root in (
                self.schema.query_type,
                self.schema.mutation_type,
                self.schema.subscription_type,
            )
            if root is not None
        }
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[dict, _Plan]] = {}

    @property
    def middleware_manager(self):
        """The middleware for the field being executed: none below the root when every
        middleware is root-only (read by `execute_field` before it resolves anything)."""
        if self._root_only_middleware and not self._parent_is_root:
            return None
        return self._middleware

    @middleware_manager.setter
    def middleware_manager(self, manager) -> None:
        self._middleware = manager

    def _plan(self, parent_type: GraphQLObjectType, fields: dict) -> _Plan:
        # `fields` is the executor's cached selection for this type (one dict per request and
        # selection), kept in the entry so that its id cannot be reused for another.
        key = (parent_type, id(fields))
        entry = self._plans.get(key)
        if entry is not None and entry[0] is fields:
            return entry[1]
        shortcut = self._root_only_middleware and parent_type not in self._root_types
        plan = [
            (
                name,
                nodes,
                _plain_leaf(get_field_def(self.schema, parent_type, nodes[0]))
                if shortcut
                else None,
            )
            for name, nodes in fields.items()
        ]
        self._plans[key] = (fields, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict,
    ) -> dict[str, Any]:
        results: dict[str, Any] = {}
        is_dict = isinstance(source_value, dict)
        for name, nodes, leaf in self._plan(parent_type, fields):
            if leaf is not None:
                attname, default, serialize, nullable = leaf
                if is_dict:
                    value = source_value.get(attname, default)
                else:
                    value = getattr(source_value, attname, default)
                if value is None or value is Undefined:
                    if nullable:
                        results[name] = None
                        continue
                elif not isinstance(value, Exception):
                    try:
                        serialized = serialize(value)
                    except Exception:
                        serialized = None  # the ordinary path reports it
                    if serialized is not None and serialized is not Undefined:
                        results[name] = serialized
                        continue
            result = self.execute_field(
                parent_type, source_value, nodes, Path(path, name, parent_type.name)
            )
            if result is not Undefined:
                results[name] = result
        return results

    def execute_field(self, parent_type, source, field_nodes, path):
        self._parent_is_root = parent_type in self._root_types
        return super().execute_field(parent_type, source, field_nodes, path)
