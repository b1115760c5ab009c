"""OpenAPI descriptions of the indicators API: the shapes the views answer with, the error
body, and the query parameters. Documentation only: the views build their answers with the
`*_output` functions, and `tests/platform/test_openapi.py` keeps the two in step."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.openapi import (  # noqa: F401 - `schema.errors` for the views
    errors,
    nullable_number,
    number,
    paginated,
)

from ..domain.choices import (
    OutOfRangePolicy,
    RollupRule,
    SubAreaKind,
    ToleranceKind,
    UnitKind,
    WorkflowStatus,
    YearBasis,
)

TAG = "indicators"


PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Items per page (up to 500)."),
]


def query(name: str, description: str, type_=OpenApiTypes.STR, **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


# --- PIs, areas, settings ---------------------------------------------------------------


class ServiceAreaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    calculation_notes = serializers.CharField()
    service_area = ServiceAreaRefSerializer(allow_null=True)
    owner_id = serializers.IntegerField(allow_null=True)
    verifier_id = serializers.IntegerField(allow_null=True)
    data_provider_ids = serializers.ListField(child=serializers.IntegerField())
    tags = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    unit_kind = serializers.ChoiceField(choices=UnitKind.choices)
    unit_label = serializers.CharField()
    polarity = serializers.ChoiceField(choices=Polarity.choices)
    band_lower = nullable_number()
    band_upper = nullable_number()
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    year_basis = serializers.ChoiceField(choices=YearBasis.choices)
    period_type = serializers.CharField(help_text="The type of the PI's periods, e.g. quarter.")
    decimal_places = serializers.IntegerField()
    is_calculated = serializers.BooleanField()
    numerator_label = serializers.CharField()
    denominator_label = serializers.CharField()
    factor = number()
    rollup_rule = serializers.ChoiceField(choices=RollupRule.choices)
    year_to_date = serializers.BooleanField()
    falls_back_to_annual_target = serializers.BooleanField()
    sub_area_ids = serializers.ListField(child=serializers.IntegerField())
    valid_minimum = nullable_number()
    valid_maximum = nullable_number()
    whole_numbers = serializers.BooleanField()
    out_of_range_policy = serializers.ChoiceField(choices=OutOfRangePolicy.choices)
    tolerance_kind = serializers.ChoiceField(choices=ToleranceKind.choices, allow_null=True)
    tolerance_amount = nullable_number()
    commentary_required_when_off_target = serializers.BooleanField()
    due_day_of_following_month = serializers.IntegerField(allow_null=True)
    due_lag_months = serializers.IntegerField(allow_null=True)
    catalogue_code = serializers.CharField(allow_null=True)
    adopted_catalogue_version = serializers.IntegerField(allow_null=True)
    catalogue_update_available = serializers.BooleanField()
    latest_status = serializers.CharField(
        allow_null=True,
        help_text=(
            "Stored status of the PI's latest overall value (null while it has none); the "
            "same in the list and in the PI's own body."
        ),
    )


class ServiceAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()


class SubAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SubAreaKind.choices)
    name = serializers.CharField()
    code = serializers.CharField()
    archived = serializers.BooleanField(
        help_text="Archived: kept with its values, offered for nothing new."
    )


class PerformanceSettingsSerializer(serializers.Serializer):
    tolerance_kind = serializers.ChoiceField(choices=ToleranceKind.choices)
    tolerance_amount = number()
    due_day_of_following_month = serializers.IntegerField()
    due_lag_months = serializers.IntegerField()
    reminders_enabled = serializers.BooleanField()
    reminder_days_before_due = serializers.IntegerField()
    escalate_provider_after_days = serializers.IntegerField()
    escalate_owner_after_days = serializers.IntegerField()
    escalate_team_after_days = serializers.IntegerField()


INDICATOR_LIST_PARAMETERS = [
    query("q", "Words in the code or title."),
    query("service_area", "A service area's id.", OpenApiTypes.INT),
    query("owner", "The owner's user id.", OpenApiTypes.INT),
    query("data_provider", "A data provider's user id.", OpenApiTypes.INT),
    query("status", "Latest status, e.g. on_target, warning, off_target; missing = late."),
    query("due", "late or due_soon."),
    query("active", "true for active PIs, false for retired ones.", OpenApiTypes.BOOL),
    query("tag", "One of the PI's tags."),
    query("adopted", "true for PIs adopted from the national catalogue.", OpenApiTypes.BOOL),
    *PAGE_PARAMETERS,
]


# --- values --------------------------------------------------------------------------------


class StoredStatusSerializer(serializers.Serializer):
    status = serializers.CharField(
        allow_null=True, help_text="on_target, warning, off_target, data_only, not_collected, …"
    )
    target = nullable_number()
    warning_threshold = nullable_number()
    tolerance_kind = serializers.CharField(allow_null=True)
    tolerance_amount = nullable_number()
    polarity = serializers.CharField(allow_null=True)


class ValueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator_id = serializers.IntegerField()
    indicator_code = serializers.CharField()
    period = serializers.CharField(help_text="The period's code, e.g. '2025/26 Q1'.")
    period_type = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    sub_area_id = serializers.IntegerField(allow_null=True)
    value = nullable_number()
    numerator = nullable_number()
    denominator = nullable_number()
    state = serializers.CharField(help_text="entered, not_collected or not_applicable.")
    workflow_status = serializers.ChoiceField(choices=WorkflowStatus.choices)
    out_of_range_confirmed = serializers.BooleanField()
    out_of_range_note = serializers.CharField()
    returned_reason = serializers.CharField()
    entered_by_id = serializers.IntegerField(allow_null=True)
    entered_at = serializers.DateTimeField(allow_null=True)
    submitted_by_id = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_by_id = serializers.IntegerField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    status = StoredStatusSerializer()
    version = serializers.CharField(
        help_text="Changes whenever the value is saved; send it back as `version` when "
        "saving, to be refused (409 stale_value) instead of overwriting someone else's change."
    )


class ComparedValueSerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True)
    value = nullable_number()
    trend = serializers.CharField(
        help_text="improving, no_change, getting_worse, increasing, decreasing, not_comparable."
    )


class ValueWithTrendsSerializer(ValueSerializer):
    previous = ComparedValueSerializer()
    same_period_last_year = ComparedValueSerializer()


class BulkValuesResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    values = ValueSerializer(many=True)


class CommentarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField()
    author_id = serializers.IntegerField(allow_null=True)
    author = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class DueValueSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    indicator_code = serializers.CharField()
    period = serializers.CharField()
    due_date = serializers.DateField()
    days_late = serializers.IntegerField()
    value_id = serializers.IntegerField(allow_null=True)


# --- targets -------------------------------------------------------------------------------


class TargetAdviceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="unambitious, unrealistic or inconsistent_profile")
    words = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator_id = serializers.IntegerField()
    period = serializers.CharField()
    period_type = serializers.CharField()
    sub_area_id = serializers.IntegerField(allow_null=True)
    value = number()
    note = serializers.CharField()
    set_by_id = serializers.IntegerField(allow_null=True)
    set_at = serializers.DateTimeField()
    advice = TargetAdviceSerializer(
        many=True,
        help_text="Advice on a target just set: unambitious (worse than current performance), "
        "unrealistic (well beyond the best achieved) or inconsistent with the year's profile. "
        "Never a refusal; empty when a target is read back.",
    )


class TargetProfileResultSerializer(serializers.Serializer):
    targets = TargetSerializer(many=True, help_text="The year's target first, then each period's.")


class BaselineSerializer(serializers.Serializer):
    period = serializers.CharField()
    sub_area_id = serializers.IntegerField(allow_null=True)
    value = number()
    note = serializers.CharField()


class BaselineListSerializer(serializers.Serializer):
    baselines = BaselineSerializer(many=True)


class TargetDeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


# --- readouts ------------------------------------------------------------------------------


class ReportCostSerializer(serializers.Serializer):
    cost_indicator = serializers.CharField(help_text="The cost PI's code.")
    measure = serializers.CharField(help_text="spend or unit_cost.")
    cost = nullable_number(help_text="The cost PI's figure for the period.")
    unit_cost = serializers.CharField(allow_null=True, help_text="To the penny, or null.")
    previous_unit_cost = serializers.CharField(allow_null=True)
    trend = serializers.CharField(help_text="Of the unit cost: falling is improving.")
    trend_label = serializers.CharField()


class ReportPersistenceSerializer(serializers.Serializer):
    off_target_periods = serializers.IntegerField(
        help_text="Periods in a row off target up to the latest by the period's end."
    )
    special_cause_concerning = serializers.BooleanField()


class DataQualityCellSerializer(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True, help_text="Percent; null if not assessed.")
    words = serializers.CharField(help_text="Good, Some concerns, Poor or Not yet assessed.")
    summary = serializers.CharField(help_text="The words with the failed checks.")
    failed = serializers.ListField(child=serializers.CharField())


class ForecastSerializer(serializers.Serializer):
    year = serializers.CharField(allow_null=True, help_text="The financial year forecast.")
    available = serializers.BooleanField()
    outturn = nullable_number(help_text="The projected year-end outturn.")
    low = nullable_number(help_text="The 80% interval's lower end.")
    high = nullable_number(help_text="The 80% interval's upper end.")
    probability = serializers.FloatField(
        allow_null=True, help_text="Chance (0-1) of meeting the annual target, by polarity."
    )
    words = serializers.CharField(
        help_text="Likely / Uncertain / Unlikely to meet the annual target, or why there is none."
    )
    method = serializers.CharField(allow_null=True)
    past_years = serializers.IntegerField(help_text="Whole past years the forecast used.")


class ReadingSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_label = serializers.CharField()
    value = nullable_number()
    state = serializers.CharField(help_text="entered, missing, not_due, not_collected, …")
    workflow_status = serializers.CharField(allow_null=True)
    complete = serializers.BooleanField(help_text="False when a rolled-up period lacks a part.")
    part_year = serializers.BooleanField(
        help_text="True for a year (or year to date) with a period missing: it is compared "
        "with the target of the periods it holds, never the whole year's."
    )


class ReportStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField(help_text="Words to show with the status, always.")
    icon = serializers.CharField()
    rag = serializers.CharField(allow_null=True, help_text="green, amber, red, or null.")
    warning_threshold = nullable_number()
    tolerance_kind = serializers.CharField(allow_null=True)
    tolerance_amount = nullable_number()


class TrendReadingSerializer(ReadingSerializer):
    trend = serializers.CharField()
    trend_label = serializers.CharField()
    trend_icon = serializers.CharField()


class ReportCommentarySerializer(serializers.Serializer):
    text = serializers.CharField()
    author = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class ReportYearSerializer(serializers.Serializer):
    year_to_date = ReadingSerializer()
    year_to_date_target = nullable_number()
    year_to_date_target_words = serializers.CharField()
    annual_target = nullable_number()
    outturn = ReadingSerializer(help_text="Last year's whole-year figure.")


class ReportSubAreaSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField(help_text="ward, locality, demographic_group or other")
    current = ReadingSerializer()
    target = nullable_number()
    target_words = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()


class ReportRowSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    service_area = serializers.CharField(allow_null=True)
    polarity = serializers.ChoiceField(choices=Polarity.choices)
    decimal_places = serializers.IntegerField()
    current = ReadingSerializer()
    target = nullable_number()
    target_words = serializers.CharField(
        help_text='Why there is no target, e.g. "No year-to-date target"; else empty.'
    )
    status = ReportStatusSerializer()
    previous = TrendReadingSerializer()
    same_period_last_year = TrendReadingSerializer()
    commentary = ReportCommentarySerializer(allow_null=True)
    year = ReportYearSerializer(allow_null=True, help_text="With ?year_columns=true.")
    forecast = ForecastSerializer(
        allow_null=True, required=False, help_text="With ?forecast=true: the year-end forecast."
    )
    sub_areas = ReportSubAreaSerializer(many=True, help_text="With ?sub_areas=true.")
    cost = ReportCostSerializer(
        allow_null=True,
        required=False,
        help_text="With ?cost=true: the PI's cost and unit cost; null without a cost measure.",
    )
    data_quality = DataQualityCellSerializer(
        required=False, help_text="With ?data_quality=true: the PI's data-quality score."
    )
    persistence = ReportPersistenceSerializer(
        required=False, help_text="With ?persistence=true: off target in a row, SPC concern."
    )


class ReportSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_label = serializers.CharField()
    rows = ReportRowSerializer(many=True)


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    indicator_id = serializers.IntegerField(allow_null=True)
    period = serializers.CharField(allow_null=True)
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    reason = serializers.CharField()


AUDIT_PARAMETERS = [
    query("object_type", "indicator, indicatorvalue, target, commentary, …"),
    query("object_id", "The changed object's id."),
    query("action", "e.g. value_entered, approved, target_set."),
    query("period", "A period code."),
    *PAGE_PARAMETERS,
]

REPORT_PERIOD = query("period", "The period's code, e.g. '2025/26 Q1'.", required=True)

IndicatorPage = paginated(IndicatorSerializer, "PaginatedIndicatorList")
ServiceAreaPage = paginated(ServiceAreaSerializer, "PaginatedServiceAreaList")
SubAreaPage = paginated(SubAreaSerializer, "PaginatedSubAreaList")
ValuePage = paginated(ValueSerializer, "PaginatedValueList")
ValueWithTrendsPage = paginated(ValueWithTrendsSerializer, "PaginatedValueWithTrendsList")
CommentaryPage = paginated(CommentarySerializer, "PaginatedCommentaryList")
DueValuePage = paginated(DueValueSerializer, "PaginatedDueValueList")
TargetPage = paginated(TargetSerializer, "PaginatedTargetList")
AuditPage = paginated(AuditEntrySerializer, "PaginatedAuditEntryList")


class BulkVerificationRefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The value's id, as asked.")
    message = serializers.CharField(help_text="Why this value was not changed.")
    code = serializers.CharField(
        help_text="named_verifier, self_approval, not_verifier, wrong_state, not_found, …"
    )


class BulkVerificationResultSerializer(serializers.Serializer):
    done_count = serializers.IntegerField()
    refused_count = serializers.IntegerField()
    done = ValueSerializer(
        many=True, help_text="The values approved (or sent back), in the order asked."
    )
    refused = BulkVerificationRefusalSerializer(
        many=True, help_text="The values left exactly as they were, each with the reason."
    )


# --- SPC -----------------------------------------------------------------------------------


class SpcBaselineSerializer(serializers.Serializer):
    first_period = serializers.CharField()
    last_period = serializers.CharField()
    reason = serializers.CharField()
    set_at = serializers.DateTimeField()


class SpcPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_label = serializers.CharField()
    value = serializers.CharField()
    moving_range = serializers.CharField(allow_null=True)
    in_baseline = serializers.BooleanField()
    rules = serializers.ListField(
        child=serializers.ChoiceField(["outside_limits", "shift", "trend", "two_of_three"])
    )
    rule_labels = serializers.ListField(child=serializers.CharField())


class SpcSerializer(serializers.Serializer):
    minimum_points = serializers.IntegerField()
    enough_points = serializers.BooleanField()
    mean = serializers.CharField(allow_null=True)
    average_moving_range = serializers.CharField(allow_null=True)
    upper_process_limit = serializers.CharField(allow_null=True)
    lower_process_limit = serializers.CharField(allow_null=True)
    upper_two_sigma = serializers.CharField(allow_null=True)
    lower_two_sigma = serializers.CharField(allow_null=True)
    target = serializers.CharField(allow_null=True)
    variation = serializers.CharField()
    variation_label = serializers.CharField()
    assurance = serializers.CharField()
    assurance_label = serializers.CharField()
    baseline = SpcBaselineSerializer(allow_null=True)
    baseline_problem = serializers.CharField(allow_blank=True)
    points = SpcPointSerializer(many=True)
