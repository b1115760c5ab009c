"""Benchmarking clubs, their members, indicators, consents and comparator groups (public schema)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.core.periods import PERIOD_TYPE_FOR_FREQUENCY, PeriodType
from goldenthread.platform.indicators.domain.choices import RollupRule
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.tenants.models import Organisation

# The derived ranking table lives in its own module; importing it here registers its models.
from .rankings import RankingEntry, RankingMember, RankingPeriod  # noqa: F401

DEFAULT_MINIMUM_MEMBERS = 5
# With fewer than three, an anonymised member's figure is its only "other" member's figure.
ANONYMISED_MINIMUM_FLOOR = 3


def new_label_salt() -> str:
    return secrets.token_hex(32)


PERIOD_TYPE_CHOICES = [(t.value, t.label.capitalize()) for t in PeriodType]


class Club(models.Model):
    """A group of organisations comparing the same catalogue indicators under shared rules.

    `label_salt` keys the anonymous labels (see `domain.anonymity`); it is secret, random and
    never shown through any interface.
    """

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    administering_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="administered_clubs"
    )
    anonymised = models.BooleanField(
        default=True,
        help_text="Members see their own name and 'Authority A, B, …' for everyone else.",
    )
    minimum_members_with_data = models.PositiveSmallIntegerField(
        default=DEFAULT_MINIMUM_MEMBERS,
        validators=[MinValueValidator(1)],
        help_text="No figure for a period is shown until this many members have a value.",
    )
    embargo_until = models.DateField(
        null=True, blank=True, help_text="Results are hidden before this date."
    )
    label_salt = models.CharField(max_length=64, default=new_label_salt, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.anonymised and self.minimum_members_with_data < ANONYMISED_MINIMUM_FLOOR:
            raise ValidationError(
                {
                    "minimum_members_with_data": (
                        f"An anonymised club shows figures only from at least "
                        f"{ANONYMISED_MINIMUM_FLOOR} members; with fewer, a member could tell "
                        "whose figure is whose."
                    )
                }
            )

    def is_embargoed(self, today) -> bool:
        return self.embargo_until is not None and today < self.embargo_until


class ClubMembership(models.Model):
    """An organisation's membership of a club; leaving stamps `left_at` (kept for history)."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="club_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["club", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "organisation"],
                condition=Q(left_at__isnull=True),
                name="benchmarking_one_current_membership",
            )
        ]
        indexes = [models.Index(fields=["organisation", "club"])]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.club}"


class ClubIndicator(models.Model):
    """A catalogue indicator the club compares, and how members' periods are brought together.

    `comparison_period_type` is the period members are compared by. Members who publish
    shorter periods (months for a quarterly comparison) are rolled up by `rollup_rule` when it
    is set and every sub-period has a value; with no rule their values are left out with a
    reason. `rollup_factor` is used only to recompute a rate (100 for a percentage).
    """

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="indicators")
    catalogue_indicator = models.ForeignKey(
        CatalogueIndicator, on_delete=models.PROTECT, related_name="benchmarking_clubs"
    )
    comparison_period_type = models.CharField(max_length=24, choices=PERIOD_TYPE_CHOICES)
    rollup_rule = models.CharField(max_length=16, choices=RollupRule.choices, blank=True)
    rollup_factor = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("100"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["club", "catalogue_indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "catalogue_indicator"], name="benchmarking_one_indicator_per_club"
            )
        ]

    def __str__(self) -> str:
        return f"{self.catalogue_indicator.code} in {self.club}"

    @property
    def code(self) -> str:
        return self.catalogue_indicator.code

    @staticmethod
    def default_period_type(indicator: CatalogueIndicator) -> str:
        return PERIOD_TYPE_FOR_FREQUENCY[indicator.frequency].value


class ConsentTerms(models.TextChoices):
    """What a member was told about being named when it consented (the club's labelling
    then). Consent given under anonymity never covers being named."""

    ANONYMISED = "anonymised", "Anonymised (Authority A, B, …)"
    NAMED = "named", "By name"


