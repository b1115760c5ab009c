"""The depth limit, fragment cycles and the specification's own validation rules."""

from __future__ import annotations

import json
import time

import graphene
import pytest
from django.test import override_settings

from goldenthread.graphql.core.limits import DepthLimitValidator
from goldenthread.graphql.core.views import OrganisationGraphQLView
from graphql import parse, validate

pytestmark = pytest.mark.django_db


class Node(graphene.ObjectType):
    name = graphene.String()
    child = graphene.Field(lambda: Node)

    def resolve_child(root, info):
        return {}


class NodeQuery(graphene.ObjectType):
    root = graphene.Field(Node)


# A schema that can nest as deep as a client likes, to exercise the limit precisely.
NESTING = graphene.Schema(query=NodeQuery).graphql_schema


def nested(levels: int) -> str:
    """`{ root { child { … name } } }` with `levels` fields on the deepest path."""
    inner = "name"
    for _ in range(levels - 2):
        inner = f"child {{ {inner} }}"
    return f"query Deep {{ root {{ {inner} }} }}"


def depth_errors(query: str) -> list[str]:
    errors = validate(NESTING, parse(query), [*OrganisationGraphQLView.validation_rules])
    return [e.message for e in errors]


@override_settings(GRAPHQL_MAX_DEPTH=8)
def test_a_query_at_the_limit_passes_and_one_deeper_is_refused():
    assert depth_errors(nested(8)) == []
    assert depth_errors(nested(9)) == ["Operation 'Deep' is nested 9 levels deep; the limit is 8."]


@override_settings(GRAPHQL_MAX_DEPTH=4)
def test_depth_through_fragments_counts():
    query = """
      query ViaFragments { root { ...A } }
      fragment A on Node { child { ... on Node { child { ...B } } } }
      fragment B on Node { child { name } }
    """
    assert depth_errors(query) == [
        "Operation 'ViaFragments' is nested 5 levels deep; the limit is 4."
    ]


def test_fragment_cycles_are_refused_without_hanging():
    query = """
      query Loop { root { ...A } }
      fragment A on Node { name child { ...B } }
      fragment B on Node { name child { ...A } }
    """
    started = time.monotonic()
    errors = depth_errors(query)
    assert time.monotonic() - started < 2
    assert any("Cannot spread fragment 'A' within itself" in message for message in errors)


def test_many_spreads_of_the_same_fragments_are_measured_quickly():
    # Each fragment spreads the next twice: walked naively that is 2**40 visits.
    count = 40
    fragments = "\n".join(
        f"fragment F{i} on Node {{ name ...F{i + 1} ...F{i + 1} }}" for i in range(count)
    )
    query = f"query Wide {{ root {{ ...F0 }} }}\n{fragments}\nfragment F{count} on Node {{ name }}"
    document = parse(query)
    started = time.monotonic()
    errors = validate(NESTING, document, [DepthLimitValidator])
    assert time.monotonic() - started < 2
    assert errors == []


def post(client, query: str):
    return client.post(
        "/graphql/", data=json.dumps({"query": query}), content_type="application/json"
    )


@pytest.fixture
def signed_in(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a).user)


def test_the_endpoint_refuses_a_too_deep_query_before_running_it(signed_in):
    deep = "a { " * 10 + "b" + " }" * 10
    response = post(
        signed_in, f"query TooDeep {{ catalogueIndicators {{ versions {{ {deep} }} }} }}"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    depth = [e for e in errors if e.get("extensions", {}).get("code") == "QUERY_TOO_DEEP"]
    assert [e["message"] for e in depth] == [
        "Operation 'TooDeep' is nested 13 levels deep; the limit is 8."
    ]


def test_the_endpoint_refuses_a_fragment_cycle_quickly(signed_in):
    query = """
      query Loop { catalogueIndicators { ...A } }
      fragment A on CatalogueIndicator { code ...B }
      fragment B on CatalogueIndicator { title ...A }
    """
    started = time.monotonic()
    response = post(signed_in, query)
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert any("within itself" in e["message"] for e in response.json()["errors"])


def test_the_specifications_rules_still_apply(signed_in):
    response = post(signed_in, "{ catalogueIndicators { noSuchField } }")
    assert response.status_code == 400
    assert "Cannot query field 'noSuchField'" in response.json()["errors"][0]["message"]
