"""Vocabularies of partnerships and their data-sharing agreements (stored in the database)."""

from django.db import models


class PartnershipType(models.TextChoices):
    LOCAL_STRATEGIC_PARTNERSHIP = "lsp", "Local strategic partnership"
    LOCAL_AREA_AGREEMENT = "laa", "Local area agreement"
    COMMUNITY_SAFETY = "community_safety", "Community safety partnership"
    HEALTH_AND_WELLBEING = "health_wellbeing", "Health and wellbeing"
    COUNTY_WIDE = "county_wide", "County-wide"
    OTHER = "other", "Other"


class MemberRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a reply"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn by the lead"


class SharedField(models.TextChoices):
    """What an agreement lets a party's published values carry (the publication store's
    grant fields)."""

    VALUES = "values", "Values"
    TARGETS = "targets", "Targets"
    COMMENTARY = "commentary", "Commentary"
    BREAKDOWNS = "breakdowns", "Breakdowns by area or group"


class LawfulBasis(models.TextChoices):
    """Why the parties may share: UK GDPR Article 6 where personal data could be involved,
    or a statement that only aggregate, non-personal statistics are shared."""

    NOT_PERSONAL = "not_personal", "Aggregate statistics only (no personal data)"
    PUBLIC_TASK = "public_task", "Public task (UK GDPR Art. 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR Art. 6(1)(c))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (UK GDPR Art. 6(1)(f))"
    CONSENT = "consent", "Consent (UK GDPR Art. 6(1)(a))"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "Awaiting acceptance"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded by an amendment"


# Once a version reaches one of these it never changes again.
FINAL_STATUSES = frozenset({VersionStatus.EXPIRED, VersionStatus.REVOKED, VersionStatus.SUPERSEDED})


class Aggregation(models.TextChoices):
    """How members' figures make the partnership figure."""

    SUM = "sum", "Sum of members' values"
    MEAN = "mean", "Mean of members' values"
    WEIGHTED = "weighted", "Mean weighted by each member's denominator"
    RECOMPUTE = "recompute", "Recomputed from members' numerators and denominators"
