"""The ranking table: every club indicator's comparison, worked out when its data change.

Derived data (public schema, next to the published-values store). Nothing here is a source of
truth: each row is rebuilt from the clubs, the consents and the store by `refresh`, in the same
transaction as the change that made it stale, and `refresh.rebuild_everything` can recreate
all of it. A comparison then reads a page of rows by index instead of ranking every member's
value on every read (see `read`).

Security-relevant: the rows hold every member's figures and organisation id. They are read
only by `read.run`, which applies the club's minimum, the embargo (checked by the caller) and
the anonymisation before anything leaves the database; names and ids of other members never
leave the server.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

# Foreign keys that lead a unique constraint's columns need no index of their own.


class Figure(models.Field):
    """A PostgreSQL `numeric` without a fixed scale: a figure keeps the decimal places it was
    computed at (a value at the indicator's places, a median at one more), as the pure
    reference gives them; a fixed scale would pad or round them."""

    description = "Decimal number with its own scale"

    def db_type(self, connection) -> str:
        return "numeric"


def _figure(**kwargs) -> Figure:
    return Figure(**kwargs)


class RankingMember(models.Model):
    """A current member of the club, for one club indicator: its place in the member order
    (`position`: in an anonymised club the keyed-digest order of `domain.anonymity`, so the
    label is "Authority " + letters(position - 1); in a named club the order by name) and its
    active consent to compare the indicator, if any."""

    club_indicator = models.ForeignKey(
        "benchmarking.ClubIndicator", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField()
    consent_id = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["club_indicator", "organisation"], name="ranking_member_once"
            ),
            models.UniqueConstraint(
                fields=["club_indicator", "position"], name="ranking_member_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} at {self.position} in {self.club_indicator_id}"


class RankingPeriod(models.Model):
    """One period for which current, consenting members of the club published values of the
    indicator (granted under their consents), with the summary of those values.

    `aligned` periods are of the club indicator's comparison type and carry the figures;
    other periods (months in a quarterly comparison, say) are kept only as a count, so that a
    comparison overlapping them knows to take the pure path, which rolls up or excludes with
    a reason. `published` counts every such value, `count` those with a figure ("entered").
    `member_ids` lists the members with an entry, by id, and `consent_ids` their consents in
    the same order: what a comparison of the period reads, for the read log, in one row."""

    club_indicator = models.ForeignKey(
        "benchmarking.ClubIndicator", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period_type = models.CharField(max_length=24)
    period_start = models.DateField()
    period_end = models.DateField()
    period_code = models.CharField(max_length=24)
    aligned = models.BooleanField()
    published = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    median = _figure(null=True)
    mean = _figure(null=True)
    minimum = _figure(null=True)
    maximum = _figure(null=True)
    member_ids = ArrayField(models.BigIntegerField(), default=list)
    consent_ids = ArrayField(models.BigIntegerField(), default=list)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["club_indicator", "period_type", "period_start", "period_end"],
                name="ranking_period_once",
            )
        ]
        indexes = [
            models.Index(fields=["club_indicator", "period_start"], name="ranking_period_start")
        ]

    def __str__(self) -> str:
        return f"{self.club_indicator_id} {self.period_code}: {self.count} values"


class RankingEntry(models.Model):
    """One member's place in one aligned period: its value at the indicator's decimal places,
    competition rank (1 = best by polarity, ties share the best; null without polarity),
    quartile, distance from the median, and `place`, its 1-based row in the league table
    (by value in the better direction, then by member order), by which pages are read."""

    ranking_period = models.ForeignKey(
        RankingPeriod, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    consent_id = models.BigIntegerField()
    position = models.PositiveIntegerField()
    place = models.PositiveIntegerField()
    value = _figure()
    rank = models.PositiveIntegerField(null=True)
    quartile = models.PositiveSmallIntegerField(null=True)
    distance = _figure()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ranking_period", "place"], name="ranking_entry_place"),
            models.UniqueConstraint(
                fields=["ranking_period", "organisation"], name="ranking_entry_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} placed {self.place} in {self.ranking_period_id}"
