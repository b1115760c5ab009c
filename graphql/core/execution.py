"""How the endpoint executes an operation: graphql-core's executor with two shortcuts that
leave every answer and every error as they were.

A large answer is mostly plain leaves: the partnership dashboard is ~50,000 fields, four in
five of them a string, number or date read off a dict or an attribute by graphene's default
resolver. graphql-core builds a `GraphQLResolveInfo`, collects the (absent) arguments, runs
the middleware chain and walks `complete_value` for each of them; that is most of the time it
spends. So:

* **Plain fields are read directly.** A field with no arguments, graphene's default resolver
  and a scalar or object type (one with no `is_type_of` check) is read the way that resolver
  reads it (`dict.get`, else `getattr`, with the field's default); a scalar is serialised
  with its own `serialize`, an object's selection executed as `complete_object_value` would.
  Anything unusual (null where the type forbids it, an exception raised or given as the
  value, a value that does not serialise) goes through the ordinary path, which raises the
  ordinary error at the ordinary path; an error inside an object is located and propagated
  as `execute_field` does. Which fields qualify is worked out once per (type, selection) in a
  request.
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
from graphql.error import located_error
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
_ORDINARY = object()  # a value read directly raised: take the ordinary path

# A plan entry: (response name, field nodes, how) where how is None for the ordinary path,
# else (attribute name, default value, nullable, serialize for a scalar or None, object type
# for an object or None).
_Plan = list[tuple[str, list, tuple | None]]


def _direct_read(field_def) -> tuple | None:
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
    attname, default = resolve.args
    if isinstance(field_type, GraphQLScalarType):
        return (attname, default, nullable, field_type.serialize, None)
    # An object type that needs no check of what it is given; lists, interfaces, unions and
    # enums (graphene serialises those by name) are left to graphql-core.
    if isinstance(field_type, GraphQLObjectType) and field_type.is_type_of is None:
        return (attname, default, nullable, None, field_type)
    return None


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
        self._plans: dict[int, tuple[dict, GraphQLObjectType, _Plan]] = {}

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
        # `fields` is the executor's cached selection for this type (one dict per request,
        # type and selection), kept in the entry so that its id cannot be reused for another.
        key = id(fields)
        entry = self._plans.get(key)
        if entry is not None and entry[0] is fields and entry[1] is parent_type:
            return entry[2]
        shortcut = self._root_only_middleware and parent_type not in self._root_types
        plan = [
            (
                name,
                nodes,
                _direct_read(get_field_def(self.schema, parent_type, nodes[0]))
                if shortcut
                else None,
            )
            for name, nodes in fields.items()
        ]
        self._plans[key] = (fields, parent_type, plan)
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
        for name, nodes, direct in self._plan(parent_type, fields):
            if direct is not None:
                attname, default, nullable, serialize, object_type = direct
                try:
                    if is_dict:
                        value = source_value.get(attname, default)
                    else:
                        value = getattr(source_value, attname, default)
                except Exception:
                    value = _ORDINARY  # the ordinary path reports it
                if value is None or value is Undefined:
                    if nullable:
                        results[name] = None
                        continue
                elif value is _ORDINARY or isinstance(value, Exception):
                    pass
                elif serialize is not None:
                    try:
                        serialized = serialize(value)
                    except Exception:
                        serialized = None  # the ordinary path reports it
                    if serialized is not None and serialized is not Undefined:
                        results[name] = serialized
                        continue
                else:
                    results[name] = self._object(parent_type, object_type, value, nodes, path, name)
                    continue
            result = self.execute_field(
                parent_type, source_value, nodes, Path(path, name, parent_type.name)
            )
            if result is not Undefined:
                results[name] = result
        return results

    def _object(self, parent_type, object_type, value, nodes, path, name):
        """An object field's value completed as `complete_object_value` would, with its
        errors located and propagated (or nulled) as `execute_field` would."""
        field_path = Path(path, name, parent_type.name)
        try:
            return self.execute_fields(
                object_type, value, field_path, self.collect_subfields(object_type, nodes)
            )
        except Exception as raw_error:
            field_type = get_field_def(self.schema, parent_type, nodes[0]).type
            error = located_error(raw_error, nodes, field_path.as_list())
            self.handle_field_error(error, field_type, field_path)
            return None

    def execute_field(self, parent_type, source, field_nodes, path):
        self._parent_is_root = parent_type in self._root_types
        return super().execute_field(parent_type, source, field_nodes, path)
