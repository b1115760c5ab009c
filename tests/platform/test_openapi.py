"""The OpenAPI schema: generated without errors or warnings, every indicators operation
documented (request, responses, errors, bearer API keys), and the documented shapes matching
what the views really answer."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import yaml
from django.core.management import call_command
from django.urls import include
from django.urls import path as route
from django_tenants.utils import schema_context
from drf_spectacular.drainage import GENERATOR_STATS

from goldenthread.platform.accounts.rest.views import MeApi
from goldenthread.platform.indicators.rest import schema as docs

# The API this test answers for: who-am-I and the performance core. (Other areas' APIs are
# checked by their own tests; here they would only add their own warnings.)
urlpatterns = [
    route(
        "api/v1/",
        include(
            [
                route("me/", MeApi.as_view(), name="api-me"),
                route("indicators/", include("goldenthread.platform.indicators.rest.urls")),
            ]
        ),
    )
]


def spectacular(tmp_path, *arguments: str) -> dict:
    """The schema as `goldenthread spectacular --validate --fail-on-warn` writes it; the
    command raises SchemaGenerationError on any error or warning."""
    path = tmp_path / "schema.yaml"
    # The warnings of earlier generations in this process (e.g. by another test) would count.
    GENERATOR_STATS.reset()
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(path),
        *arguments,
        stderr=io.StringIO(),
    )
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="module")
def openapi(tmp_path_factory) -> dict:
    return spectacular(tmp_path_factory.mktemp("openapi"), "--urlconf", __name__)


def indicator_operations(openapi: dict):
    for path, methods in openapi["paths"].items():
        if path.startswith("/api/v1/indicators/"):
            for method, operation in methods.items():
                yield path, method, operation


def test_the_schema_generates_and_validates_with_no_warnings(openapi):
    assert openapi["openapi"].startswith("3.")
    assert len(list(indicator_operations(openapi))) >= 38
    assert "/api/v1/me/" in openapi["paths"]


def test_the_sites_schema_has_no_warnings_from_these_views():
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    GENERATOR_STATS.enable_trace_lineno()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    reported = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    ours = [
        message
        for message in reported
        if "platform/indicators/" in message
        or "platform/accounts/" in message
        or "ApiCredentialAuthentication" in message
    ]
    assert ours == []


# Operations with two documented successes, and why: archiving a sub-area that holds nothing
# deletes it (204, nothing left to show); otherwise the changed sub-area (200).
TWO_OUTCOMES = {"indicators_sub_areas_update": ["200", "204"]}


def test_every_indicators_operation_is_documented(openapi):
    ids = []
    for path, method, operation in indicator_operations(openapi):
        ids.append(operation["operationId"])
        assert operation["tags"] == ["indicators"], path
        assert operation.get("summary"), (path, method)
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        if operation["operationId"] in TWO_OUTCOMES:
            assert success == TWO_OUTCOMES[operation["operationId"]], (path, method)
            continue
        assert len(success) == 1, (path, method)
        if success != ["204"]:
            assert "$ref" in responses[success[0]]["content"]["application/json"]["schema"]
        error = responses["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}
        if method in ("post", "patch", "put") and not path.endswith("accept-catalogue-version/"):
            assert "requestBody" in operation, (path, method)
    assert len(ids) == len(set(ids))  # no numbered collisions


def test_the_bearer_api_key_is_the_documented_authentication(openapi):
    scheme = openapi["components"]["securitySchemes"]["apiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "Authorization: Bearer" in scheme["description"]
    _, _, operation = next(indicator_operations(openapi))
    assert {"apiKey": []} in operation["security"]


def test_the_error_body_and_list_parameters_are_described(openapi):
    error = openapi["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"message", "code", "extra"}
    listing = openapi["paths"]["/api/v1/indicators/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"q", "service_area", "status", "due", "page", "page_size"} <= names
    report = openapi["paths"]["/api/v1/indicators/report/"]["get"]
    period = next(p for p in report["parameters"] if p["name"] == "period")
    assert period["required"] is True


def test_the_schema_is_served_on_an_organisations_host(org_a, client_for):
    response = client_for(org_a).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "apiKey" in json.loads(response.content)["components"]["securitySchemes"]


def _fields(serializer_class) -> set[str]:
    return set(serializer_class().fields)


def _sample_outputs(officer, provider) -> dict[str, dict]:
    """One of each answer the indicators views give, built by the views' own functions."""
    from goldenthread.platform.core.periods import parse_period
    from goldenthread.platform.indicators.models import AuditEntry, PerformanceSettings
    from goldenthread.platform.indicators.rest.indicators import (
        indicator_output,
        settings_output,
        sub_area_output,
    )
    from goldenthread.platform.indicators.rest.readouts import audit_output, row_output
    from goldenthread.platform.indicators.rest.targets import baseline_output, target_output
    from goldenthread.platform.indicators.rest.values import (
        commentary_output,
        due_output,
        value_output,
    )
    from goldenthread.platform.indicators.selectors.due import DueItem
    from goldenthread.platform.indicators.selectors.report import performance_report
    from goldenthread.platform.indicators.services.indicators import (
        indicator_create,
        sub_area_create,
    )
    from goldenthread.platform.indicators.services.targets import baseline_set, target_set
    from goldenthread.platform.indicators.services.values import commentary_add, value_enter

    pi = indicator_create(
        actor=officer,
        code="DOC 1",
        title="Documented",
        unit_kind="number",
        polarity="higher",
        frequency="quarterly",
        data_providers=[provider],
    )
    value = value_enter(actor=provider, indicator=pi, period_code="2024/25 Q1", value=5)
    target = target_set(actor=officer, indicator=pi, period_code="2024/25 Q1", value=6)
    baseline = baseline_set(actor=officer, indicator=pi, period_code="2023/24", value=4)
    note = commentary_add(actor=provider, indicator=pi, period_code="2024/25 Q1", text="Hi")
    area = sub_area_create(actor=officer, kind="ward", name="Docs Ward")
    row = performance_report(period_code="2024/25 Q1", indicator_ids=[pi.pk]).rows[0]
    return {
        "indicator": indicator_output(pi.pk),
        "value": value_output(value),
        "target": target_output(target),
        "baseline": baseline_output(baseline),
        "commentary": commentary_output(note),
        "sub_area": sub_area_output(area),
        "due": due_output(
            DueItem(
                indicator=pi, period=parse_period("2024/25 Q1"), due_date=date.today(), value=value
            )
        ),
        "settings": settings_output(PerformanceSettings.load()),
        "audit": audit_output(AuditEntry.objects.first()),
        "report_row": row_output(row),
    }


