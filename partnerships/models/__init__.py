"""Partnerships, their members, data-sharing agreements and shared targets (public schema).

Nothing here holds another organisation's performance data: members' figures reach the
partnership only through the publication store (`shared_indicators.publication`), and only
while an active agreement version covers them.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.models import PeriodFields
from goldenthread.platform.core.periods import PERIOD_TYPE_FOR_FREQUENCY, PeriodType

from ..domain.choices import (
    Aggregation,
    InvitationStatus,
    LawfulBasis,
    MemberRole,
    PartnershipType,
    SharedField,
    VersionStatus,
)

AMOUNT = {"max_digits": 20, "decimal_places": 6}


class Partnership(models.Model):
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=24, choices=PartnershipType.choices)
    description = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="led_partnerships"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "A partnership cannot end before it starts."})


class PartnershipMember(models.Model):
    """An organisation's place in a partnership.

    `signatory_emails` names the organisation's users (by e-mail, since users live in the
    organisation's own schema) who may sign agreements for it besides its administrators.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="partnership_memberships"
    )
    role = models.CharField(max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    signatory_emails = ArrayField(models.EmailField(), default=list, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="unique_partnership_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.partnership_id} ({self.role})"


class PartnershipInvitation(models.Model):
    """The lead's invitation to an organisation to join a partnership.

    Nobody joins a partnership without saying so: the invited organisation's administrator
    accepts (naming its own signatories, starting from those the lead proposed) or declines
    on its own host. Only acceptance creates the `PartnershipMember`.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="partnership_invitations"
    )
    role = models.CharField(max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    proposed_signatory_emails = ArrayField(models.EmailField(), default=list, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.EmailField()
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.EmailField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=models.Q(status="pending"),
                name="unique_pending_partnership_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} invited to {self.partnership_id} ({self.status})"

    def clean(self) -> None:
        if self.role == MemberRole.LEAD:
            raise ValidationError(
                {"role": "A partnership has one lead, the organisation that formed it."}
            )


class DataSharingAgreement(models.Model):
    """An agreement between some members of a partnership; its terms live in its versions."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="agreements"
    )
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "title", "id"]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    """One version of an agreement's terms. Terms never change after the version leaves
    draft: an amendment is a new version, and this one stays on record."""

    agreement = models.ForeignKey(
        DataSharingAgreement, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=24, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    parties = models.ManyToManyField("tenants.Organisation", related_name="agreement_versions")
    indicator_codes = ArrayField(models.CharField(max_length=32), default=list)
    fields = ArrayField(models.CharField(max_length=12, choices=SharedField.choices), default=list)
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=24, choices=LawfulBasis.choices)
    retention_months = models.PositiveIntegerField(validators=[MaxValueValidator(1200)])
    delete_on_end = models.BooleanField(
        default=False,
        help_text="Delete what this version published once it ends, instead of only hiding it.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    # Set when the parties' existing values were queued for publication under this version
    # (at activation, or on its start date when it was signed in advance).
    publication_queued_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.EmailField(blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_agreement_version")
        ]
        indexes = [models.Index(fields=["status", "ends_on"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.agreement.title} v{self.number}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "An agreement cannot end before it starts."
        if not self.fields:
            errors["fields"] = "Choose at least one field to share (values, targets, …)."
        elif SharedField.VALUES not in self.fields:
            errors["fields"] = "An agreement that shares anything must share values."
        if not self.indicator_codes:
            errors["indicator_codes"] = "Name at least one indicator code the agreement covers."
        if errors:
            raise ValidationError(errors)


class AgreementAcceptance(models.Model):
    """A party's signature on a version, by one of its authorised signatories."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="acceptances"
    )
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signed_by_email = models.EmailField()
    signed_by_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["version", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="unique_acceptance_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} accepted {self.version_id}"


class PartnershipIndicator(models.Model):
    """An indicator the partnership reports on: a catalogue indicator (by its code) or one the
    partnership defines. Members contribute through their own PI carrying this code."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(max_length=32)
    catalogue_indicator = models.ForeignKey(
        "shared_indicators.CatalogueIndicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(max_length=500)
    definition = models.TextField(blank=True)
    unit_label = models.CharField(max_length=120, blank=True)
    polarity = models.CharField(max_length=8, choices=Polarity.choices)
    frequency = models.CharField(
        max_length=24, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    decimal_places = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(6)])
    aggregation = models.CharField(max_length=12, choices=Aggregation.choices)
    # Recomputed figures are numerator / denominator × factor (100 for a percentage).
    factor = models.DecimalField(**AMOUNT, default=Decimal("1"))
    tolerance_kind = models.CharField(max_length=12, default="relative")
    tolerance_amount = models.DecimalField(
        **AMOUNT, default=Decimal("5"), validators=[MinValueValidator(Decimal("0"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "code"], name="unique_partnership_indicator_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def period_type(self) -> PeriodType:
        return PERIOD_TYPE_FOR_FREQUENCY[self.frequency]

    @property
    def is_catalogue_based(self) -> bool:
        return self.catalogue_indicator_id is not None

    def clean(self) -> None:
        if self.tolerance_kind not in ("relative", "absolute"):
            raise ValidationError({"tolerance_kind": "A tolerance is relative or absolute."})
        if self.aggregation == Aggregation.RECOMPUTE and self.factor == 0:
            raise ValidationError({"factor": "A recomputed indicator's factor must not be zero."})


class PartnershipTarget(PeriodFields):
    """The partnership's own target for a shared indicator and period."""

    indicator = models.ForeignKey(
        PartnershipIndicator, on_delete=models.CASCADE, related_name="targets"
    )
    value = models.DecimalField(**AMOUNT)
    set_by = models.EmailField(blank=True)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_code"], name="unique_partnership_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_code}: {self.value}"


class CascadedTarget(PeriodFields):
    """A member's share of a partnership target (a county-wide target split by district)."""

    indicator = models.ForeignKey(
        PartnershipIndicator, on_delete=models.CASCADE, related_name="cascaded_targets"
    )
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(**AMOUNT)
    set_by = models.EmailField(blank=True)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period_start", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_code", "organisation"],
                name="unique_cascaded_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_code} {self.organisation_id}: {self.value}"


class SubmissionReminder(models.Model):
    """A reminder to a member that its contribution for a period is missing; sent once."""

    indicator = models.ForeignKey(
        PartnershipIndicator, on_delete=models.CASCADE, related_name="reminders"
    )
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    period_code = models.CharField(max_length=24)
    requested_by = models.EmailField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = ArrayField(models.EmailField(), default=list, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "period_code"], name="unique_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"reminder {self.indicator_id} {self.organisation_id} {self.period_code}"


from .light_partners import LightInvitationStatus, LightPartnerInvitation  # noqa: E402

__all__ = [
    "AgreementAcceptance",
    "AgreementVersion",
    "CascadedTarget",
    "DataSharingAgreement",
    "LightInvitationStatus",
    "LightPartnerInvitation",
    "Partnership",
    "PartnershipIndicator",
    "PartnershipInvitation",
    "PartnershipMember",
    "PartnershipTarget",
    "SubmissionReminder",
]
