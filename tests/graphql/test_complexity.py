"""The complexity limit: cost per field, lists multiplied by `first` (a literal or a variable),
the periods an enclosing field selects, or their registered size; introspection counted."""

from __future__ import annotations

import graphene
import pytest
from django.test import override_settings

from goldenthread.graphql.core.limits import (
    DEFAULT_LIST_SIZE,
    PeriodSelection,
    limit_errors,
    operation_cost,
    register_list_size,
    register_period_field,
)
from graphql import parse

pytestmark = pytest.mark.django_db


class Leaf(graphene.ObjectType):
    name = graphene.String()
    size = graphene.Int()


class Season(graphene.ObjectType):
    leaves = graphene.List(Leaf)


class Branch(graphene.ObjectType):
    name = graphene.String()
    leaves = graphene.List(Leaf, first=graphene.Int(default_value=10))
    sized = graphene.List(Leaf)
    unsized = graphene.List(Leaf)
    seasons = graphene.Field(Season, periods=graphene.Int(default_value=6))


class TreeQuery(graphene.ObjectType):
    branches = graphene.List(Branch, first=graphene.Int())
    branch = graphene.Field(Branch)


SCHEMA = graphene.Schema(query=TreeQuery).graphql_schema
register_list_size("Branch", "sized", 4)
register_period_field(
    "Branch",
    "seasons",
    lambda arguments: PeriodSelection(arguments["periods"], arguments["periods"]),
)
register_list_size("Season", "leaves", 20, argument="", per_period=True)


def cost(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    return operation_cost(SCHEMA, document, document.definitions[0], variables)


def test_each_field_costs_one_and_lists_multiply_what_is_under_them():
    assert cost("{ branch { name } }") == 2
    # 3 branches × (the branch field + name + leaves(2 × (leaves + name + size)))
    assert cost("{ branches(first: 3) { name leaves(first: 2) { name size } } }") == 3 * (
        1 + 1 + 2 * (1 + 2)
    )


def test_without_first_a_list_uses_its_registered_size_then_its_default_then_the_default():
    assert cost("{ branch { sized { name } } }") == 1 + 4 * 2
    assert cost("{ branch { leaves { name } } }") == 1 + 10 * 2
    assert cost("{ branch { unsized { name } } }") == 1 + DEFAULT_LIST_SIZE * 2


def test_first_given_as_a_variable_counts_like_a_literal():
    query = "query($n: Int, $m: Int = 7) { branches(first: $n) { leaves(first: $m) { name } } }"
    assert cost(query, {"n": 3, "m": 2}) == cost(
        "{ branches(first: 3) { leaves(first: 2) { name } } }"
    )
    assert cost(query, {"n": 3}) == 3 * (1 + 7 * 2)  # the variable's default


def test_lists_of_periods_follow_the_periods_the_enclosing_field_selects():
    assert cost("{ branch { seasons(periods: 2) { leaves { name } } } }") == 1 + 1 + 2 * 2
    assert cost("{ branch { seasons { leaves { name } } } }") == 1 + 1 + 6 * 2
    assert cost(
        "query($p: Int) { branch { seasons(periods: $p) { leaves { name } } } }", {"p": 3}
    ) == (1 + 1 + 3 * 2)


def test_fragments_count_like_inline_selections():
    plain = cost("{ branches(first: 5) { name leaves(first: 4) { name } } }")
    with_fragment = cost(
        "query Q { branches(first: 5) { ...B } }"
        " fragment B on Branch { name leaves(first: 4) { ...L } }"
        " fragment L on Leaf { name }"
    )
    assert with_fragment == plain


def test_introspection_counts_with_lists_sized_by_the_schema():
    types = len(SCHEMA.type_map)
    assert cost("{ __schema { types { name } } branch { name } }") == 1 + types * 2 + 2


@override_settings(GRAPHQL_MAX_COMPLEXITY=100)
def test_the_validator_refuses_an_operation_over_the_limit():
    under = limit_errors(SCHEMA, parse("query Small { branches(first: 10) { name } }"))
    assert under == []
    [error] = limit_errors(
        SCHEMA, parse("query Big { branches(first: 10) { leaves(first: 10) { name } } }")
    )
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX"
    assert error.message.startswith(
        "Operation 'Big' is estimated to resolve 210 fields; the limit is 100."
    )


def test_the_endpoint_refuses_a_too_complex_query(org_a, make_user, client_for):
    import json

    client = client_for(org_a, user=make_user(org_a).user)
    with override_settings(GRAPHQL_MAX_COMPLEXITY=50):
        response = client.post(
            "/graphql/",
            data=json.dumps(
                {"query": "query Many { catalogueIndicators(first: 200) { code title } }"}
            ),
            content_type="application/json",
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