class ClubConsent(models.Model):
    """A member's consent to compare one indicator in one club: the basis (type
    "club_consent", id = this row's id) on which its values are published to the store.
    Withdrawal stamps `withdrawn_at`; giving consent again creates a new row (a new basis).

    `terms` records whether the club was anonymised when the consent was given. An anonymised
    club that starts naming its members ends every active consent given under anonymity
    (`services.club_update_rules`): its values leave the comparisons until the member
    consents again, on named terms."""

    membership = models.ForeignKey(
        ClubMembership, on_delete=models.CASCADE, related_name="consents"
    )
    club_indicator = models.ForeignKey(
        ClubIndicator, on_delete=models.CASCADE, related_name="consents"
    )
    given_by = models.CharField(max_length=254)
    given_at = models.DateTimeField(default=timezone.now)
    # The safer terms by default: a consent of unknown terms is ended when the club is named.
    terms = models.CharField(
        max_length=16, choices=ConsentTerms.choices, default=ConsentTerms.ANONYMISED
    )
    withdrawn_by = models.CharField(max_length=254, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["membership", "club_indicator", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "club_indicator"],
                condition=Q(withdrawn_at__isnull=True),
                name="benchmarking_one_active_consent",
            )
        ]
        indexes = [models.Index(fields=["club_indicator", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.membership.organisation} consents to {self.club_indicator}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ComparatorGroup(models.Model):
    """A custom comparator group, defined by the club's administrators from its members."""

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="comparator_groups")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(Organisation, related_name="+", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["club", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["club", "name"], name="benchmarking_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class NearestNeighbour(models.Model):
    """One of an organisation's nearest statistical neighbours, in order (1 = nearest)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="nearest_neighbours"
    )
    neighbour = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    source = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "neighbour"], name="benchmarking_neighbour_once"
            ),
            models.UniqueConstraint(
                fields=["organisation", "position"], name="benchmarking_neighbour_position"
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("neighbour")),
                name="benchmarking_not_own_neighbour",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.neighbour} is neighbour {self.position} of {self.organisation}"


class ClubEventKind(models.TextChoices):
    CLUB_CREATED = "club_created", "Club set up"
    RULES_CHANGED = "rules_changed", "Rules changed"
    INDICATOR_ADDED = "indicator_added", "Indicator added"
    INDICATOR_REMOVED = "indicator_removed", "Indicator removed"
    MEMBER_ADDED = "member_added", "Member added"
    MEMBER_LEFT = "member_left", "Member left"
    MEMBER_REMOVED = "member_removed", "Member removed"
    CONSENT_GIVEN = "consent_given", "Consent given"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    GROUP_CREATED = "group_created", "Comparator group created"
    GROUP_DELETED = "group_deleted", "Comparator group deleted"
    NEIGHBOURS_IMPORTED = "neighbours_imported", "Nearest neighbours imported"


class ClubEvent(models.Model):
    """One change to a club, written by `history` in the transaction that made the change.

    Rows are only ever added. `actor` is the acting user's e-mail address (or `cli:<os user>`
    for the command line) and `actor_organisation` the organisation they acted for (none for
    the platform). `subject_organisation` is the member the change is about (joined, left,
    consented, …); who may see a row, and how much of it, is decided by
    `history_selectors.club_history_for`, never here. Names are copied as they were at the
    time, so the trail still reads after a rename or a deletion.
    """

    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32, choices=ClubEventKind.choices)
    actor = models.CharField(max_length=254, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    actor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_organisation_name = models.CharField(max_length=200, blank=True)
    subject_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_organisation_name = models.CharField(max_length=200, blank=True)
    indicator_code = models.CharField(max_length=32, blank=True)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["club", "-at", "-id"]),
            models.Index(fields=["club", "subject_organisation"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in club {self.club_id}"
