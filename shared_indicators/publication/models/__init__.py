"""The published-values store (public schema): what members have published, the grants that
make each row visible under a basis, and the log of cross-organisation reads."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from ..domain.bases import AGREEMENT, BREAKDOWNS, CLUB_CONSENT, COMMENTARY, TARGETS, VALUES

MAX_DIGITS = 20
DECIMAL_PLACES = 6


def _amount(**kwargs) -> models.DecimalField:
    # The same precision as the performance core's values, so nothing is rounded on the way.
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


class BasisType(models.TextChoices):
    AGREEMENT = AGREEMENT, "Data-sharing agreement"
    CLUB_CONSENT = CLUB_CONSENT, "Benchmarking club consent"


class GrantedField(models.TextChoices):
    VALUES = VALUES, "Values"
    TARGETS = TARGETS, "Targets"
    COMMENTARY = COMMENTARY, "Commentary"
    BREAKDOWNS = BREAKDOWNS, "Breakdowns by area or group"


class PublishedValueState(models.TextChoices):
    ENTERED = "entered", "Entered"
    NOT_COLLECTED = "not_collected", "Not collected"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ReadInterface(models.TextChoices):
    PAGE = "page", "Page"
    REST = "rest", "REST API"
    GRAPHQL = "graphql", "GraphQL API"


class PublishedValue(models.Model):
    """One revision of an approved value as its organisation published it.

    The key is (organisation, indicator_code, period_code, sub_area_kind, sub_area_name); at most
    one revision per key is current. A correction adds a new revision and supersedes the old one
    (a restatement), so history is never overwritten.
    """

    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="published_values"
    )
    # The catalogue code for adopted PIs, otherwise the member's own code (partnership-defined).
    indicator_code = models.CharField(max_length=32)
    catalogue_indicator = models.ForeignKey(
        "shared_indicators.CatalogueIndicator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    indicator_title = models.CharField(max_length=500)
    unit = models.CharField(max_length=12)
    unit_label = models.CharField(max_length=120, blank=True)
    polarity = models.CharField(max_length=8)
    frequency = models.CharField(max_length=24)
    decimal_places = models.PositiveSmallIntegerField()

    period_code = models.CharField(max_length=24)
    period_type = models.CharField(max_length=24)
    period_start = models.DateField()
    period_end = models.DateField()
    # Blank for the whole area.
    sub_area_kind = models.CharField(max_length=24, blank=True)
    sub_area_name = models.CharField(max_length=200, blank=True)

    value = _amount(null=True, blank=True)
    numerator = _amount(null=True, blank=True)
    denominator = _amount(null=True, blank=True)
    value_state = models.CharField(
        max_length=16, choices=PublishedValueState.choices, default=PublishedValueState.ENTERED
    )
    # Stored only when some basis grants it; readers see it only through such a grant.
    target = _amount(null=True, blank=True)
    commentary = models.TextField(blank=True)

    source_value_id = models.BigIntegerField()
    approved_by_name = models.CharField(max_length=254, blank=True)
    approved_at = models.DateTimeField()
    published_at = models.DateTimeField()

    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "indicator_code", "period_start", "sub_area_kind", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "indicator_code",
                    "period_code",
                    "sub_area_kind",
                    "sub_area_name",
                ],
                condition=models.Q(is_current=True),
                name="unique_current_published_value",
            ),
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "indicator_code",
                    "period_code",
                    "sub_area_kind",
                    "sub_area_name",
                    "revision",
                ],
                name="unique_published_value_revision",
            ),
            models.CheckConstraint(
                condition=models.Q(is_current=True, superseded_at__isnull=True)
                | models.Q(is_current=False, superseded_at__isnull=False),
                name="published_value_superseded_iff_not_current",
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator_code", "period_start"],
                condition=models.Q(is_current=True),
                name="published_current_code_period",
            ),
        ]

    def __str__(self) -> str:
        area = f" {self.sub_area_name}" if self.sub_area_name else ""
        return (
            f"{self.organisation_id} {self.indicator_code} {self.period_code}{area} "
            f"r{self.revision}"
        )

    @property
    def key(self) -> tuple[int, str, str, str, str]:
        return (
            self.organisation_id,
            self.indicator_code,
            self.period_code,
            self.sub_area_kind,
            self.sub_area_name,
        )


class PublicationGrant(models.Model):
    """A published value is visible under one basis, for the fields the basis allows."""

    published_value = models.ForeignKey(
        PublishedValue, on_delete=models.CASCADE, related_name="grants"
    )
    basis_type = models.CharField(max_length=16, choices=BasisType.choices)
    # An AgreementVersion id or a ClubConsent id (no FK: publication does not know those apps).
    basis_id = models.BigIntegerField()
    fields = ArrayField(models.CharField(max_length=16, choices=GrantedField.choices))
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["published_value", "basis_type", "basis_id"],
                name="unique_grant_per_basis",
            )
        ]
        indexes = [models.Index(fields=["basis_type", "basis_id"], name="publication_grant_basis")]

    def __str__(self) -> str:
        return f"{self.published_value_id} via {self.basis_type} {self.basis_id}"


class CrossOrganisationRead(models.Model):
    """One read by an organisation of other organisations' published data, under bases of
    one type: a dashboard, a comparison, a page of an API.

    One row per read, whatever the number of owners, so that logging a comparison across a
    club of 400 costs one small INSERT: `owner_ids` (GIN-indexed) names the organisations whose
    data were read, `basis_ids` the basis each was read under (in the same order), `what` the
    indicator codes and periods read, and `what_by_owner` (keyed by owner id) what was read of
    an owner when it is less than `what`.

    Security-relevant: a row names every owner read, so it is shown to an owner only through
    `selectors.reads_of`, which gives that owner's own part and nothing about the others."""

    reader_organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    reader_user = models.CharField(max_length=254, blank=True)
    # No foreign keys in arrays; an owner is an organisation id, like the store's basis ids.
    owner_ids = ArrayField(models.BigIntegerField())
    basis_type = models.CharField(max_length=16, choices=BasisType.choices)
    basis_ids = ArrayField(models.BigIntegerField())
    basis_label = models.CharField(max_length=300)
    what = models.JSONField(default=dict)
    what_by_owner = models.JSONField(default=dict, blank=True)
    interface = models.CharField(max_length=8, choices=ReadInterface.choices)
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["-read_at", "-id"]
        indexes = [
            GinIndex(fields=["owner_ids"], name="publication_read_owners"),
            models.Index(fields=["reader_organisation", "read_at"], name="publication_read_reader"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_ids__len=models.F("basis_ids__len"), owner_ids__len__gt=0),
                name="publication_read_one_basis_per_owner",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.read_at:%Y-%m-%d %H:%M} {self.reader_organisation_id} read "
            f"{len(self.owner_ids)} organisations via {self.basis_type}"
        )


