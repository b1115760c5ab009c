"""Addresses in e-mails: always on the organisation's own host."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.urls import reverse


def organisation_base_url() -> str:
    """https://<the organisation's primary host> (http in development), '' if it has none."""
    from goldenthread.tenants.models import Domain

    domain = (
        Domain.objects.filter(tenant__schema_name=connection.schema_name, is_primary=True)
        .values_list("domain", flat=True)
        .first()
    )
    scheme = "https" if settings.SESSION_COOKIE_SECURE else "http"
    return f"{scheme}://{domain}" if domain else ""


def organisation_name() -> str:
    """The name of the organisation whose schema is in use ('' in the public schema). Read
    from its row: a task or `schema_context` knows only the schema, not the organisation."""
    from goldenthread.tenants.models import Organisation

    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "")
    if name:
        return name
    return (
        Organisation.objects.filter(schema_name=connection.schema_name)
        .values_list("name", flat=True)
        .first()
        or ""
    )


def absolute(base_url: str, path: str) -> str:
    return f"{base_url}{path}" if path.startswith("/") else path


def unsubscribe_url(base_url: str, token: str) -> str:
    return absolute(base_url, reverse("notifications:unsubscribe", kwargs={"token": token}))
