"""REST: /api/v1/catalogue/indicators/ and /<code>/, read-only for every organisation."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.shared_indicators.models import CatalogueIndicator
from tests.shared_indicators.helpers import csv_bytes, import_bytes, seed_indicators

pytestmark = pytest.mark.django_db
LIST = "/api/v1/catalogue/indicators/"


def detail_url(code: str) -> str:
    return f"{LIST}{quote(code)}/"


def bearer_for(organisation, make_user) -> dict:
    member = make_user(organisation, roles=["performance_officer"])
    with schema_context(organisation.schema_name):
        _, key = api_credential_issue(user=member.user, name="catalogue tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def api(org_a, make_user, client_for):
    member = make_user(org_a, roles=["councillor"])
    return client_for(org_a, user=member.user)


def catalogue(prefix: str) -> None:
    header = ["code", "title", "unit", "polarity", "frequency", "theme", "retired"]
    import_bytes(
        csv_bytes(
            [
                [f"{prefix} 2", "Adult obesity", "percentage", "lower", "annual", "Health", "no"],
                [
                    f"{prefix} 10",
                    "Visits to museums",
                    "percentage",
                    "higher",
                    "annual",
                    "Culture",
                    "no",
                ],
                [
                    f"{prefix} 11",
                    "Engagement in the arts",
                    "percentage",
                    "higher",
                    "three surveys a year",
                    "Culture",
                    "no",
                ],
                [
                    f"{prefix} 12",
                    "Retired arts measure",
                    "number",
                    "none",
                    "monthly",
                    "Culture",
                    "yes",
                ],
            ],
            header,
        )
    )


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["results"]]


@pytest.mark.parametrize("which", ["alpha", "beta"])
def test_both_organisations_list_the_catalogue_with_their_api_keys(
    which, org_a, org_b, make_user, client_for, prefix
):
    catalogue(prefix)
    organisation = org_a if which == "alpha" else org_b
    response = client_for(organisation).get(
        LIST, {"q": prefix}, **bearer_for(organisation, make_user)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert codes(response) == [f"{prefix} 2", f"{prefix} 10", f"{prefix} 11"]
    first = body["results"][0]
    assert first == {
        "code": f"{prefix} 2",
        "title": "Adult obesity",
        "definition": "",
        "unit": "percentage",
        "polarity": "lower",
        "frequency": "annual",
        "decimal_places": 1,
        "theme": "Health",
        "source": "",
        "version": 1,
        "valid_from": None,
        "valid_to": None,
        "retired": False,
    }


def test_search_and_filters(api, prefix):
    catalogue(prefix)
    assert codes(api.get(LIST, {"q": f"{prefix} arts"})) == [f"{prefix} 11"]
    assert codes(api.get(LIST, {"q": f"{prefix} arts", "include_retired": "true"})) == [
        f"{prefix} 11",
        f"{prefix} 12",
    ]
    assert codes(api.get(LIST, {"q": prefix, "frequency": "three_times_a_year"})) == [
        f"{prefix} 11"
    ]
    assert codes(api.get(LIST, {"q": prefix, "polarity": "lower"})) == [f"{prefix} 2"]
    assert codes(api.get(LIST, {"q": prefix, "theme": "culture"})) == [
        f"{prefix} 10",
        f"{prefix} 11",
    ]


def test_pagination(api, prefix):
    seed_indicators(prefix, 7)
    first = api.get(LIST, {"q": prefix, "page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["next"]
    last = api.get(LIST, {"q": prefix, "page_size": 3, "page": 3}).json()
    assert [item["code"] for item in last["results"]] == [f"{prefix} 7"]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"polarity": "sideways"}, 400, "polarity"),
        ({"frequency": "daily"}, 400, "frequency"),
        ({"page": 99}, 404, "Invalid page"),
    ],
)
def test_bad_parameters_get_the_one_error_body(api, prefix, params, status, message):
    catalogue(prefix)
    response = api.get(LIST, {"q": prefix, **params})
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"message", "code", "extra"}
    assert message in body["message"]


def test_detail_has_the_versions_newest_first(api, prefix):
    import_bytes(csv_bytes([[f"{prefix} 1", "Old", "number", "higher", "annual"]]), name="a.csv")
    import_bytes(csv_bytes([[f"{prefix} 1", "New", "number", "lower", "annual"]]), name="b.csv")

    response = api.get(detail_url(f"{prefix} 1"))

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["title"], body["polarity"], body["version"]) == (
        f"{prefix} 1",
        "New",
        "lower",
        2,
    )
    assert [
        (v["version"], v["source_file"], v["definition"]["title"]) for v in body["versions"]
    ] == [
        (2, "b.csv", "New"),
        (1, "a.csv", "Old"),
    ]
    assert body["versions"][1]["definition"]["polarity"] == "higher"


def test_detail_of_an_unknown_code_is_404_with_the_error_body(api, prefix):
    response = api.get(detail_url(f"{prefix} 999"))
    assert response.status_code == 404
    assert response.json() == {
        "message": f"There is no catalogue indicator with the code '{prefix} 999'.",
        "code": "not_found",
        "extra": {},
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("target", ["list", "detail"])
def test_the_catalogue_is_read_only_through_the_api(api, prefix, method, target):
    catalogue(prefix)
    before = list(CatalogueIndicator.objects.filter(code__startswith=prefix).values())
    url = LIST if target == "list" else detail_url(f"{prefix} 2")

    response = getattr(api, method)(
        url, data={"code": f"{prefix} 3", "title": "x"}, content_type="application/json"
    )

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert list(CatalogueIndicator.objects.filter(code__startswith=prefix).values()) == before


@pytest.mark.parametrize("target", ["list", "detail"])
def test_anonymous_callers_get_401(org_a, client_for, prefix, target):
    catalogue(prefix)
    url = LIST if target == "list" else detail_url(f"{prefix} 2")
    response = client_for(org_a).get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "not_authenticated"


def test_another_organisations_key_is_refused(org_a, org_b, make_user, client_for, prefix):
    catalogue(prefix)
    response = client_for(org_b).get(LIST, **bearer_for(org_a, make_user))
    assert response.status_code == 401
    assert response.json()["message"].startswith("This API key belongs to another organisation")


def test_the_endpoints_are_in_the_openapi_schema(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "get" in schema["paths"]["/api/v1/catalogue/indicators/"]
    assert "post" not in schema["paths"]["/api/v1/catalogue/indicators/"]
    assert "get" in schema["paths"]["/api/v1/catalogue/indicators/{code}/"]
    parameters = {
        p["name"] for p in schema["paths"]["/api/v1/catalogue/indicators/"]["get"]["parameters"]
    }
    assert {
        "q",
        "theme",
        "frequency",
        "polarity",
        "include_retired",
        "page",
        "page_size",
    } <= parameters
    assert "versions" in schema["components"]["schemas"]["CatalogueIndicatorDetail"]["properties"]
