"""Per-request metrics, request id and access log line.

Sits right after the probes (which are neither measured nor logged: an orchestrator polls
them every few seconds) and inside the request's trace span (the Django instrumentation puts
its middleware in front of this one), so the metric's exemplar and the log line carry the
trace. The route is the URL pattern that matched (`api/v1/performance-indicators/<int:pk>/`),
never the raw path, which would make one time series per object; an unmatched path is
`unmatched`.
"""

from __future__ import annotations

import logging
import time

from django.http import HttpRequest, HttpResponse

from goldenthread.platform import logs, metrics

access_logger = logging.getLogger("goldenthread.request")
UNMATCHED = "unmatched"


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return "/" + (match.route or "").lstrip("^").replace("$", "")


def organisation_of(request: HttpRequest) -> str | None:
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "schema_name", None)


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = logs.request_id_from(request.headers.get(logs.REQUEST_ID_HEADER))
        request.request_id = request_id
        token = logs.current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_of(request)
            organisation = organisation_of(request)
            metrics.record_request(
                method=request.method,
                route=route,
                status=response.status_code,
                seconds=seconds,
                organisation=organisation,
            )
            response[logs.REQUEST_ID_HEADER] = request_id
            access_logger.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "organisation": organisation,
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
            return response
        finally:
            logs.current_request_id.reset(token)
