"""Field helpers shared by the performance models."""

from django.db import models

# Enough for money in pounds with pence, rates per 100,000 and percentages at 6 places.
MAX_DIGITS = 20
DECIMAL_PLACES = 6


def amount_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)
