"""OpenTelemetry: traces for requests, Celery tasks and SQL, each span tagged with the
organisation it ran for.

The organisation (its schema name) goes on spans as the attribute `goldenthread.organisation`.
It is carried in a context variable set by `OrganisationSpanMiddleware` for requests and by
the Celery task hooks in `celery_app` for tasks, and `OrganisationSpanProcessor` copies it onto
every span as the span starts, so SQL spans inside a request or a task carry it too.

Metrics live in `platform.metrics`, on a meter provider of their own that is deliberately not
the global one (so the instrumentations' own metrics, which would carry an organisation's host,
stay no-ops). The organisation is never a metric attribute: with 2,000 organisations it would
multiply every time series by 2,000 and exceed the SDK's default cardinality limit of 2,000
streams per instrument. It reaches the exemplars instead, beside the trace id.
"""

from __future__ import annotations

import contextvars
import logging

from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

ORGANISATION_ATTRIBUTE = "goldenthread.organisation"
EXPORTERS = ("otlp", "console", "none")

current_organisation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "goldenthread_organisation", default=None
)
logger = logging.getLogger(__name__)
_provider: TracerProvider | None = None
_configured = False


class OrganisationSpanProcessor(SpanProcessor):
    """Adds the organisation (schema name) in force when a span starts."""

    def on_start(self, span, parent_context=None) -> None:
        organisation = current_organisation.get()
        if organisation:
            span.set_attribute(ORGANISATION_ATTRIBUTE, organisation)


def set_current_organisation(schema_name: str | None) -> contextvars.Token:
    """Make `schema_name` the organisation of the spans started from now on in this context,
    and tag the span already in progress (the request's or the task's), which started before
    the organisation was known."""
    token = current_organisation.set(schema_name)
    span = trace.get_current_span()
    if schema_name and span.is_recording():
        span.set_attribute(ORGANISATION_ATTRIBUTE, schema_name)
    return token


def exporter_for(name: str, *, endpoint: str | None = None) -> SpanExporter | None:
    """The span exporter named by OTEL_TRACES_EXPORTER; refuses anything it does not know,
    so that a typo does not silently switch tracing off."""
    name = (name or "none").strip().lower()
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces" if endpoint else None)
    if name == "none":
        return None
    raise ImproperlyConfigured(
        f"OTEL_TRACES_EXPORTER={name!r} is not supported: use one of {', '.join(EXPORTERS)}."
    )


def configure() -> TracerProvider | None:
    """Install the tracer provider and instrumentations once per process.

    Returns the provider the first time, None afterwards. OpenTelemetry allows the global
    tracer provider to be set only once per process; use `add_span_processor()` to attach
    more processors (tests attach an in-memory exporter that way).
    """
    global _configured, _provider
    if _configured:
        return None
    from django.conf import settings
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    # Fail before installing anything, so that a bad exporter name is a clear start-up error.
    exporter = exporter_for(
        settings.OTEL_TRACES_EXPORTER, endpoint=settings.OTEL_EXPORTER_OTLP_ENDPOINT
    )
    _configured = True
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.OTEL_SERVICE_NAME})
    )
    provider.add_span_processor(OrganisationSpanProcessor())
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _provider = provider
    # After `core.probes.ProbeMiddleware` (first in MIDDLEWARE): the instrumentation reads the
    # request's absolute URL, which refuses a probe's IP-address Host, and probes every few
    # seconds are not worth a trace each.
    DjangoInstrumentor().instrument(tracer_provider=provider, middleware_position=1)
    CeleryInstrumentor().instrument(tracer_provider=provider)
    PsycopgInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    return provider


def tracer_provider() -> TracerProvider:
    """The provider `configure()` installed (configuring it now if Django has not)."""
    configure()
    if _provider is None:
        raise RuntimeError("Telemetry is not configured in this process.")
    return _provider


def add_span_processor(processor: SpanProcessor) -> None:
    """Attach another span processor to the configured provider, e.g. an in-memory exporter
    in tests. It sees only spans started after it was attached."""
    tracer_provider().add_span_processor(processor)
