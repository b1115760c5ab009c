"""Invitations to bodies not yet on the platform (light partner organisations)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class LightInvitationStatus(models.TextChoices):
    PENDING = "pending", "Sent, not yet accepted"
    ACCEPTED = "accepted", "Accepted"
    WITHDRAWN = "withdrawn", "Withdrawn by the lead"


class LightPartnerInvitation(models.Model):
    """The lead's invitation, by e-mail, to a body that is not on the platform (a parish
    council, a voluntary group). Accepting it through the e-mailed link creates the body's
    partner-only organisation, makes it a member of the partnership and a party to a
    data-sharing agreement with the lead on the terms below (the lead's administrator signs
    them by inviting; the accepter signs by accepting).

    The link carries this row's id and `nonce`, signed; `nonce` changes nothing else and
    makes a link for one invitation useless for another. Single use: once accepted or
    withdrawn, the link answers that it has been used.
    """

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="light_invitations"
    )
    body_name = models.CharField(max_length=200)
    body_type = models.CharField(max_length=32)
    email = models.EmailField()
    contact_name = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    # The agreement offered: the partnership's indicators it covers and why.
    indicator_codes = ArrayField(models.CharField(max_length=32), default=list)
    purpose = models.TextField()
    nonce = models.CharField(max_length=64)
    status = models.CharField(
        max_length=12,
        choices=LightInvitationStatus.choices,
        default=LightInvitationStatus.PENDING,
    )
    invited_by = models.EmailField()
    invited_by_name = models.CharField(max_length=200, blank=True)
    invited_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # When the worker e-mailed the link: a second delivery of its task (the outbox's relay
    # re-sends what it cannot confirm) finds it set and sends no second link.
    mailed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)
    # SET_NULL: a light organisation deleted later leaves the invitation on record.
    organisation = models.ForeignKey(
        "tenants.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_version = models.ForeignKey(
        "partnerships.AgreementVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-invited_at", "-id"]
        indexes = [models.Index(fields=["partnership", "invited_at"])]

    def __str__(self) -> str:
        return f"{self.body_name} invited to {self.partnership_id} ({self.status})"
