"""Provisioning and lifecycle of organisations.

An organisation's schema is cloned from the template schema (`TENANT_BASE_SCHEMA`), which
`goldenthread migrate` keeps current, so provisioning costs a schema copy rather than a replay
of every migration. Every lifecycle change writes a `PlatformAuditEvent` in the same
transaction, whichever interface (helpdesk console, command line) asked for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.accounts.services import user_create
from goldenthread.platform.core.errors import Conflict, DomainError

from .models import (
    Domain,
    Organisation,
    OrganisationStatus,
    OrganisationType,
    PlatformAuditAction,
    PlatformAuditEvent,
)
from .template_schema import clone_template_into

SIGN_IN_PATH = "/accounts/sign-in/"

ADMINISTRATOR_ROLES = (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER)
DEFAULT_MODULES = ("performance",)


def organisation_host(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def schema_name_for(slug: str) -> str:
    return "org_" + re.sub(r"[^a-z0-9]", "_", slug)


def sign_in_url_for(host: str, *, url_scheme: str = "http", port: int | None = None) -> str:
    default_port = {"http": 80, "https": 443}.get(url_scheme)
    suffix = f":{port}" if port and port != default_port else ""
    return f"{url_scheme}://{host}{suffix}{SIGN_IN_PATH}"


def queue_invitation(*, organisation: Organisation, user_id: int, base_url: str) -> None:
    """E-mail the invitation once the organisation exists (after commit, through the outbox: a
    broker that is down delays it), from a worker running in the organisation's schema."""
    from goldenthread.platform.accounts.tasks import send_invitation_email
    from goldenthread.platform.core.outbox import queue_after_commit

    queue_after_commit(
        send_invitation_email, user_id, base_url, schema_name=organisation.schema_name
    )


@dataclass(frozen=True)
class ProvisionedOrganisation:
    """What provisioning tells the helpdesk: never a password or a set-password link (those
    go only to the administrator's mailbox)."""

    organisation: Organisation
    administrator: User
    sign_in_url: str


def platform_audit_record(
    *,
    actor: str,
    action: str,
    organisation: Organisation | None,
    detail: dict[str, Any] | None = None,
) -> PlatformAuditEvent:
    event = PlatformAuditEvent(
        actor=actor, action=action, organisation=organisation, detail=detail or {}
    )
    event.full_clean()
    event.save()
    return event


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


