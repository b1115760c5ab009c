"""The limits every operation keeps to before it runs: depth (introspection included), fields,
aliases, distinct period selections, and the introspection switch; the specification's own
validation rules still apply."""

from __future__ import annotations

import json
import time

import graphene
import pytest
from django.test import override_settings

from goldenthread.graphql.core.limits import limit_errors, operation_measure
from goldenthread.graphql.core.views import OrganisationGraphQLView
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead
from graphql import get_introspection_query, parse, validate
from tests.shared_indicators.benchmarking.helpers import make_club, make_org, publish

pytestmark = pytest.mark.django_db


class Node(graphene.ObjectType):
    name = graphene.String()
    child = graphene.Field(lambda: Node)

    def resolve_child(root, info):
        return {}


class NodeQuery(graphene.ObjectType):
    root = graphene.Field(Node)


# A schema that can nest as deep as a client likes, to exercise the limits precisely.
NESTING = graphene.Schema(query=NodeQuery).graphql_schema


def nested(levels: int) -> str:
    """`{ root { child { … name } } }` with `levels` fields on the deepest path."""
    inner = "name"
    for _ in range(levels - 2):
        inner = f"child {{ {inner} }}"
    return f"query Deep {{ root {{ {inner} }} }}"


def errors_of(query: str, variables: dict | None = None, schema=NESTING) -> list:
    """What the endpoint would answer: the limits, then the validation rules."""
    document = parse(query)
    return limit_errors(schema, document, variables) or validate(
        schema, document, OrganisationGraphQLView.validation_rules
    )


def messages(query: str, variables: dict | None = None) -> list[str]:
    return [error.message for error in errors_of(query, variables)]


def codes(query: str, variables: dict | None = None, schema=NESTING) -> set[str]:
    return {error.extensions["code"] for error in errors_of(query, variables, schema)}


# --- depth ------------------------------------------------------------------------------------


@override_settings(GRAPHQL_MAX_DEPTH=8)
def test_a_query_at_the_depth_limit_passes_and_one_deeper_is_refused():
    assert messages(nested(8)) == []
    assert messages(nested(9)) == ["Operation 'Deep' is nested 9 levels deep; the limit is 8."]


@override_settings(GRAPHQL_MAX_DEPTH=4)
def test_depth_through_fragments_counts():
    query = """
      query ViaFragments { root { ...A } }
      fragment A on Node { child { ... on Node { child { ...B } } } }
      fragment B on Node { child { name } }
    """
    assert messages(query) == ["Operation 'ViaFragments' is nested 5 levels deep; the limit is 4."]


def test_the_standard_introspection_query_passes_every_limit():
    assert errors_of(get_introspection_query(descriptions=True)) == []


def test_introspection_deeper_than_the_standard_query_is_refused():
    # __schema > types > fields > type > fields > type > … : each level multiplies the answer.
    inner = "name"
    for _ in range(7):
        inner = f"fields {{ type {{ {inner} }} }}"
    query = f"query Walk {{ __schema {{ types {{ {inner} }} }} }}"
    assert operation_measure(NESTING, parse(query), parse(query).definitions[0]).depth == 0
    assert "Operation 'Walk' nests introspection 17 levels deep; the limit is 15." in (
        messages(query)
    )


def test_fragment_cycles_are_refused_without_hanging():
    query = """
      query Loop { root { ...A } }
      fragment A on Node { name child { ...B } }
      fragment B on Node { name child { ...A } }
    """
    started = time.monotonic()
    found = messages(query)
    assert time.monotonic() - started < 2
    assert any("Cannot spread fragment 'A' within itself" in message for message in found)


def test_many_spreads_of_the_same_fragments_are_measured_quickly_and_counted_as_executed():
    # Each fragment spreads the next twice: walked naively that is 2**40 visits.
    count = 40
    fragments = "\n".join(
        f"fragment F{i} on Node {{ name ...F{i + 1} ...F{i + 1} }}" for i in range(count)
    )
    query = f"query Wide {{ root {{ ...F0 }} }}\n{fragments}\nfragment F{count} on Node {{ name }}"
    started = time.monotonic()
    found = codes(query)
    assert time.monotonic() - started < 2
    assert found == {"QUERY_TOO_MANY_FIELDS", "QUERY_TOO_COMPLEX"}


