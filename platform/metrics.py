"""OpenTelemetry metrics: requests, Celery tasks, publication lag and queue depth.

The organisation is never a metric attribute. With 2,000 organisations it would multiply
every time series by 2,000 (and pass the SDK's default limit of 2,000 streams per instrument,
after which points are folded into an overflow series). Measurements are *recorded* with the
organisation, but each instrument has a View that keeps only its own low-cardinality keys;
what a View drops stays on the exemplars the SDK samples from traced measurements
(`filtered_attributes`), next to the trace and span ids, so an operator can go from a slow
bucket to the organisation and the trace that landed in it.

The meter provider is this module's own and is not installed as the global one: the contrib
instrumentations (Django, Celery, psycopg) would otherwise record their own metrics through
the global provider, and the Django one puts the request's host (an organisation's domain)
on its data points.

Instruments:
- `http.server.request.duration` (histogram, s): method, route template, status class; its
  count per status class is the request rate and the error rate;
- `goldenthread.celery.task.duration` (histogram, s) and `goldenthread.celery.task.failures`
  (counter): by task name and outcome;
- `goldenthread.publication.lag` (histogram, s): from a value's approval to its row being
  committed in the publication store, where partners' reads see it;
- `goldenthread.celery.queue.length` (observable gauge): messages waiting in each queue on
  the broker, read when the metrics are collected.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource

from goldenthread.platform.telemetry import ORGANISATION_ATTRIBUTE

EXPORTERS = ("console", "otlp", "none")
METER_NAME = "goldenthread"

REQUEST_DURATION = "http.server.request.duration"
TASK_DURATION = "goldenthread.celery.task.duration"
TASK_FAILURES = "goldenthread.celery.task.failures"
PUBLICATION_LAG = "goldenthread.publication.lag"
QUEUE_LENGTH = "goldenthread.celery.queue.length"

METHOD = "http.request.method"
ROUTE = "http.route"
STATUS_CLASS = "http.response.status_class"
TASK_NAME = "celery.task.name"
OUTCOME = "celery.task.outcome"
QUEUE = "messaging.destination.name"

# The only attributes each instrument's data points may carry; anything else recorded on a
# measurement (the organisation) is left to the exemplars.
ALLOWED_ATTRIBUTES = {
    REQUEST_DURATION: {METHOD, ROUTE, STATUS_CLASS},
    TASK_DURATION: {TASK_NAME, OUTCOME},
    TASK_FAILURES: {TASK_NAME},
    PUBLICATION_LAG: set(),
    QUEUE_LENGTH: {QUEUE},
}
# Seconds. Requests: the semantic conventions' buckets. Publication lag: from a tenth of a
# second (a worker that is keeping up) to ten minutes (a backlog or a broker outage).
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
LAG_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
BUCKETS = {
    REQUEST_DURATION: REQUEST_BUCKETS,
    TASK_DURATION: TASK_BUCKETS,
    PUBLICATION_LAG: LAG_BUCKETS,
}

logger = logging.getLogger(__name__)
_provider: MeterProvider | None = None
_instruments: dict[str, object] = {}


def exporter_for(name: str, *, endpoint: str | None = None) -> MetricExporter | None:
    """The metric exporter named by OTEL_METRICS_EXPORTER; refuses a name it does not know,
    so that a typo does not silently switch metrics off."""
    name = (name or "none").strip().lower()
    if name == "console":
        return ConsoleMetricExporter()
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter(
            endpoint=f"{endpoint.rstrip('/')}/v1/metrics" if endpoint else None
        )
    if name == "none":
        return None
    raise ImproperlyConfigured(
        f"OTEL_METRICS_EXPORTER={name!r} is not supported: use one of {', '.join(EXPORTERS)}."
    )


def views() -> list[View]:
    result = []
    for instrument, keys in ALLOWED_ATTRIBUTES.items():
        buckets = BUCKETS.get(instrument)
        aggregation = ExplicitBucketHistogramAggregation(buckets) if buckets else None
        kwargs = {"aggregation": aggregation} if aggregation else {}
        result.append(View(instrument_name=instrument, attribute_keys=keys, **kwargs))
    return result


def build_provider(
    *, readers: Iterable[MetricReader] = (), service_name: str = "goldenthread"
) -> MeterProvider:
    """A meter provider with the platform's views and instruments; `readers` may be empty
    and attached later (`add_metric_reader`)."""
    global _provider
    provider = MeterProvider(
        metric_readers=list(readers),
        resource=Resource.create({"service.name": service_name}),
        views=views(),
    )
    meter = provider.get_meter(METER_NAME)
    _instruments.clear()
    _instruments[REQUEST_DURATION] = meter.create_histogram(
        REQUEST_DURATION, unit="s", description="Time to answer an HTTP request."
    )
    _instruments[TASK_DURATION] = meter.create_histogram(
        TASK_DURATION, unit="s", description="Time a Celery task ran, by outcome."
    )
    _instruments[TASK_FAILURES] = meter.create_counter(
        TASK_FAILURES, unit="{task}", description="Celery task runs that raised."
    )
    _instruments[PUBLICATION_LAG] = meter.create_histogram(
        PUBLICATION_LAG,
        unit="s",
        description="From a value's approval to its publication being committed.",
    )
    meter.create_observable_gauge(
        QUEUE_LENGTH,
        callbacks=[_observe_queue_lengths],
        unit="{message}",
        description="Messages waiting on the broker, by queue.",
    )
    _provider = provider
    return provider


def configure() -> MeterProvider:
    """Build the provider once per process with the exporter the settings name (fails at
    start-up on an unknown name) and hook the Celery task signals."""
    if _provider is not None:
        return _provider
    from django.conf import settings

    exporter = exporter_for(
        settings.OTEL_METRICS_EXPORTER, endpoint=settings.OTEL_EXPORTER_OTLP_ENDPOINT
    )
    readers = [PeriodicExportingMetricReader(exporter)] if exporter is not None else []
    provider = build_provider(readers=readers, service_name=settings.OTEL_SERVICE_NAME)
    _connect_celery_signals()
    return provider


def meter_provider() -> MeterProvider:
    return configure()


def add_metric_reader(reader: MetricReader) -> None:
    """Attach another reader (tests attach an `InMemoryMetricReader`)."""
    meter_provider().add_metric_reader(reader)


def _attributes(organisation: str | None, **attributes) -> dict:
    if organisation:
        attributes[ORGANISATION_ATTRIBUTE] = organisation
    return attributes


def _record(instrument: str, value: float, **attributes) -> None:
    recorder = _instruments.get(instrument)
    if recorder is None:  # metrics not configured in this process (a bare script)
        return
    if instrument == TASK_FAILURES:
        recorder.add(value, attributes=attributes)
    else:
        recorder.record(value, attributes=attributes)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def record_request(
    *, method: str, route: str, status: int, seconds: float, organisation: str | None
) -> None:
    _record(
        REQUEST_DURATION,
        seconds,
        **_attributes(
            organisation, **{METHOD: method, ROUTE: route, STATUS_CLASS: status_class(status)}
        ),
    )


def record_publication_lag(*, seconds: float, organisation: str | None) -> None:
    _record(PUBLICATION_LAG, max(seconds, 0.0), **_attributes(organisation))


# --- Celery -------------------------------------------------------------------------------
# Start times of the tasks running in this process (prefork: one at a time; threads: a few).
_task_started: dict[str, float] = {}


def _task_prerun(task_id=None, **_kwargs) -> None:
    _task_started[task_id] = time.perf_counter()


def _task_organisation(task) -> str | None:
    # From the message header, as the schema switch reads it: the context variable the
    # tracing sets may already be reset, depending on the order signal receivers run in.
    from tenant_schemas_celery.app import get_schema_name_from_task

    return get_schema_name_from_task(task, None) if task is not None else None


def _task_postrun(task_id=None, task=None, state=None, **_kwargs) -> None:
    started = _task_started.pop(task_id, None)
    if started is None or task is None:
        return
    outcome = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}.get(
        state or "", (state or "unknown").lower()
    )
    _record(
        TASK_DURATION,
        time.perf_counter() - started,
        **_attributes(_task_organisation(task), **{TASK_NAME: task.name, OUTCOME: outcome}),
    )


def _task_failure(sender=None, **_kwargs) -> None:
    name = getattr(sender, "name", None) or "unknown"
    _record(TASK_FAILURES, 1, **_attributes(_task_organisation(sender), **{TASK_NAME: name}))


def _connect_celery_signals() -> None:
    from celery.signals import task_failure, task_postrun, task_prerun

    task_prerun.connect(_task_prerun, weak=False, dispatch_uid="goldenthread_metrics_prerun")
    task_postrun.connect(_task_postrun, weak=False, dispatch_uid="goldenthread_metrics_postrun")
    task_failure.connect(_task_failure, weak=False, dispatch_uid="goldenthread_metrics_failure")


# --- Queue depth --------------------------------------------------------------------------
def queue_names() -> list[str]:
    from goldenthread.platform.celery_app import app

    names = {app.conf.task_default_queue or "celery"}
    for queue in app.conf.task_queues or ():
        names.add(getattr(queue, "name", queue))
    return sorted(names)


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each queue: LLEN on a Redis broker (Celery keeps a queue as a
    list named after it), a passive declare elsewhere (RabbitMQ reports the count)."""
    from django.conf import settings

    from goldenthread.platform.core.health import REDIS_SCHEMES, _redis_client

    url = settings.CELERY_BROKER_URL
    names = queue_names()
    if url.startswith(REDIS_SCHEMES):
        client = _redis_client(url)
        return {name: int(client.llen(name)) for name in names}
    from kombu import Connection

    lengths = {}
    with Connection(url, connect_timeout=2) as conn:
        channel = conn.default_channel
        for name in names:
            lengths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
    return lengths


def _observe_queue_lengths(_options: CallbackOptions) -> list[Observation]:
    try:
        lengths = queue_lengths()
    except Exception as exc:  # noqa: BLE001 - a broker outage shows on /readyz, not here
        logger.warning("Could not read the queue lengths: %s", exc)
        return []
    return [Observation(length, {QUEUE: name}) for name, length in lengths.items()]
