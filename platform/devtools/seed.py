"""The demo seed: fictional organisations, one user per role in each, a helpdesk user and the
national catalogue.

Idempotent by construction: every organisation and user is looked up first and only created
when missing, and nothing that exists is changed (a password someone changed in the demo stays
changed). Running it twice leaves the database as the first run did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services import user_create
from goldenthread.tenants.models import Module, Organisation
from goldenthread.tenants.services import ensure_public_organisation, organisation_create

from .catalogue_seed import seed_national_catalogue
from .demo_data import (
    CATALOGUE_SAMPLE,
    DEMO_ORGANISATIONS,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    HELPDESK_EMAIL,
    HELPDESK_NAME,
    DemoOrganisation,
    DemoPerson,
)
from .seeding import seed_content


@dataclass
class SeedReport:
    organisations_created: list[str] = field(default_factory=list)
    organisations_present: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    users_present: int = 0
    catalogue: str = ""
    catalogue_changed: bool = False
    content: list[str] = field(default_factory=list)
    content_changed: bool = False

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.organisations_created
            or self.users_created
            or self.catalogue_changed
            or self.content_changed
        )

    def lines(self) -> list[str]:
        return [
            f"organisations: {len(self.organisations_created)} created, "
            f"{len(self.organisations_present)} already present",
            f"users: {len(self.users_created)} created, {self.users_present} already present",
            self.catalogue,
            *self.content,
        ]


@transaction.atomic
def demo_seed(
    *,
    password: str = DEMO_PASSWORD,
    catalogue_path: Path | None = CATALOGUE_SAMPLE,
    content: bool = True,
) -> SeedReport:
    """Create whatever part of the demo data is missing; all or nothing.

    `catalogue_path=None` skips the catalogue; a path that does not exist is reported, not
    fatal, so the rest of the demo still comes up. `content` seeds the performance, planning,
    partnership and benchmarking content (see `seeding/`); it needs the catalogue's codes, and
    is skipped with a note when they are missing.
    """
    report = SeedReport()
    # Hashing is deliberately slow (about 0.7 s here) and the demo has ~50 users sharing one
    # published password, so hash it once and give every new user that hash.
    password_hash = make_password(password)
    ensure_public_organisation()
    with schema_context(get_public_schema_name()):
        _ensure_user(
            email=HELPDESK_EMAIL,
            full_name=HELPDESK_NAME,
            roles=(),
            password_hash=password_hash,
            is_staff=True,
            report=report,
        )
    # The catalogue goes first: a bad file then fails fast, before any schema is cloned.
    if catalogue_path is None:
        report.catalogue = "catalogue: skipped"
    elif not catalogue_path.exists():
        report.catalogue = f"catalogue: skipped, {catalogue_path} not found"
    else:
        report.catalogue, report.catalogue_changed = seed_national_catalogue(catalogue_path)
    for spec in DEMO_ORGANISATIONS:
        organisation = _ensure_organisation(spec, password_hash=password_hash, report=report)
        with schema_context(organisation.schema_name):
            for person in DEMO_PEOPLE:
                _ensure_person(
                    person, organisation=organisation, password_hash=password_hash, report=report
                )
    if content:
        report.content, report.content_changed = seed_content()
    return report


def _ensure_organisation(
    spec: DemoOrganisation, *, password_hash: str, report: SeedReport
) -> Organisation:
    existing = Organisation.objects.filter(slug=spec.slug).first()
    if existing is not None:
        report.organisations_present.append(spec.slug)
        return existing
    parent = Organisation.objects.get(slug=spec.parent_slug) if spec.parent_slug else None
    administrator = DEMO_PEOPLE[0]
    provisioned = organisation_create(
        name=spec.name,
        slug=spec.slug,
        type=spec.type,
        ons_code=spec.ons_code,
        region=spec.region,
        parent_county=parent,
        admin_email=administrator.email(spec.slug),
        admin_name=administrator.full_name,
        # The demo shows the whole product: every organisation holds every module.
        licensed_modules=list(Module.values),
    )
    # The administrator lives in the new organisation's schema, not the current one.
    with schema_context(provisioned.organisation.schema_name):
        _give_password(provisioned.administrator, password_hash)
    report.organisations_created.append(spec.slug)
    report.users_created.append(f"{spec.slug}:{administrator.email(spec.slug)}")
    return provisioned.organisation


def _ensure_person(
    person: DemoPerson, *, organisation: Organisation, password_hash: str, report: SeedReport
) -> None:
    user = _ensure_user(
        email=person.email(organisation.slug),
        full_name=person.full_name,
        roles=person.roles,
        password_hash=password_hash,
        report=report,
        label=organisation.slug,
    )
    if user is not None and person.access_for_days is not None:
        user.access_expires_at = timezone.now() + timedelta(days=person.access_for_days)
        user.save(update_fields=["access_expires_at"])


def _ensure_user(
    *,
    email: str,
    full_name: str,
    roles: tuple[str, ...],
    password_hash: str,
    report: SeedReport,
    is_staff: bool = False,
    label: str = "public",
) -> User | None:
    """Create the user in the current schema unless present; returns the new user or None."""
    if User.objects.filter(email=email).exists():
        # The administrator is created by provisioning; count it once, as created there.
        if f"{label}:{email}" not in report.users_created:
            report.users_present += 1
        return None
    user = user_create(email=email, full_name=full_name, roles=list(roles), is_staff=is_staff)
    _give_password(user, password_hash)
    report.users_created.append(f"{label}:{email}")
    return user


def _give_password(user: User, password_hash: str) -> None:
    user.password = password_hash
    user.save(update_fields=["password"])
