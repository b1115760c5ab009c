from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..domain.choices import RequestKind, RequestStatus


class SupportRequest(models.Model):
    """A support request or improvement suggestion raised by a user of an organisation.

    The requester is a user of the organisation's schema: kept by id with a copy of their
    name and address (for replies by e-mail). Other organisations see a suggestion's subject
    and text only."""

    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="support_requests"
    )
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    subject = models.CharField(max_length=150)
    description = models.TextField(max_length=5000)
    page_url = models.CharField(max_length=500, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    requester_id = models.BigIntegerField()
    requester_name = models.CharField(max_length=200)
    requester_email = models.EmailField()
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "requester_id"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return self.subject


class SupportReply(models.Model):
    """A message on a request: from the helpdesk (`from_helpdesk`) or from its requester."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="replies")
    from_helpdesk = models.BooleanField()
    author_name = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    status_before = models.CharField(max_length=16, choices=RequestStatus.choices, blank=True)
    status_after = models.CharField(max_length=16, choices=RequestStatus.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Reply by {self.author_name}"


class SuggestionVote(models.Model):
    """One person of another organisation supports a suggestion."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE)
    user_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation", "user_id"], name="one_vote_each"
            )
        ]

    def __str__(self) -> str:
        return f"Vote for {self.request_id}"
