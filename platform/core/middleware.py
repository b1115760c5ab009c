from __future__ import annotations

from django.db import connection

from goldenthread.platform import telemetry


class OrganisationSpanMiddleware:
    """Tags the request's trace with the organisation the host selected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = telemetry.set_current_organisation(connection.schema_name)
        try:
            return self.get_response(request)
        finally:
            telemetry.current_organisation.reset(token)