def _administrator_errors(*, email: str, full_name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["admin_email"] = [
            "Enter the administrator's e-mail address, like name@council.gov.uk."
        ]
    if not full_name.strip():
        errors["admin_name"] = ["Enter the administrator's name."]
    return errors


def _organisation_errors(organisation: Organisation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    # Uniqueness is checked below with messages a helpdesk user can act on; the database
    # constraints still hold against a race.
    try:
        # `parent_county` is left to Organisation.clean(), which says what is wrong with it
        # rather than the field check's bare "not a valid choice".
        organisation.full_clean(
            exclude=["parent_county"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "slug" not in errors:
        if Organisation.objects.filter(slug=organisation.slug).exists():
            errors["slug"] = [
                f"An organisation with the slug '{organisation.slug}' already exists."
            ]
        elif schema_exists(organisation.schema_name):
            errors["slug"] = [
                f"The schema {organisation.schema_name} already exists in the database; choose "
                "another slug or ask an engineer to remove the stray schema."
            ]
    if (
        organisation.ons_code
        and "ons_code" not in errors
        and Organisation.objects.filter(ons_code=organisation.ons_code).exists()
    ):
        errors["ons_code"] = [
            f"Another organisation already has the ONS code {organisation.ons_code}."
        ]
    return errors


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    type: str,
    admin_email: str,
    admin_name: str,
    ons_code: str = "",
    region: str = "",
    parent_county: Organisation | None = None,
    licensed_modules: list[str] | None = None,
    url_scheme: str = "http",
    port: int | None = None,
    actor: str = "system",
    invite_administrator: bool = True,
) -> ProvisionedOrganisation:
    """Create an organisation: its row, its schema (cloned from the template), its host and
    its first administrator, and record who did it.

    Every field problem is reported at once as a `ValidationError` keyed by field name
    (`slug`, `ons_code`, `admin_email`, ...), before anything is written. All or nothing: a
    failure after that point (a host already taken, a crash while creating the administrator)
    rolls back the row, the schema and the domain together, because PostgreSQL DDL is
    transactional.

    The administrator is invited (security-relevant): the account has no usable password until
    they choose one through a one-time link that only their mailbox receives — a worker makes
    the link and e-mails it after commit, in the new organisation's schema. Nobody chooses a
    password for them, and neither the result, the helpdesk page, the command's output nor the
    audit entry holds the link.
    """
    slug = slug.strip().lower()
    admin_email = admin_email.strip().lower()
    organisation = Organisation(
        name=name.strip(),
        slug=slug,
        schema_name=schema_name_for(slug),
        type=type,
        ons_code=ons_code.strip().upper(),
        region=region,
        parent_county=parent_county,
        licensed_modules=list(DEFAULT_MODULES if licensed_modules is None else licensed_modules),
    )
    errors = _organisation_errors(organisation)
    errors.update(_administrator_errors(email=admin_email, full_name=admin_name))
    if errors:
        raise ValidationError(errors)

    organisation.save()
    clone_template_into(organisation.schema_name)
    host = organisation_host(slug)
    try:
        with transaction.atomic():
            Domain.objects.create(domain=host, tenant=organisation, is_primary=True)
    except IntegrityError:
        raise ValidationError(
            {"slug": [f"The host {host} is already in use; choose another slug."]}
        ) from None
    sign_in_url = sign_in_url_for(host, url_scheme=url_scheme, port=port)
    site_url = sign_in_url.removesuffix(SIGN_IN_PATH)
    with schema_context(organisation.schema_name):
        administrator = user_create(
            email=admin_email, full_name=admin_name.strip(), roles=list(ADMINISTRATOR_ROLES)
        )
    # Not when the administrator is the person creating it, who chooses their password in
    # the same step (a light partner accepting its invitation: partnerships.light_partners).
    if invite_administrator:
        queue_invitation(organisation=organisation, user_id=administrator.pk, base_url=site_url)
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_PROVISIONED,
        organisation=organisation,
        detail={
            "slug": slug,
            "schema": organisation.schema_name,
            "host": host,
            "type": organisation.type,
            "administrator": administrator.email,
            # Where the set-password link went (only there); nobody was given a password.
            "invitation_sent_to": administrator.email if invite_administrator else "",
            "modules": organisation.licensed_modules,
        },
    )
    return ProvisionedOrganisation(
        organisation=organisation,
        administrator=administrator,
        sign_in_url=sign_in_url,
    )


@transaction.atomic
def organisation_suspend(
    *, organisation: Organisation, reason: str, actor: str = "system"
) -> Organisation:
    """Suspend an organisation: from now on its host shows a suspended page and its API
    answers 403 (see `OrganisationMiddleware`). Nothing in its schema is touched."""
    if organisation.schema_name == get_public_schema_name():
        raise DomainError("The platform itself cannot be suspended.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Give a reason for suspending the organisation."]})
    if organisation.is_suspended:
        raise Conflict(f"{organisation.name} is already suspended.")
    organisation.status = OrganisationStatus.SUSPENDED
    organisation.status_reason = reason
    organisation.full_clean()
    organisation.save(update_fields=["status", "status_reason"])
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_SUSPENDED,
        organisation=organisation,
        detail={"reason": reason},
    )
    return organisation


@transaction.atomic
def organisation_resume(*, organisation: Organisation, actor: str = "system") -> Organisation:
    """Give a suspended organisation its access back."""
    if not organisation.is_suspended:
        raise Conflict(f"{organisation.name} is not suspended.")
    previous_reason = organisation.status_reason
    organisation.status = OrganisationStatus.ACTIVE
    organisation.status_reason = ""
    organisation.save(update_fields=["status", "status_reason"])
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_RESUMED,
        organisation=organisation,
        detail={"previous_reason": previous_reason},
    )
    return organisation
