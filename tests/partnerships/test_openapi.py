"""The partnerships REST API's OpenAPI description: every operation documented with its
request, response and error bodies, no generator warnings, and the documented dashboard
shape equal to what the view really answers."""

from __future__ import annotations

import pytest

from goldenthread.partnerships.rest.views import AgreementActionApi
from tests.openapi import area_schema, operations

from .conftest import approve, sign_all

PREFIX = "/api/v1/partnerships/"


@pytest.fixture(scope="module")
def partnerships_schema():
    return area_schema("api/v1/partnerships/", "goldenthread.partnerships.rest.urls")


def test_the_schema_generates_without_warnings_or_errors(partnerships_schema):
    schema, complaints = partnerships_schema
    assert complaints == []
    assert sum(1 for _ in operations(schema)) >= 15


def test_every_operation_has_a_summary_a_described_answer_and_a_body_to_send(
    partnerships_schema,
):
    schema, _ = partnerships_schema
    for route, method, operation in operations(schema):
        assert route.startswith(PREFIX), route
        assert operation["operationId"].startswith("partnerships_"), route
        assert operation["tags"] == ["partnerships"], route
        assert operation.get("summary"), (route, method)
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert len(success) == 1, (route, method)
        answer = responses[success[0]]["content"]["application/json"]["schema"]
        # Every answer is a named shape, or a list of one: no free-form objects.
        assert "$ref" in answer.get("items", answer), (route, method)
        error = responses["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}, (route, method)
        if method in ("post", "put", "patch"):
            assert "requestBody" in operation and "400" in responses, (route, method)
        if "{id}" in route or "_id}" in route:
            assert "404" in responses, (route, method)


def test_the_agreement_actions_and_dashboard_parameters_are_described(partnerships_schema):
    schema, _ = partnerships_schema
    action = schema["paths"][f"{PREFIX}agreements/{{version_id}}/{{action}}/"]["post"]
    [named] = [p for p in action["parameters"] if p["name"] == "action"]
    assert set(named["schema"]["enum"]) == set(AgreementActionApi.ACTIONS)
    assert {"400", "401", "403", "404", "409"} <= set(action["responses"])
    assert action["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    dashboard = schema["paths"][f"{PREFIX}{{id}}/dashboard/"]["get"]
    assert {p["name"] for p in dashboard["parameters"]} >= {"id", "period", "periods"}


def _properties(schemas: dict, name: str) -> set[str]:
    return set(schemas[name]["properties"])


@pytest.mark.django_db
def test_the_documented_dashboard_is_what_the_view_answers(
    partnerships_schema, scenario, client_for
):
    schemas = partnerships_schema[0]["components"]["schemas"]
    parties = scenario.parties
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    body = (
        client_for(parties.county.organisation, user=parties.county.reader)
        .get(f"{PREFIX}{scenario.partnership.pk}/dashboard/?period=2024/25 Q4")
        .json()
    )
    assert set(body) == _properties(schemas, "PartnershipDashboard")
    [indicator] = [i for i in body["indicators"] if i["code"] == code]
    assert set(indicator) == _properties(schemas, "SharedIndicator")
    [figure] = [f for f in indicator["figures"] if f["period"] == "2024/25 Q4"]
    assert set(figure) == _properties(schemas, "Figure")
    [police] = [c for c in figure["contributions"] if c["organisation"] == parties.police.name]
    assert set(police) == _properties(schemas, "Contribution")
    assert set(police["provenance"]) == _properties(schemas, "Provenance")


@pytest.mark.django_db
def test_the_documented_members_and_indicators_are_what_the_views_answer(
    partnerships_schema, scenario, client_for
):
    schemas = partnerships_schema[0]["components"]["schemas"]
    county = scenario.parties.county
    client = client_for(county.organisation, user=county.admin)
    pk = scenario.partnership.pk
    members = client.get(f"{PREFIX}{pk}/members/").json()
    assert members and all(set(m) == _properties(schemas, "Member") for m in members)
    indicators = client.get(f"{PREFIX}{pk}/indicators/").json()
    assert indicators
    assert all(set(i) == _properties(schemas, "SharedIndicatorDefinition") for i in indicators)
