"""The endpoint's executor (`graphql.core.execution`) reads plain fields directly; whatever
it is given, it must answer, and fail, exactly as graphql-core's own executor does: the same
data, the same errors at the same paths, nulls propagated to the same parent, and middleware
still seeing every field unless every middleware is root-only."""

from __future__ import annotations

from decimal import Decimal

import graphene
import pytest

from goldenthread.graphql.core.execution import SynchronousExecutionContext
from graphql import ExecutionContext, execute, parse


class Leaf(graphene.ObjectType):
    name = graphene.String(required=True)
    amount = graphene.Decimal()


class Item(graphene.ObjectType):
    name = graphene.String(required=True)
    note = graphene.String()
    amount = graphene.Decimal()
    leaf = graphene.Field(Leaf)
    required_leaf = graphene.Field(Leaf, required=True)
    shout = graphene.String()

    def resolve_shout(root, info):
        return root["name"].upper()


class Query(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(Item), required=True)
    maybe_items = graphene.List(Item)

    def resolve_items(root, info):
        return info.context["items"]

    def resolve_maybe_items(root, info):
        return info.context["items"]


class Exploding:
    """An attribute that raises something other than AttributeError."""

    name = "exploding"

    @property
    def note(self):
        raise ValueError("no note today")


SCHEMA = graphene.Schema(query=Query).graphql_schema
QUERY = parse(
    """{
  items { name note amount shout leaf { name amount } requiredLeaf { name } }
  maybeItems { name requiredLeaf { name amount } }
}"""
)


class RootOnly:
    root_fields_only = True

    def __init__(self):
        self.seen = []

    def resolve(self, next_, root, info, **kwargs):
        self.seen.append(f"{info.parent_type.name}.{info.field_name}")
        return next_(root, info, **kwargs)


class EveryField(RootOnly):
    root_fields_only = False


def run(items, context_class, middleware=()):
    result = execute(
        SCHEMA,
        QUERY,
        context_value={"items": items},
        middleware=list(middleware),
        execution_context_class=context_class,
    )
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or ())
    return result.data, errors


def good(name="a"):
    leaf = {"name": f"{name}-leaf", "amount": Decimal("1.50")}
    return {"name": name, "note": None, "amount": Decimal("2.5"), "leaf": leaf,
            "required_leaf": leaf}  # fmt: skip


CASES = {
    "plain": [good("a"), good("b")],
    "missing optional leaf and object": [{"name": "a", "required_leaf": {"name": "x"}}],
    "null in a required leaf": [good("a"), {**good("b"), "name": None}],
    "null in a required object": [{**good("a"), "required_leaf": None}],
    "null deep in a required object": [{**good("a"), "required_leaf": {"name": None}}],
    "a value that does not serialise": [{**good("a"), "amount": object()}],
    "an exception given as the value": [{**good("a"), "note": ValueError("given")}],
    "an attribute that raises": [Exploding()],
    "a wrong type for an object": [{**good("a"), "leaf": 42}],
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_answer_and_errors_are_graphql_cores(case):
    items = CASES[case]
    ordinary = run(items, ExecutionContext, [RootOnly()])
    direct = run(items, SynchronousExecutionContext, [RootOnly()])
    assert direct == ordinary


def test_the_cases_reach_the_error_paths():
    """Guards the comparison above: the broken cases really produce errors."""
    for case, items in CASES.items():
        data, errors = run(items, ExecutionContext)
        assert bool(errors) == (case not in ("plain", "missing optional leaf and object")), case


def test_middleware_sees_every_field_unless_it_is_root_only():
    root_only, every = RootOnly(), EveryField()
    run(CASES["plain"], SynchronousExecutionContext, [root_only])
    assert root_only.seen == ["Query.items", "Query.maybeItems"]

    ordinary = EveryField()
    run(CASES["plain"], ExecutionContext, [ordinary])
    run(CASES["plain"], SynchronousExecutionContext, [every])
    assert every.seen == ordinary.seen
    assert "Leaf.amount" in every.seen
