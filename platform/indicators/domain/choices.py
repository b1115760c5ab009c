"""Vocabularies of an organisation's indicators and values (stored in the database)."""

from django.db import models


class UnitKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    NUMBER = "number", "Number"
    MONEY = "money", "Money"
    RATIO = "ratio", "Ratio or rate"
    TIME = "time", "Days or time"
    YES_NO = "yes_no", "Yes or no"


class RollupRule(models.TextChoices):
    """How sub-period values roll up to a quarter or year (mirrors `domain.calculation.Rollup`)."""

    SUM = "sum", "Sum of the periods"
    AVERAGE = "average", "Average of the periods"
    LAST = "last", "Last period's value"
    RECOMPUTE = "recompute", "Recomputed from numerator and denominator"


def default_rollup_rule(*, is_calculated: bool, unit_kind: str) -> RollupRule:
    """How a PI's periods combine into a year unless it says otherwise: a calculated PI is
    recomputed from its numerators and denominators; counts and money add up; a percentage,
    rate or time that is not calculated is averaged; a yes/no takes the latest answer. (A
    snapshot count, households in temporary accommodation on the last day, is set to "last"
    by hand: nothing in its definition says so.)"""
    if is_calculated:
        return RollupRule.RECOMPUTE
    if unit_kind in (UnitKind.NUMBER, UnitKind.MONEY):
        return RollupRule.SUM
    if unit_kind == UnitKind.YES_NO:
        return RollupRule.LAST
    return RollupRule.AVERAGE


class OutOfRangePolicy(models.TextChoices):
    REFUSE = "refuse", "Refuse the value"
    CONFIRM = "confirm", "Accept only with a confirmation and note"


class ToleranceKind(models.TextChoices):
    RELATIVE = "relative", "Percentage of the target"
    ABSOLUTE = "absolute", "Absolute amount"


class ValueState(models.TextChoices):
    """What was recorded. `missing` and `not_due` are never stored: they are derived from the
    absence of a row and the period's due date."""

    ENTERED = "entered", "Entered"
    NOT_COLLECTED = "not_collected", "Not collected"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class WorkflowStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"


class SubAreaKind(models.TextChoices):
    WARD = "ward", "Ward"
    LOCALITY = "locality", "Locality"
    DEMOGRAPHIC_GROUP = "demographic_group", "Demographic group"
    OTHER = "other", "Other"


class AuditAction(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DELETED = "deleted", "Deleted"
    RETIRED = "retired", "Retired"
    REACTIVATED = "reactivated", "Reactivated"
    CATALOGUE_VERSION_ACCEPTED = "catalogue_version_accepted", "Catalogue version accepted"
    VALUE_ENTERED = "value_entered", "Value entered"
    VALUE_CHANGED = "value_changed", "Value changed"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    SENT_BACK = "sent_back", "Sent back"
    REOPENED = "reopened", "Reopened"
    TARGET_SET = "target_set", "Target set"
    TARGET_DELETED = "target_deleted", "Target deleted"
    BASELINE_SET = "baseline_set", "Baseline set"
    SPC_BASELINE_SET = "spc_baseline_set", "SPC limits baseline set"
    SPC_BASELINE_CLEARED = "spc_baseline_cleared", "SPC limits baseline cleared"
    COST_PAIRING_SET = "cost_pairing_set", "Cost measure paired"
    COST_PAIRING_CLEARED = "cost_pairing_cleared", "Cost measure unpaired"
    COMMENTARY_ADDED = "commentary_added", "Commentary added"
    SETTINGS_CHANGED = "settings_changed", "Settings changed"


class YearBasis(models.TextChoices):
    """Which year an annual PI reports on (values of `core.periods.PeriodType`)."""

    FINANCIAL_YEAR = "financial_year", "Financial year (April to March)"
    CALENDAR_YEAR = "calendar_year", "Calendar year"
    ACADEMIC_YEAR = "academic_year", "Academic year (September to August)"


class CostMeasure(models.TextChoices):
    """What a PI's paired cost PI measures (see `domain.cost`)."""

    SPEND = "spend", "Spend in the period (unit cost = spend / this PI's value)"
    UNIT_COST = "unit_cost", "Unit cost already (cost per unit of activity)"