# --- fields, aliases, period selections -------------------------------------------------------


@override_settings(GRAPHQL_MAX_FIELDS=10, GRAPHQL_MAX_ALIASES=100)
def test_fields_are_counted_with_fragments_and_introspection():
    ten = "query Ten { root { name } a: root { name } __typename" + " x: __typename" * 5 + " }"
    assert messages(ten) == []
    assert messages(
        "query Eleven { root { ...N } b: root { ...N } __schema { queryType { name } } }"
        " fragment N on Node { name child { name } }"
    ) == ["Operation 'Eleven' selects 11 fields; the limit is 10. Split it into smaller requests."]


@override_settings(GRAPHQL_MAX_ALIASES=3)
def test_aliases_are_counted_through_fragments_and_in_introspection():
    assert codes("query Q { a: root { name } b: root { n: name } }") == set()
    assert codes(
        "query Q { a: root { ...F } b: root { ...F } } fragment F on Node { n: name }"
    ) == {"QUERY_TOO_MANY_ALIASES"}
    assert codes("query Q { a: __schema { t: types { name } } b: __typename c: __typename }") == {
        "QUERY_TOO_MANY_ALIASES"
    }


@override_settings(GRAPHQL_INTROSPECTION=False)
def test_introspection_can_be_switched_off_but_typename_is_always_answered():
    assert codes("{ __typename root { __typename } }") == set()
    assert codes("{ __schema { types { name } } }") == {"INTROSPECTION_DISABLED"}
    assert codes('{ __type(name: "Node") { name } }') == {"INTROSPECTION_DISABLED"}


@pytest.mark.parametrize(("environment", "answered"), [(None, "False"), ("1", "True")])
def test_introspection_is_off_in_production_unless_the_environment_turns_it_on(
    environment, answered, settings
):
    from tests.platform.test_settings import import_production_settings

    assert settings.GRAPHQL_INTROSPECTION is True  # development and tests
    result = import_production_settings(GRAPHQL_INTROSPECTION=environment)
    assert result.returncode == 0, result.stderr
    assert f"GRAPHQL_INTROSPECTION {answered}" in result.stdout


# --- at the endpoint: refused in one request, before any resolver runs ------------------------


def post(client, query: str, variables: dict | None = None):
    return client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
    )


@pytest.fixture
def signed_in(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a).user)


