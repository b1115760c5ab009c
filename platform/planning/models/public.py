"""What an organisation publishes on its public performance pages (`/performance/`).

A `Publication` is one decision about one PI or one action: proposed by an officer, approved
by a different person (four eyes), shown no earlier than its embargo. Changing a decision
means proposing a new row; the approved one stays in force until the new one is approved
(then it is superseded), so editing never takes an item off the public pages by accident.
A `PreElectionPeriod` pauses publication: nothing that became public-worthy during it (a
decision approved, an embargo ending, a value approved) appears until it ends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

user_fk = {
    "to": settings.AUTH_USER_MODEL,
    "null": True,
    "blank": True,
    "on_delete": models.SET_NULL,
    "related_name": "+",
}


class PublicationState(models.TextChoices):
    PROPOSED = "proposed", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"
    SUPERSEDED = "superseded", "Replaced by a later decision"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Publication(models.Model):
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="publications",
    )
    action = models.ForeignKey(
        "planning.Action",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="publications",
    )
    # Values whose period starts on or after this date are published (older ones are not).
    values_from = models.DateField(null=True, blank=True)
    include_commentary = models.BooleanField(default=True)
    embargo_until = models.DateTimeField()
    state = models.CharField(
        max_length=12, choices=PublicationState.choices, default=PublicationState.PROPOSED
    )
    proposed_by = models.ForeignKey(**user_fk)
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(**user_fk)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(indicator__isnull=False, action__isnull=True)
                    | models.Q(indicator__isnull=True, action__isnull=False)
                ),
                name="publication_one_item",
            )
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        item = self.indicator or self.action
        return f"Publication of {item} ({self.get_state_display()})"


class PreElectionPeriod(models.Model):
    name = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(**user_fk)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="pre_election_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name
