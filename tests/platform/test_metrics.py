"""OpenTelemetry metrics read through the SDK after real requests and real tasks: per route,
method and status class, never per organisation (the organisation reaches the exemplars)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured
from django_tenants.utils import schema_context

from goldenthread.platform import metrics
from goldenthread.platform.celery_app import app
from goldenthread.platform.telemetry import ORGANISATION_ATTRIBUTE
from tests.fixtures import probe_tasks
from tests.fixtures.worker import finished_tasks, wait_for

ME = {"http.request.method": "GET", "http.route": "/api/v1/me/"}


def test_requests_are_counted_per_route_and_status_class_never_per_organisation(
    org_a, org_b, make_user, client_for, read_metrics
):
    clients = [client_for(org, user=make_user(org).user) for org in (org_a, org_b)]
    before = read_metrics()

    # Given requests in two organisations to the same route, and one refused
    for client in clients:
        assert client.get("/api/v1/me/").status_code == 200
    assert client_for(org_a).get("/api/v1/me/").status_code in (401, 403)

    after = read_metrics()
    name = metrics.REQUEST_DURATION
    ok = {**ME, "http.response.status_class": "2xx"}
    refused = {**ME, "http.response.status_class": "4xx"}
    # Then both organisations' requests land in one series (nothing splits them) ...
    assert after.count(name, **ok) - before.count(name, **ok) == 2
    assert after.count(name, **refused) - before.count(name, **refused) == 1
    # ... no data point of any instrument carries an organisation ...
    assert after.all_points()
    for point in after.all_points():
        assert ORGANISATION_ATTRIBUTE not in point.attributes, point
        assert not any("org_" in str(value) for value in point.attributes.values()), point
    # ... and the exemplars do, with the trace of the request they sampled
    exemplars = [e for e in after.point(name, **ok).exemplars if e.filtered_attributes]
    organisations = {e.filtered_attributes[ORGANISATION_ATTRIBUTE] for e in exemplars}
    assert organisations <= {org_a.schema_name, org_b.schema_name}
    assert organisations
    assert all(e.trace_id and e.span_id for e in exemplars)


def test_the_route_is_the_url_pattern_not_the_path(org_a, make_user, client_for, read_metrics):
    client = client_for(org_a, user=make_user(org_a).user)
    missing = f"/no-such-page-{uuid.uuid4().hex}/"
    client.get(missing)
    client.get("/api/v1/indicators/987654/")  # matched, then not found

    routes = {p.attributes["http.route"] for p in read_metrics().points(metrics.REQUEST_DURATION)}
    assert "unmatched" in routes
    assert not any(missing.strip("/") in route for route in routes)
    assert not any("987654" in route for route in routes)
    assert "/api/v1/indicators/<int:pk>/" in routes


def test_probes_are_not_measured(db, client_for, read_metrics):
    from django.test import Client

    Client(HTTP_HOST="192.0.2.10:8000").get("/livez")
    routes = {p.attributes["http.route"] for p in read_metrics().points(metrics.REQUEST_DURATION)}
    assert "/livez" not in routes


@pytest.mark.worker
def test_a_real_task_is_timed_and_a_failing_one_counted(
    celery_worker, session_organisations, read_metrics
):
    duration, failures = metrics.TASK_DURATION, metrics.TASK_FAILURES
    ok = {"celery.task.name": "tests.probe.record_schema", "celery.task.outcome": "success"}
    failed = {"celery.task.name": "tests.probe.fail", "celery.task.outcome": "failure"}
    before = read_metrics()

    with finished_tasks() as finished, schema_context(session_organisations["beta"].schema_name):
        ran = probe_tasks.record_schema.delay()
        broke = probe_tasks.fail.delay()
        wait_for(lambda: ran.id in finished and broke.id in finished, what="both tasks")

    after = read_metrics()
    assert after.count(duration, **ok) - before.count(duration, **ok) == 1
    assert after.count(duration, **failed) - before.count(duration, **failed) == 1
    name_only = {"celery.task.name": "tests.probe.fail"}
    assert after.count(failures, **name_only) - before.count(failures, **name_only) == 1
    assert after.point(duration, **ok).sum > 0
    for point in after.points(duration) + after.points(failures):
        assert ORGANISATION_ATTRIBUTE not in point.attributes


@pytest.fixture
def unconsumed_queue():
    """A queue no worker listens to, declared in the app's configuration as an operator's
    extra queue would be; its list is removed afterwards."""
    from kombu import Queue

    name = f"gt-metrics-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_queues
    app.conf.task_queues = [Queue(app.conf.task_default_queue or "celery"), Queue(name)]
    try:
        yield name
    finally:
        app.conf.task_queues = previous
        from django.conf import settings

        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(name)


def test_queue_depth_is_read_from_the_broker_per_queue(db, unconsumed_queue, read_metrics):
    for _ in range(3):
        app.send_task("tests.probe.record_schema", queue=unconsumed_queue)

    reading = read_metrics()
    assert reading.point(metrics.QUEUE_LENGTH, **{metrics.QUEUE: unconsumed_queue}).value == 3
    assert reading.point(metrics.QUEUE_LENGTH, **{metrics.QUEUE: "celery"}) is not None


def test_an_unreachable_broker_reports_no_queue_depth_rather_than_failing(db, settings):
    from tests.platform.core.test_health import closed_port

    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    assert metrics._observe_queue_lengths(None) == []


def test_the_metric_exporter_is_chosen_by_name():
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.sdk.metrics.export import ConsoleMetricExporter

    assert metrics.exporter_for("none") is None
    assert isinstance(metrics.exporter_for("Console"), ConsoleMetricExporter)
    otlp = metrics.exporter_for("otlp", endpoint="http://collector:4318/")
    assert isinstance(otlp, OTLPMetricExporter)
    assert otlp._endpoint == "http://collector:4318/v1/metrics"
    with pytest.raises(ImproperlyConfigured) as refused:
        metrics.exporter_for("prometheus")
    assert str(refused.value) == (
        "OTEL_METRICS_EXPORTER='prometheus' is not supported: use one of console, otlp, none."
    )


# A process configured as in development (console exporter) answers one real request and
# shuts its meter provider down, which flushes the console exporter to standard output.
CONSOLE_SCRIPT = """
import django
django.setup()
from django.test import Client
from goldenthread.platform import metrics
Client(HTTP_HOST="localhost").get("/no-such-page/")
metrics.meter_provider().shutdown()
"""


def test_metrics_appear_in_the_console_exporter(db):
    from django.db import connection

    database = connection.settings_dict
    env = {
        **os.environ,
        # The test database, where the run's fixtures committed the public host.
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "DJANGO_SETTINGS_MODULE": "goldenthread.platform.settings.test",
        "OTEL_METRICS_EXPORTER": "console",
        "OTEL_METRIC_EXPORT_INTERVAL": "600000",
    }
    result = subprocess.run(
        [sys.executable, "-c", CONSOLE_SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert '"name": "http.server.request.duration"' in result.stdout
    assert '"http.route": "unmatched"' in result.stdout
    assert '"http.response.status_class": "4xx"' in result.stdout


def test_the_platform_refuses_to_start_with_an_unknown_metric_exporter():
    env = {
        **os.environ,
        "OTEL_METRICS_EXPORTER": "bogus",
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
    assert "OTEL_METRICS_EXPORTER='bogus' is not supported" in result.stderr
