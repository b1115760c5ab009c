"""A person's notifications, their choices per kind, and the daily digests sent to them."""

from __future__ import annotations

from django.db import models

from ..domain.choices import DEFAULT_DELIVERY, Delivery, EmailState, Kind

user_fk = {"to": "accounts.User", "on_delete": models.CASCADE, "related_name": "+"}


class Notification(models.Model):
    """One event told to one person. `event_key` names the event (e.g. the audit entry of a
    value's transition): with the recipient it is unique, so an event retried or emitted
    twice is recorded — and e-mailed — once."""

    recipient = models.ForeignKey(**user_fk)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    event_key = models.CharField(max_length=120)
    # Words for people, made when the event happened: the in-app line and the e-mail's subject.
    title = models.CharField(max_length=300)
    # The details the e-mail templates show (names, periods, a reason), never internal ids.
    context = models.JSONField(default=dict, blank=True)
    # A path on the organisation's host: the thing the notification is about.
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=12, choices=EmailState.choices, default=EmailState.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "notifications.DigestEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="one_notification_per_event_and_person"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_state", "recipient"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"


class NotificationPreference(models.Model):
    """A person's choice for one kind; no row means the default (straight away)."""

    user = models.ForeignKey(**user_fk)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=DEFAULT_DELIVERY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class DigestEmail(models.Model):
    """The daily digest of one person for one day. Committed before the e-mail is sent, under
    a unique constraint, so a rerun of the day's task never sends a second one; the
    notifications it gathers point at it and are never gathered again."""

    recipient = models.ForeignKey(**user_fk)
    day = models.DateField()
    state = models.CharField(max_length=12, choices=EmailState.choices, default=EmailState.SENDING)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"], name="one_digest_per_person_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"digest of {self.day} to {self.recipient_id}"
