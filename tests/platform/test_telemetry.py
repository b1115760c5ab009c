"""OpenTelemetry: request, SQL and task spans carry the organisation they ran for.

Spans are captured by an in-memory exporter attached to the provider the app configured at
start-up (the global tracer provider can be set only once per process).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_tenants.utils import schema_context
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from goldenthread.platform import telemetry
from goldenthread.platform.telemetry import ORGANISATION_ATTRIBUTE
from tests.fixtures import probe_tasks
from tests.fixtures.worker import wait_for


@pytest.fixture(scope="session")
def _span_exporter() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    telemetry.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def spans(_span_exporter) -> InMemorySpanExporter:
    _span_exporter.clear()
    yield _span_exporter
    _span_exporter.clear()


def server_spans(exporter) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.kind == SpanKind.SERVER]


def sql_spans(exporter) -> list[ReadableSpan]:
    return [
        s
        for s in exporter.get_finished_spans()
        if "db.system" in (s.attributes or {}) or "db.system.name" in (s.attributes or {})
    ]


@pytest.mark.parametrize("which", ["org_a", "org_b"])
def test_a_request_and_its_sql_carry_the_organisation_of_the_host(
    which, org_a, org_b, make_user, client_for, spans
):
    organisation = {"org_a": org_a, "org_b": org_b}[which]
    member = make_user(organisation)
    client = client_for(organisation, user=member.user)
    spans.clear()

    response = client.get("/")

    assert response.status_code == 200
    (server,) = server_spans(spans)
    assert server.attributes[ORGANISATION_ATTRIBUTE] == organisation.schema_name
    # The session and user lookups run after the host picked the schema
    queries = [s for s in sql_spans(spans) if ORGANISATION_ATTRIBUTE in s.attributes]
    assert len(queries) >= 2
    assert {s.attributes[ORGANISATION_ATTRIBUTE] for s in queries} == {organisation.schema_name}
    assert all(s.context.trace_id == server.context.trace_id for s in queries)


def test_the_public_host_is_tagged_public(db, client_for, spans):
    response = client_for(None).get("/")

    assert response.status_code == 200
    (server,) = server_spans(spans)
    assert server.attributes[ORGANISATION_ATTRIBUTE] == "public"


def test_consecutive_requests_do_not_leak_the_organisation(org_a, org_b, client_for, spans):
    client_for(org_a).get("/healthz")
    client_for(org_b).get("/healthz")

    tags = [s.attributes.get(ORGANISATION_ATTRIBUTE) for s in server_spans(spans)]
    assert tags == ["org_alpha", "org_beta"]
    assert telemetry.current_organisation.get() is None


@pytest.mark.worker
def test_a_celery_task_span_and_its_sql_carry_the_organisation(
    celery_worker, session_organisations, spans
):
    probe_tasks.clear()
    with schema_context(session_organisations["beta"].schema_name):
        probe_tasks.record_schema.delay()

    def task_span():
        return next(
            (
                s
                for s in spans.get_finished_spans()
                if s.kind == SpanKind.CONSUMER and "tests.probe.record_schema" in s.name
            ),
            None,
        )

    run = wait_for(task_span, what="the task's span")
    assert run.attributes[ORGANISATION_ATTRIBUTE] == "org_beta"
    in_task = [s for s in sql_spans(spans) if s.parent and s.parent.span_id == run.context.span_id]
    assert in_task, "the task's query should be traced"
    assert {s.attributes[ORGANISATION_ATTRIBUTE] for s in in_task} == {"org_beta"}


def test_the_exporter_is_chosen_by_name():
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    assert telemetry.exporter_for("none") is None
    assert telemetry.exporter_for("") is None
    assert isinstance(telemetry.exporter_for("console"), ConsoleSpanExporter)
    otlp = telemetry.exporter_for("OTLP", endpoint="http://collector:4318/")
    assert isinstance(otlp, OTLPSpanExporter)
    assert otlp._endpoint == "http://collector:4318/v1/traces"


def test_an_unknown_exporter_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured) as refused:
        telemetry.exporter_for("bogus")
    assert str(refused.value) == (
        "OTEL_TRACES_EXPORTER='bogus' is not supported: use one of otlp, console, none."
    )


def test_the_platform_refuses_to_start_with_an_unknown_exporter():
    env = {
        **os.environ,
        "OTEL_TRACES_EXPORTER": "bogus",
        "DJANGO_SETTINGS_MODULE": "goldenthread.platform.settings.test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "goldenthread.platform.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "OTEL_TRACES_EXPORTER='bogus' is not supported" in result.stderr


def test_no_meter_provider_is_installed():
    """The organisation must never be a metric label (see `telemetry`'s docstring). The
    platform's metrics use a provider of their own (`platform.metrics`), so no SDK meter
    provider is installed globally and the instrumentations' metrics (whose attributes include
    the organisation's host) are no-ops; this fails when one is installed globally."""
    from opentelemetry import metrics
    from opentelemetry.sdk.metrics import MeterProvider

    assert not isinstance(metrics.get_meter_provider(), MeterProvider)
