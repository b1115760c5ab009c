"""The support app's vocabularies (no tables)."""

from __future__ import annotations

from django.db import models


class AccessKind(models.TextChoices):
    GRANT = "grant", "Granted by the organisation"
    BREAK_GLASS = "break_glass", "Emergency access (break-glass)"


class AnnouncementKind(models.TextChoices):
    MAINTENANCE = "maintenance", "Planned maintenance"
    NEW_FEATURE = "new_feature", "New feature"
    NOTICE = "notice", "Notice"


class RequestKind(models.TextChoices):
    SUPPORT = "support", "Support request"
    SUGGESTION = "suggestion", "Improvement suggestion"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    UNDER_REVIEW = "under_review", "Under review"
    WAITING = "waiting", "Waiting for your reply"
    PLANNED = "planned", "Planned"
    RESOLVED = "resolved", "Resolved"
    DECLINED = "declined", "Not planned"


# The longest a grant may run, and the longest break-glass access (hours).
GRANT_MAX_DAYS = 14
BREAK_GLASS_MAX_HOURS = 4
BREAK_GLASS_REASON_MIN = 20
HANDOFF_SECONDS = 120
# The e-mail domain of the organisation-side accounts that helpdesk staff work through.
# `.invalid` can never receive mail (RFC 2606), so no reset link can reach such an account.
SUPPORT_EMAIL_DOMAIN = "support.goldenthread.invalid"
