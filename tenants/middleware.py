"""Selects the organisation (schema) for each request from its host."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django_tenants.middleware.main import TenantMainMiddleware

from goldenthread.platform.core.door import organisation_on_host
from goldenthread.platform.core.responses import error_response

from .hosts import organisation_serving_host

API_PREFIXES = ("/api/", "/graphql")


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


class OrganisationMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, plus clear answers for unknown hosts and suspended
    organisations instead of a bare 404 or a stack trace.

    A suspended organisation's pages show a page saying so and its API answers 403: nothing
    in its schema is reachable while it is suspended, but the platform's own health check is.

    Security-relevant: this is where the request's organisation is resolved, once.
    `request.organisation` is the host's organisation, or None on the public host; the
    organisation door (`platform.core.door`) refuses the public host on that basis.
    """

    def get_tenant(self, domain_model, hostname):
        # django-tenants' own lookup compiles a select_related query on every request and
        # needs the search path switched to public first; this one does neither.
        organisation = organisation_serving_host(hostname)
        if organisation is None:
            raise domain_model.DoesNotExist(hostname)
        return organisation

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        request.organisation = None  # fails closed until a host has selected one
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        request.organisation = organisation_on_host(tenant)
        if getattr(tenant, "is_suspended", False) and request.path != "/healthz":
            return error_response(
                request,
                status=403,
                message=f"{tenant.name} is suspended on Golden Thread.",
                template="errors/suspended.html",
                context={"organisation": tenant},
                code="organisation_suspended",
            )
        return None

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        return error_response(
            request,
            status=404,
            message=f"No organisation is served at {hostname}.",
            template="errors/unknown_host.html",
            context={"hostname": hostname},
            code="unknown_host",
        )
