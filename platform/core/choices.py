"""Vocabularies shared by the catalogue and every organisation's indicators."""

from django.db import models


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    NONE = "none", "No polarity"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    THREE_TIMES_A_YEAR = "three_times_a_year", "Three times a year"
    HALF_YEARLY = "half_yearly", "Half-yearly"
    ANNUAL = "annual", "Annual"
