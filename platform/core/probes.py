"""Liveness and readiness probes for orchestrators, answered before anything looks at the host.

An orchestrator (Kubernetes, a load balancer's health check) probes each instance by its
address, so the Host header is an IP address that is neither in ALLOWED_HOSTS nor an
organisation's host; with the HTTPS redirect on, a plain-HTTP probe would also be redirected.
So `ProbeMiddleware` sits first in MIDDLEWARE and answers two paths itself, for any host:

- `/livez`: the process is up and serving requests (no dependency is checked, so a database
  outage does not get every web process restarted);
- `/readyz`: the database and the broker answer (`core.health`); 503 naming the failing one,
  so the instance is taken out of rotation until they do.

`/healthz` stays as it was: the same readiness report on every organisation's host and the
public host, through the normal middleware. Answers carry no configuration and are never
cached.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from .health import check_health

LIVENESS_PATH = "/livez"
READINESS_PATH = "/readyz"


def liveness() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readiness() -> JsonResponse:
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


PROBES = {LIVENESS_PATH: liveness, READINESS_PATH: readiness}


class ProbeMiddleware:
    """Answers `/livez` and `/readyz` (GET or HEAD) whatever the Host header says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = probe()
        add_never_cache_headers(response)
        return response