def refused_codes(response) -> set[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body.get("data") is None
    # graphql-core's own MaxIntrospectionDepthRule may add an error without a code.
    return {error["extensions"]["code"] for error in body["errors"] if "extensions" in error}


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


@pytest.fixture
def reads_before(db) -> int:
    return CrossOrganisationRead.objects.count()


@pytest.fixture
def compared_club(org_a, indicator):
    """A club of six with values published, so that a comparison would be read and logged."""
    others = [make_org() for _ in range(5)]
    club = make_club(others[0], [org_a, *others[1:]], indicator, anonymised=False)
    for organisation in [org_a, *others]:
        publish(organisation, indicator, "2024/25 Q1", 42)
    return club


COMPARE = """benchmarkingComparison(clubId: $club, indicatorCode: $code, periods: {periods}) {{
  periods {{ summary {{ count median }} }} }}"""


def test_a_thousand_aliased_comparisons_are_refused_and_nothing_is_read(
    signed_in, compared_club, indicator, reads_before
):
    many = " ".join(f"c{n}: " + COMPARE.format(periods='["2024/25 Q1"]') for n in range(1000))
    query = f"query Many($club: ID!, $code: String!) {{ {many} }}"
    started = time.monotonic()
    response = post(signed_in, query, {"club": str(compared_club.id), "code": indicator.code})
    assert time.monotonic() - started < 5
    assert refused_codes(response) >= {"QUERY_TOO_MANY_ALIASES", "QUERY_TOO_MANY_FIELDS"}
    assert CrossOrganisationRead.objects.count() == reads_before


def test_one_comparison_is_answered_and_logged(signed_in, compared_club, indicator, reads_before):
    query = (
        "query One($club: ID!, $code: String!) { " + COMPARE.format(periods='["2024/25 Q1"]') + " }"
    )
    body = post(signed_in, query, {"club": str(compared_club.id), "code": indicator.code}).json()
    assert body["data"]["benchmarkingComparison"]["periods"][0]["summary"]["count"] == 6
    assert CrossOrganisationRead.objects.count() == reads_before + 1


def test_distinct_period_selections_are_capped_also_when_given_as_variables(
    signed_in, compared_club, indicator, reads_before
):
    quarters = ["2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4", "2024/25 Q1"]
    declared = ", ".join(f"$p{n}: [String!]" for n in range(5))
    fields = " ".join(f"c{n}: " + COMPARE.format(periods=f"$p{n}") for n in range(5))
    query = f"query Five($club: ID!, $code: String!, {declared}) {{ {fields} }}"
    variables = {"club": str(compared_club.id), "code": indicator.code}

    response = post(
        signed_in, query, {**variables, **{f"p{n}": [q] for n, q in enumerate(quarters)}}
    )
    assert refused_codes(response) == {"QUERY_TOO_MANY_PERIODS"}
    assert CrossOrganisationRead.objects.count() == reads_before

    # The same five fields over one period selection are one selection.
    same = post(signed_in, query, {**variables, **{f"p{n}": ["2024/25 Q1"] for n in range(5)}})
    assert "errors" not in same.json()


def test_list_sizes_given_as_variables_count_like_literals(
    signed_in, compared_club, indicator, reads_before
):
    query = """query Big($club: ID!, $code: String!, $first: Int!, $codes: [String!]) {
      benchmarkingComparison(clubId: $club, indicatorCode: $code, periods: $codes) {
        periods { entries(first: $first) { label isYou value rank quartile } }
        timeSeries(first: $first) { label points { period { code label start end } value } } } }"""
    quarters = [f"20{y}/{y + 1} Q{q}" for y in range(10, 20) for q in (1, 2, 3, 4)]
    variables = {"club": str(compared_club.id), "code": indicator.code}
    response = post(signed_in, query, {**variables, "first": 500, "codes": quarters})
    assert refused_codes(response) == {"QUERY_TOO_COMPLEX"}
    assert CrossOrganisationRead.objects.count() == reads_before
    # Small pages of one period are cheap.
    small = post(signed_in, query, {**variables, "first": 10, "codes": ["2024/25 Q1"]}).json()
    assert "errors" not in small, small


def test_three_hundred_aliased_introspections_are_refused(signed_in):
    many = " ".join(f"s{n}: __schema {{ types {{ name fields {{ name }} }} }}" for n in range(300))
    started = time.monotonic()
    response = post(signed_in, f"query Map {{ {many} }}")
    assert time.monotonic() - started < 5
    assert refused_codes(response) >= {
        "QUERY_TOO_MANY_ALIASES",
        "QUERY_TOO_MANY_FIELDS",
        "QUERY_TOO_COMPLEX",
    }
    assert len(response.content) < 5_000


def test_sixteen_deep_introspection_is_refused(signed_in):
    inner = "name"
    for _ in range(7):
        inner = f"fields {{ type {{ {inner} }} }}"
    response = post(signed_in, f'query Walk {{ __type(name: "Query") {{ {inner} }} }}')
    assert refused_codes(response) >= {"QUERY_TOO_DEEP"}


def test_graphiql_and_introspection_follow_the_switch(signed_in):
    assert signed_in.get("/graphql/", HTTP_ACCEPT="text/html").status_code == 200
    with override_settings(GRAPHQL_INTROSPECTION=False):
        response = post(signed_in, "{ __schema { queryType { name } } }")
        assert refused_codes(response) == {"INTROSPECTION_DISABLED"}
        page = signed_in.get("/graphql/", HTTP_ACCEPT="text/html")
        assert b"graphiql" not in page.content.lower()
        assert post(signed_in, "{ __typename }").json() == {"data": {"__typename": "Query"}}


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
