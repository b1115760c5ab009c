"""Provisioning and lifecycle of organisations.

An organisation's schema is cloned from the template schema (`TENANT_BASE_SCHEMA`), which
`goldenthread migrate` keeps current, so provisioning costs a schema copy rather than a replay
of every migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.accounts.services import user_create
from goldenthread.platform.core.errors import Conflict, DomainError

from .models import Domain, Organisation, OrganisationStatus, OrganisationType
from .template_schema import clone_template_into


def organisation_host(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def schema_name_for(slug: str) -> str:
    return "org_" + re.sub(r"[^a-z0-9]", "_", slug)


@dataclass(frozen=True)
class ProvisionedOrganisation:
    organisation: Organisation
    administrator: User
    sign_in_url: str


def ensure_public_organisation() -> Organisation:
    """The row django-tenants routes the bare platform domain to (the public schema)."""
    public, _ = Organisation.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={
            "name": "Golden Thread platform",
            "slug": "platform",
            "type": OrganisationType.OTHER,
        },
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    return public


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    type: str,
    admin_email: str,
    admin_name: str,
    admin_password: str | None = None,
    ons_code: str = "",
    region: str = "",
    parent_county: Organisation | None = None,
    licensed_modules: list[str] | None = None,
    url_scheme: str = "http",
    port: int | None = None,
) -> ProvisionedOrganisation:
    """Create an organisation: its row, its schema (cloned from the template), its host and
    its first administrator. All or nothing: a failure leaves no row, schema or domain behind.
    """
    slug = slug.strip().lower()
    if Organisation.objects.filter(slug=slug).exists():
        raise Conflict(f"An organisation with the slug '{slug}' already exists.")
    organisation = Organisation(
        name=name.strip(),
        slug=slug,
        schema_name=schema_name_for(slug),
        type=type,
        ons_code=ons_code,
        region=region,
        parent_county=parent_county,
        licensed_modules=licensed_modules if licensed_modules is not None else ["performance"],
    )
    organisation.full_clean()
    organisation.save()
    clone_template_into(organisation.schema_name)
    host = organisation_host(slug)
    Domain.objects.create(domain=host, tenant=organisation, is_primary=True)
    with schema_context(organisation.schema_name):
        administrator = user_create(
            email=admin_email,
            full_name=admin_name,
            roles=[Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER],
            password=admin_password,
        )
    sign_in_url = f"{url_scheme}://{host}{f':{port}' if port else ''}/accounts/sign-in/"
    return ProvisionedOrganisation(organisation, administrator, sign_in_url)


def organisation_suspend(*, organisation: Organisation, reason: str) -> Organisation:
    if organisation.schema_name == get_public_schema_name():
        raise DomainError("The platform itself cannot be suspended.")
    if not reason.strip():
        raise DomainError("Give a reason for suspending the organisation.")
    organisation.status = OrganisationStatus.SUSPENDED
    organisation.status_reason = reason.strip()
    organisation.save(update_fields=["status", "status_reason"])
    return organisation


def organisation_resume(*, organisation: Organisation) -> Organisation:
    organisation.status = OrganisationStatus.ACTIVE
    organisation.status_reason = ""
    organisation.save(update_fields=["status", "status_reason"])
    return organisation


def current_schema() -> str:
    return connection.schema_name
