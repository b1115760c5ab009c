"""The whole site's OpenAPI schema, as /api/schema/ serves it: no generator warning or error,
and every operation summarised, with a unique id that names its area."""

from __future__ import annotations

from tests.openapi import operations, site_schema

# An operation's id starts with its area, which is also its one tag.
AREAS = (
    "indicators",
    "planning",
    "partnerships",
    "catalogue",
    "accounts",
    "notifications",
    "reporting",
    "archive",
    "support",
)


def test_the_site_schema_generates_without_a_single_warning_or_error():
    schema, complaints = site_schema()
    assert complaints == []
    assert sum(1 for _ in operations(schema)) >= 100


def test_every_operation_has_a_summary_and_an_id_prefixed_by_its_area():
    schema, _ = site_schema()
    unnamed, unsummarised, ids = [], [], []
    for route, method, operation in operations(schema):
        ids.append(operation["operationId"])
        area = operation["operationId"].split("_", 1)[0]
        if area not in AREAS or operation.get("tags") != [area]:
            unnamed.append((method, route, operation["operationId"], operation.get("tags")))
        if not operation.get("summary", "").strip():
            unsummarised.append((method, route))
    assert unnamed == []
    assert unsummarised == []
    assert len(ids) == len(set(ids))


def test_component_names_are_unique_and_name_what_each_view_answers():
    schema, _ = site_schema()
    components = schema["components"]["schemas"]
    answer = schema["paths"]["/api/v1/partnerships/indicators/{indicator_id}/targets/"]["post"]
    ref = answer["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    target = components[ref.rsplit("/", 1)[1]]
    assert set(target["properties"]) == {"indicator", "period_code", "value", "organisation_id"}
    indicator_target = components["Target"]
    assert "organisation_id" not in indicator_target["properties"]
