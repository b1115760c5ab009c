"""The complexity limit: cost per field, lists multiplied by `first` or their registered size."""

from __future__ import annotations

import graphene
import pytest
from django.test import override_settings

from goldenthread.graphql.core.limits import (
    DEFAULT_LIST_SIZE,
    ComplexityLimitValidator,
    operation_cost,
    register_list_size,
)
from graphql import parse, validate

pytestmark = pytest.mark.django_db


class Leaf(graphene.ObjectType):
    name = graphene.String()
    size = graphene.Int()


class Branch(graphene.ObjectType):
    name = graphene.String()
    leaves = graphene.List(Leaf, first=graphene.Int(default_value=10))
    sized = graphene.List(Leaf)
    unsized = graphene.List(Leaf)


class TreeQuery(graphene.ObjectType):
    branches = graphene.List(Branch, first=graphene.Int())
    branch = graphene.Field(Branch)


SCHEMA = graphene.Schema(query=TreeQuery).graphql_schema
register_list_size("Branch", "sized", 4)


def cost(query: str) -> int:
    document = parse(query)
    return operation_cost(SCHEMA, document, document.definitions[0])


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


def test_fragments_count_like_inline_selections_and_introspection_is_free():
    plain = cost("{ branches(first: 5) { name leaves(first: 4) { name } } }")
    with_fragment = cost(
        "query Q { branches(first: 5) { ...B } }"
        " fragment B on Branch { name leaves(first: 4) { ...L } }"
        " fragment L on Leaf { name }"
    )
    assert with_fragment == plain
    assert cost("{ __schema { types { name } } branch { name } }") == 2


@override_settings(GRAPHQL_MAX_COMPLEXITY=100)
def test_the_validator_refuses_an_operation_over_the_limit():
    under = validate(
        SCHEMA, parse("query Small { branches(first: 10) { name } }"), [ComplexityLimitValidator]
    )
    assert under == []
    [error] = validate(
        SCHEMA,
        parse("query Big { branches(first: 10) { leaves(first: 10) { name } } }"),
        [ComplexityLimitValidator],
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
