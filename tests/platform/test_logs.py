"""Structured logs: a real request's log line is one JSON object carrying its trace, its
organisation and its request id."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from goldenthread.platform import logs, telemetry


@pytest.fixture(scope="session")
def _spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    telemetry.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def json_lines(_spans):
    """The JSON lines logged while the test runs, through the formatter production uses."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    _spans.clear()
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "goldenthread.request"]


def test_a_request_logs_one_json_line_with_its_trace_organisation_and_request_id(
    org_a, make_user, client_for, json_lines, _spans
):
    client = client_for(org_a, user=make_user(org_a).user)

    response = client.get("/api/v1/me/", HTTP_X_REQUEST_ID="lb-7f3a.42")

    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a.42"
    (line,) = access_lines(json_lines())
    (server,) = [s for s in _spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert line["level"] == "INFO"
    assert line["message"] == "GET /api/v1/me/ 200"
    assert line["organisation"] == org_a.schema_name
    assert line["request_id"] == "lb-7f3a.42"
    assert line["trace_id"] == f"{server.context.trace_id:032x}"
    assert re.fullmatch(r"[0-9a-f]{16}", line["span_id"])
    assert line["route"] == "/api/v1/me/" and line["status"] == 200
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert "exception" not in line


@pytest.mark.parametrize("sent", [None, "", "a b", "x" * 129, 'inject"\n{"level":"ERROR"}'])
def test_a_missing_or_unacceptable_request_id_is_replaced(sent, org_b, client_for, json_lines):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}

    response = client_for(org_b).get("/healthz", **headers)

    generated = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    (line,) = access_lines(json_lines())
    assert line["request_id"] == generated
    assert line["organisation"] == org_b.schema_name


def test_two_requests_get_different_ids(org_a, client_for):
    client = client_for(org_a)
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_an_exception_is_logged_with_its_traceback_on_the_same_line(json_lines):
    try:
        raise ValueError("bad figure")
    except ValueError:
        logging.getLogger("goldenthread.test").exception("Could not import")

    (line,) = [entry for entry in json_lines() if entry["logger"] == "goldenthread.test"]
    assert line["level"] == "ERROR" and line["message"] == "Could not import"
    assert "Traceback" in line["exception"] and "ValueError: bad figure" in line["exception"]
    # Outside a request and a trace, those fields are present and empty
    assert line["trace_id"] is None and line["request_id"] is None


def test_the_format_is_chosen_by_setting_and_an_unknown_one_refused():
    assert logs.logging_config("json")["formatters"]["default"] == {
        "()": "goldenthread.platform.logs.JsonFormatter"
    }
    assert "format" in logs.logging_config("TEXT")["formatters"]["default"]
    with pytest.raises(ImproperlyConfigured) as refused:
        logs.logging_config("xml")
    assert str(refused.value) == "LOG_FORMAT='xml' is not supported: use one of json, text."


def test_production_logs_json_and_development_text(monkeypatch):
    import importlib

    monkeypatch.delenv("LOG_FORMAT", raising=False)
    from goldenthread.platform.settings import base, development

    assert importlib.reload(base).LOG_FORMAT == "json"
    assert importlib.reload(development).LOG_FORMAT == "text"


def test_a_celery_worker_keeps_the_platform_log_format(monkeypatch):
    from goldenthread.platform.celery_app import app

    monkeypatch.setattr(app.log, "already_setup", False)  # as in a fresh worker process
    root = logging.getLogger()
    handlers = list(root.handlers)
    formatters = [h.formatter for h in handlers]

    # What a worker process runs at start-up to configure logging
    app.log.setup_logging_subsystem(loglevel="INFO")

    assert root.handlers == handlers
    assert [h.formatter for h in root.handlers] == formatters