class OutboxMessage(models.Model):
    """A publication task to send to the broker, written in the transaction that makes it
    necessary (an approval, a consent given, an agreement made active).

    The transactional outbox (#16): sending straight to the broker after commit loses the
    message when the broker is down at that moment, and the user would see an error for an
    approval that did commit. So the message is a row first; after commit it is sent and the
    row deleted, and when sending fails the row stays until `tasks.relay_outbox` (every
    minute, on the worker) sends it once the broker is back. A message may be sent twice (sent,
    then the process dies before deleting the row): the publication tasks are idempotent.
    Public schema, so one relay finds every organisation's messages.

    Background jobs with a row and a poller (imports, report packs, exports, restores) use the
    same outbox through `core.jobs` with a `job_key`: their message is not deleted when sent
    but when the worker claims the job (`core.jobs.claim`), so the relay sends it again if
    the job has still not started `JOB_RESEND_AFTER_SECONDS` after it was sent (a message the
    broker lost, say). `sent_at` is when it was last handed to the broker."""

    schema_name = models.CharField(max_length=63)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # "<app label>.<model>:<pk>" of the job this message starts; empty for publication.
    job_key = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["schema_name", "job_key"],
                condition=~models.Q(job_key=""),
                name="outbox_job_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)} in {self.schema_name}"
