"""The vocabularies of notifications (no tables here)."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    """What a notification is about. Each person chooses a delivery per kind."""

    VALUE_SUBMITTED = "value_submitted", "A value is waiting for my approval"
    VALUE_SENT_BACK = "value_sent_back", "A value of mine was sent back"
    VALUE_APPROVED = "value_approved", "A value of mine was approved"
    VALUE_REOPENED = "value_reopened", "An approved value was reopened"
    VALUE_REMINDER = "value_reminder", "Reminders about values due or late"
    OVERDUE_ACTIONS = "overdue_actions", "The digest of overdue actions in my team"
    # Administrators only (tenants.support): the helpdesk opened emergency access.
    BREAK_GLASS_OPENED = "break_glass_opened", "Emergency helpdesk access was opened"
    # The requester (tenants.support): a reply or a new status on their own request.
    SUPPORT_REQUEST_ANSWERED = "support_request_answered", "The helpdesk answered my request"


# Kinds only an organisation's administrators receive: the settings page offers them to
# administrators only.
ADMINISTRATOR_KINDS = frozenset({Kind.BREAK_GLASS_OPENED})


class Delivery(models.TextChoices):
    """How a person wants the e-mails of one kind. The in-app list keeps every notification
    whatever they choose."""

    IMMEDIATE = "immediate", "E-mail me straight away"
    DIGEST = "digest", "One e-mail a day with everything"
    OFF = "off", "No e-mails"


class EmailState(models.TextChoices):
    """Where a notification's e-mail is. A claim moves PENDING to SENDING in one statement, so
    two workers (or a retried task) never both send it."""

    NONE = "none", "Not e-mailed"
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    IN_DIGEST = "in_digest", "Waiting for the daily digest"
    DIGESTED = "digested", "Sent in a daily digest"


# Every kind is e-mailed straight away until the person chooses otherwise: that is how the
# reminders and the overdue digest behaved before people could choose.
DEFAULT_DELIVERY = Delivery.IMMEDIATE


def email_state_for(delivery: str) -> str:
    """What a new notification's e-mail waits for, given the person's choice."""
    return {
        Delivery.IMMEDIATE: EmailState.PENDING,
        Delivery.DIGEST: EmailState.IN_DIGEST,
        Delivery.OFF: EmailState.NONE,
    }[Delivery(delivery)]
