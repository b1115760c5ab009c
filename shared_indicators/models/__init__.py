"""The national indicator catalogue (public schema), read by every organisation."""

from __future__ import annotations

from django.db import models

from goldenthread.platform.core.choices import Frequency, Polarity


class CatalogueIndicator(models.Model):
    """The current definition of a national indicator. Each definition change adds a
    CatalogueIndicatorVersion and bumps `version`; organisations that adopted the indicator
    see the change rather than having it applied silently."""

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=500)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=120)
    polarity = models.CharField(max_length=8, choices=Polarity.choices)
    frequency = models.CharField(max_length=24, choices=Frequency.choices)
    decimal_places = models.PositiveSmallIntegerField(default=1)
    theme = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    retired = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CatalogueIndicatorVersion(models.Model):
    """One recorded definition of a catalogue indicator, kept for history."""

    indicator = models.ForeignKey(
        CatalogueIndicator, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField()
    definition_snapshot = models.JSONField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    source_file = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["indicator", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "version"], name="unique_indicator_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.version}"
