"""Field helpers shared by the performance models."""

from django.db import models

# Enough for money in pounds with pence, rates per 100,000 and percentages at 6 places.
MAX_DIGITS = 20
DECIMAL_PLACES = 6


def amount_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


class PeriodFields(models.Model):
    """A period as stored: its stable code (see `core.periods`) plus type and dates, so that
    range queries never need to parse codes."""

    period_code = models.CharField(max_length=24)
    period_type = models.CharField(max_length=24)
    period_start = models.DateField()
    period_end = models.DateField()

    class Meta:
        abstract = True

    def set_period(self, period) -> None:
        self.period_code = period.code
        self.period_type = str(period.type)
        self.period_start = period.start
        self.period_end = period.end