def test_documented_shapes_match_what_the_views_answer(org_a, make_user):
    officer = make_user(org_a, roles=["performance_officer"]).user
    provider = make_user(org_a, roles=["data_provider"]).user
    with schema_context(org_a.schema_name):
        answers = _sample_outputs(officer, provider)
    expected = {
        "indicator": docs.IndicatorSerializer,
        "value": docs.ValueSerializer,
        "target": docs.TargetSerializer,
        "baseline": docs.BaselineSerializer,
        "commentary": docs.CommentarySerializer,
        "sub_area": docs.SubAreaSerializer,
        "due": docs.DueValueSerializer,
        "settings": docs.PerformanceSettingsSerializer,
        "audit": docs.AuditEntrySerializer,
        "report_row": docs.ReportRowSerializer,
    }
    for name, serializer_class in expected.items():
        documented = _fields(serializer_class)
        # A field documented as not required (e.g. a report row's forecast, only with
        # ?forecast=true) may be absent; nothing undocumented may be present.
        optional = {n for n, f in serializer_class().fields.items() if not f.required}
        assert documented - optional <= set(answers[name]) <= documented, name
    assert set(answers["value"]["status"]) == _fields(docs.StoredStatusSerializer)
    row = answers["report_row"]
    assert set(row["current"]) == _fields(docs.ReadingSerializer)
    assert set(row["status"]) == _fields(docs.ReportStatusSerializer)
    assert set(row["previous"]) == _fields(docs.TrendReadingSerializer)
    assert set(row["commentary"]) == _fields(docs.ReportCommentarySerializer)
