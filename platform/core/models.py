"""Abstract models shared by the tenant and the shared apps (no tables of its own)."""

from django.db import models


class PeriodFields(models.Model):
    """A period as stored: its stable code (see `core.periods`) plus type and dates, so that
    range queries never need to parse codes. Used by indicator values, targets and baselines
    (tenant schemas) and by partnership and cascaded targets (public schema)."""

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


class ChangeGeneration(models.Model):
    """The token of this schema's last committed write to a table a cached read is built from
    (one row, in every organisation schema and in public; `tenants.database.changes`). Not
    data: archives leave it out, and a restored organisation gets a new token when its rows
    are loaded."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.BigIntegerField()

    class Meta:
        db_table = "core_changegeneration"

    def __str__(self) -> str:
        return f"change generation {self.generation}"
