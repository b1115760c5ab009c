"""A database that is briefly unavailable becomes "503, try again", never a stack trace.

PostgreSQL restarting (every backend is terminated: `57P01 admin_shutdown`), a connection
refused while it comes back, a deadlock that PostgreSQL broke by aborting us, a serialisation
failure: these are `OperationalError`s (or `InterfaceError` for a connection already closed),
and the right answer to each is the same: the transaction was rolled back by PostgreSQL, so
nothing was half-written, and the client should try again shortly. The client is told only
that, with `Retry-After` and the trace id; the exception (SQL, process ids) goes to the log.

Django turns any exception, in a view or a middleware, into a response through the root
URLconf's `handler500`, inside the `except` block, so `database_unavailable_or_server_error`
sees the exception in `sys.exc_info()`. REST views re-raise what DRF does not handle, and the
GraphQL view re-raises database errors out of its result (`graphql.core.views`), so the three
interfaces meet here. Other database errors (integrity, programming) are defects: a plain 500.
"""

from __future__ import annotations

import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults
from opentelemetry import trace

from .responses import error_body, wants_json

logger = logging.getLogger("goldenthread.unavailable")

RETRY_AFTER_SECONDS = 5
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)
MESSAGE = "The service is briefly unavailable; nothing was saved. Try again in a few seconds."


def is_transient_database_error(exc: BaseException | None) -> bool:
    """The exception, or one it was raised from, is a database error worth retrying."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, TRANSIENT_DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def current_trace_id() -> str:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.trace_id else ""


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for `exc`, logged (with its trace id and traceback) for the operators."""
    trace_id = current_trace_id()
    logger.error(
        "database unavailable (%s) on %s %s trace_id=%s",
        type(exc).__name__,
        request.method,
        request.path,
        trace_id or "-",
        exc_info=exc,
        extra={"trace_id": trace_id},
    )
    if wants_json(request):
        if request.path.startswith("/graphql"):
            extensions = {"code": "UNAVAILABLE", "retryAfter": RETRY_AFTER_SECONDS}
            if trace_id:
                extensions["traceId"] = trace_id
            body = {"errors": [{"message": MESSAGE, "extensions": extensions}]}
        else:
            body = error_body(
                MESSAGE,
                code="unavailable",
                extra={"retry_after": RETRY_AFTER_SECONDS, "trace_id": trace_id},
            )
        response = HttpResponse(json.dumps(body), status=503, content_type="application/json")
    else:
        # Rendered without the request: context processors would ask the database again.
        html = loader.get_template("503.html").render(
            {"retry_after": RETRY_AFTER_SECONDS, "trace_id": trace_id}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable_or_server_error(request: HttpRequest) -> HttpResponse:
    """`handler500` of every URLconf: 503 for a transient database error, else Django's 500."""
    exc = sys.exc_info()[1]
    if is_transient_database_error(exc):
        return unavailable_response(request, exc)
    return defaults.server_error(request)
