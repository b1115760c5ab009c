"""OpenTelemetry: traces for requests, Celery tasks and SQL, each span tagged with the
organisation it ran for.

The organisation goes on spans as an attribute, never on metric labels (high cardinality).
It is carried in a context variable set by the request middleware and the Celery task hooks,
and a span processor copies it onto every span as it starts, so SQL spans get it too.
"""

from __future__ import annotations

import contextvars
import logging

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

ORGANISATION_ATTRIBUTE = "goldenthread.organisation"
current_organisation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "goldenthread_organisation", default=None
)
logger = logging.getLogger(__name__)
_configured = False


class OrganisationSpanProcessor(SpanProcessor):
    """Adds the organisation (schema name) in force when a span starts."""

    def on_start(self, span, parent_context=None) -> None:
        organisation = current_organisation.get()
        if organisation:
            span.set_attribute(ORGANISATION_ATTRIBUTE, organisation)


def set_current_organisation(schema_name: str | None) -> contextvars.Token:
    token = current_organisation.set(schema_name)
    span = trace.get_current_span()
    if schema_name and span.is_recording():
        span.set_attribute(ORGANISATION_ATTRIBUTE, schema_name)
    return token


def _exporter(settings):
    name = settings.OTEL_TRACES_EXPORTER
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT
        return OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces" if endpoint else None)
    if name in {"none", ""}:
        return None
    raise ValueError(f"OTEL_TRACES_EXPORTER must be otlp, console or none, not {name!r}")


def configure() -> TracerProvider | None:
    """Install the tracer provider and instrumentations once per process."""
    global _configured
    if _configured:
        return None
    _configured = True
    from django.conf import settings
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.OTEL_SERVICE_NAME})
    )
    provider.add_span_processor(OrganisationSpanProcessor())
    exporter = _exporter(settings)
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument(tracer_provider=provider)
    CeleryInstrumentor().instrument(tracer_provider=provider)
    PsycopgInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    return provider
