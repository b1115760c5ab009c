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


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy` (settings.PERMISSIONS_POLICY) to every response that has
    none: Django's SecurityMiddleware sets the other security headers but not this one."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
