"""Organisations (one PostgreSQL schema each) and the hosts that select them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin


class OrganisationType(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"
    POLICE = "police", "Police force"
    FIRE = "fire", "Fire and rescue service"
    HEALTH = "health", "Health body"
    VOLUNTARY = "voluntary", "Voluntary sector body"
    PARISH = "parish", "Parish or town council"
    OTHER = "other", "Other"


COUNCIL_TYPES = frozenset(
    {
        OrganisationType.COUNTY,
        OrganisationType.DISTRICT,
        OrganisationType.UNITARY,
        OrganisationType.METROPOLITAN_DISTRICT,
        OrganisationType.LONDON_BOROUGH,
    }
)

# ONS GSS code prefixes by council type (E10 county, E07 district, ...).
ONS_PREFIX_BY_TYPE = {
    OrganisationType.COUNTY: "E10",
    OrganisationType.DISTRICT: "E07",
    OrganisationType.UNITARY: "E06",
    OrganisationType.METROPOLITAN_DISTRICT: "E08",
    OrganisationType.LONDON_BOROUGH: "E09",
}


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire_humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class Module(models.TextChoices):
    PERFORMANCE = "performance", "Performance indicators"
    PLANNING = "planning", "Plans, actions and risks"
    PARTNERSHIPS = "partnerships", "Partnerships"
    BENCHMARKING = "benchmarking", "Benchmarking"


slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$",
    "Use 3 to 42 lower-case letters, digits and hyphens, starting with a letter.",
)
ons_code_validator = RegexValidator(r"^[EWSN]\d{8}$", "An ONS area code looks like E07000123.")

RESERVED_SLUGS = frozenset(
    {"www", "api", "admin", "helpdesk", "static", "media", "public", "mail", "new"}
)


class Organisation(TenantMixin):
    """A council or partner body. Its data lives in its own schema, named `schema_name`."""

    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=42, unique=True, validators=[slug_validator])
    type = models.CharField(max_length=32, choices=OrganisationType.choices)
    ons_code = models.CharField(
        "ONS area code", max_length=9, blank=True, validators=[ons_code_validator]
    )
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    parent_county = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="districts",
        limit_choices_to={"type": OrganisationType.COUNTY},
    )
    status = models.CharField(
        max_length=16, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE
    )
    status_reason = models.CharField(max_length=500, blank=True)
    licensed_modules = models.JSONField(default=list, blank=True)
    # Created by accepting a partnership's invitation, not by the helpdesk: a small body
    # (parish council, voluntary group) licensed for partnerships only, whose administrator
    # may approve its own submissions (see partnerships.services.light_partners).
    is_light_partner = models.BooleanField(default=False)
    # Administrators always need MFA; this makes everyone in the organisation need it.
    mfa_required_for_everyone = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are created by the provisioning service (cloned from the template), never as a
    # side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"], condition=~models.Q(ons_code=""), name="unique_ons_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_suspended(self) -> bool:
        return self.status == OrganisationStatus.SUSPENDED

    @property
    def licensed_modules_in_words(self) -> str:
        """ "Performance indicators, Partnerships": the modules by their names, never codes."""
        labels = dict(Module.choices)
        return ", ".join(labels.get(code, code) for code in self.licensed_modules or [])

    @property
    def is_council(self) -> bool:
        return self.type in COUNCIL_TYPES

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"'{self.slug}' is reserved for the platform."
        if self.parent_county_id and self.type != OrganisationType.DISTRICT:
            errors["parent_county"] = "Only a district council has a parent county."
        if self.parent_county_id and self.parent_county.type != OrganisationType.COUNTY:
            errors["parent_county"] = "The parent of a district must be a county council."
        prefix = ONS_PREFIX_BY_TYPE.get(self.type)
        if self.ons_code and prefix and not self.ons_code.startswith(prefix):
            errors["ons_code"] = (
                f"A {self.get_type_display().lower()} has an ONS code starting {prefix}."
            )
        unknown = set(self.licensed_modules or []) - set(Module.values)
        if unknown:
            errors["licensed_modules"] = f"Unknown modules: {', '.join(sorted(unknown))}."
        if errors:
            raise ValidationError(errors)


class Domain(DomainMixin):
    """A host name that selects an organisation (or the public schema)."""

    def __str__(self) -> str:
        return self.domain


class PlatformAuditAction(models.TextChoices):
    ORGANISATION_PROVISIONED = "organisation.provisioned", "Organisation provisioned"
    ORGANISATION_SUSPENDED = "organisation.suspended", "Organisation suspended"
    ORGANISATION_RESUMED = "organisation.resumed", "Organisation resumed"
    ORGANISATION_MODULES_CHANGED = "organisation.modules_changed", "Licensed modules changed"
    HELPDESK_API_KEY_ISSUED = "helpdesk.api_key_issued", "Helpdesk API key issued"
    HELPDESK_API_KEY_REVOKED = "helpdesk.api_key_revoked", "Helpdesk API key revoked"
    # Deleting an organisation (tenants.deletion): requested, cancelled in the grace
    # period, purged. The purge's record outlives the organisation's row.
    ORGANISATION_DELETION_REQUESTED = "organisation.deletion_requested", "Deletion requested"
    ORGANISATION_DELETION_CANCELLED = "organisation.deletion_cancelled", "Deletion cancelled"
    ORGANISATION_PURGED = "organisation.purged", "Organisation deleted (purged)"
    # A partnership's invitation accepted by a body not yet on the platform.
    LIGHT_PARTNER_CREATED = "organisation.light_partner_created", "Light partner created"
    # A user chose a password through an invitation's or reset's one-time link.
    ACCOUNT_PASSWORD_SET = "account.password_set", "Password set by its user"
    # Exports, imports, backups and restores (tenants/archive).
    EXPORT_REQUESTED = "organisation.export_requested", "Export requested"
    EXPORT_DOWNLOADED = "organisation.export_downloaded", "Export downloaded"
    ORGANISATION_IMPORTED = "organisation.imported", "Organisation imported from an archive"
    ORGANISATION_BACKED_UP = "organisation.backed_up", "Organisation backed up"
    ORGANISATION_RESTORED = "organisation.restored", "Organisation restored in place"
    ORGANISATION_RESTORED_COPY = "organisation.restored_copy", "Backup restored as a copy"
    RESTORED_COPY_DROPPED = "organisation.restored_copy_dropped", "Restored copy dropped"
    # Helpdesk support access (tenants.support): the organisation's grant and its end, and
    # break-glass (emergency access without a grant) asked, approved by a second staff
    # member, and ended (revoked, or its hours ran out).
    SUPPORT_ACCESS_GRANTED = "support.access_granted", "Support access granted"
    SUPPORT_ACCESS_REVOKED = "support.access_revoked", "Support access revoked"
    BREAK_GLASS_REQUESTED = "support.break_glass_requested", "Emergency access requested"
    BREAK_GLASS_APPROVED = "support.break_glass_approved", "Emergency access approved"
    BREAK_GLASS_ENDED = "support.break_glass_ended", "Emergency access ended"


class PlatformAuditEvent(models.Model):
    """A change the platform made to an organisation's lifecycle, and who asked for it; and
    the account events the vendor must be able to show it had no part in (a password set by
    its own user, what that ended).

    Lives in the public schema beside the organisations, so it survives whatever happens to
    an organisation's own schema. `actor` is the helpdesk user's e-mail address, `cli:<os
    user>` for the command line, or the user's own address for their account's events.
    """

    actor = models.CharField(max_length=254)
    action = models.CharField(max_length=64, choices=PlatformAuditAction.choices)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor}"


class HelpdeskApiKey(models.Model):
    """The mark that makes a public-schema API key a key for the helpdesk REST API.

    Only `tenants.services.helpdesk_api_key_issue` writes it, after the staff member proved
    a second factor there and then; the helpdesk API refuses any public-schema key without
    it. So a key issued any other way (or before MFA) cannot use the helpdesk API.
    """

    credential = models.OneToOneField(
        "accounts.ApiCredential", on_delete=models.CASCADE, related_name="helpdesk_key"
    )
    # How the second factor was proved at issue ("totp" or "security_key").
    proved_with = models.CharField(max_length=20)
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Helpdesk key {self.credential}"
