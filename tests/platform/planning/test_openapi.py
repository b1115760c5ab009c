"""The planning REST API's OpenAPI description generates cleanly: every operation documented
with its request and response bodies and its error responses, no warnings or errors."""

from __future__ import annotations

import pytest

from tests.openapi import area_schema, operations

PREFIX = "/api/v1/planning/"


@pytest.fixture
def planning_schema():
    """The schema of the planning routes alone, and what the generator complained about."""
    return area_schema("api/v1/planning/", "goldenthread.platform.planning.rest.urls")


def test_the_planning_schema_generates_without_warnings_or_errors(planning_schema):
    schema, complaints = planning_schema
    assert complaints == []
    assert sum(1 for _ in operations(schema)) >= 40


def test_every_planning_operation_has_a_body_and_its_error_responses(planning_schema):
    schema, _ = planning_schema
    for route, method, operation in operations(schema):
        assert route.startswith(PREFIX)
        assert operation["operationId"].startswith("planning_"), route
        assert operation["tags"] == ["planning"], route
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert len(success) == 1, (route, method)
        for code in ("401", "403"):
            error = responses[code]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, (route, code)
        if method in ("post", "patch"):
            assert "requestBody" in operation, (route, method)
            assert "400" in responses, (route, method)
        if "{id}" in route:
            assert "404" in responses, (route, method)


def test_the_error_body_and_key_shapes_are_described(planning_schema):
    schemas = planning_schema[0]["components"]["schemas"]
    assert set(schemas["Error"]["properties"]) == {"message", "code", "extra"}
    tree = schemas["StrategyTreeNode"]["properties"]
    assert tree["children"]["items"] == {"$ref": "#/components/schemas/StrategyTreeNode"}
    assert "results" in schemas["PaginatedActionList"]["properties"]
    assert {"milestones", "updates", "escalations"} <= set(schemas["ActionDetail"]["properties"])
    upload = planning_schema[0]["paths"][f"{PREFIX}evidence/"]["post"]["requestBody"]
    assert list(upload["content"]) == ["multipart/form-data"]
