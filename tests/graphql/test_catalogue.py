"""GraphQL: catalogueIndicators and catalogueIndicator, and who may ask."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue, user_create
from goldenthread.shared_indicators.models import CatalogueIndicator
from tests.shared_indicators.helpers import csv_bytes, import_bytes, seed_indicators

pytestmark = pytest.mark.django_db

LIST_QUERY = """
query List($search: String, $first: Int, $offset: Int) {
  catalogueIndicators(search: $search, first: $first, offset: $offset) {
    code title unit polarity frequency decimalPlaces version retired
  }
}
"""
DETAIL_QUERY = """
query One($code: String!) {
  catalogueIndicator(code: $code) {
    code title polarity frequency version
    versions { version sourceFile title polarity frequency }
  }
}
"""


def post(client, query: str, variables: dict | None = None, **extra):
    return client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **extra,
    )


def bearer_for(organisation, make_user) -> dict:
    member = make_user(organisation, roles=[])
    with schema_context(organisation.schema_name):
        _, key = api_credential_issue(user=member.user, name="graphql tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def signed_in(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a, roles=["councillor"]).user)


def catalogue(prefix: str) -> None:
    import_bytes(
        csv_bytes(
            [
                [f"{prefix} 2", "Adult obesity", "percentage", "lower", "annual"],
                [f"{prefix} 10", "Museum visits", "percentage", "higher", "three surveys a year"],
                [f"{prefix} 11", "Arts engagement", "number", "none", "half-yearly"],
            ]
        )
    )


def test_a_signed_in_user_lists_the_catalogue(signed_in, prefix):
    catalogue(prefix)
    response = post(signed_in, LIST_QUERY, {"search": prefix})
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"]["catalogueIndicators"] == [
        {
            "code": f"{prefix} 2",
            "title": "Adult obesity",
            "unit": "percentage",
            "polarity": "LOWER_IS_BETTER",
            "frequency": "ANNUAL",
            "decimalPlaces": 1,
            "version": 1,
            "retired": False,
        },
        {
            "code": f"{prefix} 10",
            "title": "Museum visits",
            "unit": "percentage",
            "polarity": "HIGHER_IS_BETTER",
            "frequency": "THREE_TIMES_A_YEAR",
            "decimalPlaces": 1,
            "version": 1,
            "retired": False,
        },
        {
            "code": f"{prefix} 11",
            "title": "Arts engagement",
            "unit": "number",
            "polarity": "NONE",
            "frequency": "HALF_YEARLY",
            "decimalPlaces": 1,
            "version": 1,
            "retired": False,
        },
    ]


def test_first_and_offset_page_through_the_results(signed_in, prefix):
    catalogue(prefix)
    page = post(signed_in, LIST_QUERY, {"search": prefix, "first": 1, "offset": 1}).json()
    assert [i["code"] for i in page["data"]["catalogueIndicators"]] == [f"{prefix} 10"]


def test_filters_take_the_shared_enums(signed_in, prefix):
    catalogue(prefix)
    query = """query($s: String) { catalogueIndicators(search: $s, polarity: HIGHER_IS_BETTER,
        frequency: THREE_TIMES_A_YEAR) { code } }"""
    body = post(signed_in, query, {"s": prefix}).json()
    assert body["data"]["catalogueIndicators"] == [{"code": f"{prefix} 10"}]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 0}, "first must be between 1 and 200; it was 0."),
        ({"first": 201}, "first must be between 1 and 200; it was 201."),
        ({"offset": -1}, "offset cannot be negative; it was -1."),
    ],
)
def test_bad_paging_arguments_are_refused_clearly(signed_in, variables, message):
    body = post(signed_in, LIST_QUERY, variables).json()
    assert body["errors"][0]["message"] == message
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_one_indicator_with_its_versions(signed_in, prefix):
    import_bytes(csv_bytes([[f"{prefix} 1", "Old", "number", "higher", "annual"]]), name="a.csv")
    import_bytes(csv_bytes([[f"{prefix} 1", "New", "number", "lower", "annual"]]), name="b.csv")

    body = post(signed_in, DETAIL_QUERY, {"code": f"{prefix} 1"}).json()

    indicator = body["data"]["catalogueIndicator"]
    assert (indicator["title"], indicator["polarity"], indicator["version"]) == (
        "New",
        "LOWER_IS_BETTER",
        2,
    )
    assert indicator["versions"] == [
        {
            "version": 2,
            "sourceFile": "b.csv",
            "title": "New",
            "polarity": "LOWER_IS_BETTER",
            "frequency": "ANNUAL",
        },
        {
            "version": 1,
            "sourceFile": "a.csv",
            "title": "Old",
            "polarity": "HIGHER_IS_BETTER",
            "frequency": "ANNUAL",
        },
    ]


def test_an_unknown_code_is_null(signed_in, prefix):
    body = post(signed_in, DETAIL_QUERY, {"code": f"{prefix} 404"}).json()
    assert body == {"data": {"catalogueIndicator": None}}


@pytest.mark.parametrize("which", ["alpha", "beta"])
def test_an_api_key_works_on_its_own_organisation(
    which, org_a, org_b, make_user, client_for, prefix
):
    catalogue(prefix)
    organisation = org_a if which == "alpha" else org_b
    response = post(
        client_for(organisation),
        LIST_QUERY,
        {"search": prefix},
        **bearer_for(organisation, make_user),
    )
    assert response.status_code == 200
    assert len(response.json()["data"]["catalogueIndicators"]) == 3


def assert_unauthenticated(response, message_start: str) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert body["errors"][0]["message"].startswith(message_start)


def test_anonymous_operations_are_refused(org_a, client_for, prefix):
    catalogue(prefix)
    assert_unauthenticated(post(client_for(org_a), LIST_QUERY), "Sign in, or send an API key")
    response = client_for(org_a).get("/graphql/", {"query": "{ catalogueIndicators { code } }"})
    assert_unauthenticated(response, "Sign in, or send an API key")


def test_an_anonymous_browser_is_sent_to_sign_in_instead_of_graphiql(org_a, client_for):
    response = client_for(org_a).get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_a_bad_or_foreign_key_is_refused(org_a, org_b, make_user, client_for):
    assert_unauthenticated(
        post(client_for(org_a), LIST_QUERY, HTTP_AUTHORIZATION="Bearer gt_nonsense"),
        "The API key",
    )
    assert_unauthenticated(
        post(client_for(org_b), LIST_QUERY, **bearer_for(org_a, make_user)),
        "This API key belongs to another organisation",
    )


def test_a_session_post_needs_the_csrf_token(org_a, make_user, client_for, prefix):
    catalogue(prefix)
    member = make_user(org_a)
    strict = Client(enforce_csrf_checks=True, HTTP_HOST=org_a.get_primary_domain().domain)
    with schema_context(org_a.schema_name):
        strict.force_login(member.user)

    refused = post(strict, LIST_QUERY)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    strict.get("/graphql/", {"query": "{ __typename }"})  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    allowed = post(strict, LIST_QUERY, {"search": prefix}, HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code == 200 and len(allowed.json()["data"]["catalogueIndicators"]) == 3


def test_a_public_account_that_is_not_staff_is_forbidden(client_for, prefix):
    catalogue(prefix)
    with schema_context("public"):
        outsider = user_create(
            email=f"{prefix.lower()}@platform.example",
            full_name="Outsider",
            roles=[],
            password="correct-horse-battery-staple",
        )
        staff = user_create(
            email=f"{prefix.lower()}-staff@platform.example",
            full_name="Staff",
            roles=[],
            password="correct-horse-battery-staple",
            is_staff=True,
        )

    body = post(client_for(None, user=outsider), LIST_QUERY).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    body = post(client_for(None, user=staff), LIST_QUERY, {"search": prefix}).json()
    assert len(body["data"]["catalogueIndicators"]) == 3


def query_count(client, query: str, variables: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = post(client, query, variables)
    return len(captured.captured_queries), len(response.json()["data"]["catalogueIndicators"])


def test_the_list_costs_the_same_queries_however_many_rows(signed_in, prefix):
    query = """query($s: String) { catalogueIndicators(search: $s, first: 200) {
        code versions { version title } } }"""
    seed_indicators(f"{prefix}A", 2)
    seed_indicators(f"{prefix}B", 20)
    # versions give each indicator a second row to load
    import_bytes(
        csv_bytes(
            [[f"{prefix}B {n}", "Changed", "number", "higher", "annual"] for n in range(1, 21)]
        )
    )

    few_queries, few_rows = query_count(signed_in, query, {"s": f"{prefix}A"})
    many_queries, many_rows = query_count(signed_in, query, {"s": f"{prefix}B"})

    assert (few_rows, many_rows) == (2, 20)
    assert many_queries == few_queries
    # Without versions asked for, they are not loaded at all
    plain_queries, _ = query_count(
        signed_in,
        "query($s: String) { catalogueIndicators(search: $s) { code } }",
        {"s": f"{prefix}B"},
    )
    assert plain_queries < many_queries


def test_fields_and_arguments_are_described(signed_in):
    query = """{
      t: __type(name: "CatalogueIndicator") { description fields { name description } }
      q: __type(name: "Query") { fields { name description args { name description } } }
    }"""
    body = post(signed_in, query).json()["data"]
    assert body["t"]["description"]
    assert all(field["description"] for field in body["t"]["fields"])
    catalogue_fields = [f for f in body["q"]["fields"] if f["name"].startswith("catalogue")]
    assert {f["name"] for f in catalogue_fields} == {"catalogueIndicators", "catalogueIndicator"}
    for field in catalogue_fields:
        assert field["description"]
        assert all(arg["description"] for arg in field["args"])


def test_reading_changes_nothing(signed_in, prefix):
    catalogue(prefix)
    before = list(CatalogueIndicator.objects.filter(code__startswith=prefix).values())
    post(signed_in, LIST_QUERY, {"search": prefix})
    assert list(CatalogueIndicator.objects.filter(code__startswith=prefix).values()) == before
