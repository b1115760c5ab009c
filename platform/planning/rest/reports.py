"""Read-only views: my items, exception lists, search, settings and the auditor log."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from .. import permissions
from ..models import AuditorAccessLog, PlanningSettings
from ..selectors.actions import actions_behind, decorate, overdue_actions
from ..selectors.exceptions import (
    overdue_by_person,
    overdue_trend,
    pis_off_target_without_action,
    pis_special_cause_concerning,
    with_insight,
)
from ..selectors.home import my_items
from ..selectors.home_parts import home_parts
from ..selectors.risks import risks_review_overdue
from ..selectors.search import search
from ..services.configuration import planning_settings_update
from .actions import ActionOutput
from .common import PlanningApi, input_data
from .risks import BandOutput, RiskOutput
from .schema import PAGE, READ, TAGS, WRITE, errors, query
from .schema import paginated as paginated_schema

LIMIT = 500


@extend_schema_serializer(component_name="PlanningIndicatorBrief")
class BriefIndicator(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    latest_status = serializers.CharField(allow_null=True)
    owner_id = serializers.IntegerField(allow_null=True)


@extend_schema_serializer(component_name="PlanningDataQuality")
class DataQualityOutput(serializers.Serializer):
    score = serializers.IntegerField(
        source="percent", allow_null=True, help_text="Percent; null if not assessed."
    )
    words = serializers.CharField(help_text="Good, Some concerns, Poor or Not yet assessed.")
    summary = serializers.CharField(help_text="The words with the failed checks and periods.")
    failed = serializers.ListField(child=serializers.CharField())


class _WithInsight(serializers.ListSerializer):
    """Reads the page's persistence and data quality for its PIs at once (`with_insight`:
    a fixed number of queries per page, whatever its size)."""

    def to_representation(self, data):
        return super().to_representation(with_insight(list(data)))


@extend_schema_serializer(component_name="PlanningIndicatorException")
class IndicatorException(BriefIndicator):
    off_target_periods = serializers.IntegerField(
        help_text="Periods in a row off target, up to the latest (0 when on target)."
    )
    special_cause_concerning = serializers.BooleanField(
        help_text="Whether the PI's SPC chart shows special cause concerning at its latest value."
    )
    data_quality = DataQualityOutput()

    class Meta:
        list_serializer_class = _WithInsight


@extend_schema_serializer(component_name="PlanningItemBrief")
class Brief(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


@extend_schema_serializer(component_name="MyItemToUpdate")
class ToUpdateOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["action", "risk", "value"])
    id = serializers.IntegerField()
    code = serializers.CharField()
    what = serializers.CharField(
        help_text="What is due: a milestone, the action, a review, a value."
    )
    when = serializers.DateField()


@extend_schema_serializer(component_name="MyItems")
class MyItemsOutput(serializers.Serializer):
    actions = ActionOutput(many=True, help_text="Open actions assigned to me.")
    overdue_action_ids = serializers.ListField(child=serializers.IntegerField())
    managed_needing_attention = ActionOutput(many=True)
    lead_councillor_actions = ActionOutput(many=True)
    risks = RiskOutput(many=True, help_text="Open risks I own.")
    overdue_review_risk_ids = serializers.ListField(child=serializers.IntegerField())
    indicators = BriefIndicator(many=True)
    strategy_nodes = Brief(many=True)
    plans = Brief(many=True)
    to_update = ToUpdateOutput(many=True, help_text="Soonest first.")


class MyItemsApi(PlanningApi):
    """The caller's own items: what they own, must update and by when, and what is overdue."""

    @extend_schema(
        operation_id="planning_my_items",
        summary="List what I own, must update, and is overdue",
        tags=TAGS,
        responses={200: MyItemsOutput, **errors(*READ)},
    )
    def get(self, request):
        # As on Home: only what the organisation's modules allow (PIs and values: performance).
        items = my_items(user=request.user, parts=home_parts(request))
        return Response(
            {
                "actions": ActionOutput(items.actions, many=True).data,
                "overdue_action_ids": [a.pk for a in items.overdue_actions],
                "managed_needing_attention": ActionOutput(items.managed_attention, many=True).data,
                "lead_councillor_actions": ActionOutput(items.councillor_actions, many=True).data,
                "risks": RiskOutput(items.risks, many=True).data,
                "overdue_review_risk_ids": [r.pk for r in items.overdue_reviews],
                "indicators": BriefIndicator(items.indicators, many=True).data,
                "strategy_nodes": Brief(items.nodes, many=True).data,
                "plans": Brief(items.plans, many=True).data,
                "to_update": [
                    {
                        "kind": entry["kind"],
                        "id": entry["item"].pk,
                        "code": entry["item"].code,
                        "what": entry["what"],
                        "when": entry["when"],
                    }
                    for entry in items.to_update
                ],
            }
        )


@extend_schema_serializer(component_name="OverduePerson")
class PersonOutput(serializers.Serializer):
    user_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    proportion = serializers.DecimalField(max_digits=5, decimal_places=0)


@extend_schema_serializer(component_name="OverdueTrendPoint")
class TrendOutput(serializers.Serializer):
    on = serializers.DateField()
    live = serializers.IntegerField()
    overdue = serializers.IntegerField()
    proportion = serializers.DecimalField(max_digits=5, decimal_places=0, allow_null=True)


class OverdueActionsApi(PlanningApi):
    """Overdue actions by assignee and by manager, the proportion overdue at each of the last
    twelve month ends, and the overdue actions themselves (paginated)."""

    @extend_schema_serializer(component_name="OverdueActions")
    class OutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        next = serializers.URLField(allow_null=True)
        previous = serializers.URLField(allow_null=True)
        results = ActionOutput(many=True)
        by_assignee = PersonOutput(many=True)
        by_manager = PersonOutput(many=True)
        trend = TrendOutput(many=True)

    @extend_schema(
        operation_id="planning_exceptions_overdue_actions",
        summary="Report overdue actions, by person, with the trend",
        tags=TAGS,
        parameters=PAGE,
        responses={200: OutputSerializer, **errors(*READ)},
    )
    def get(self, request):
        actions = decorate(
            overdue_actions()
            .select_related("plan", "assigned_to", "managed_by", "lead_councillor")
            .order_by("due_date", "code")
        )
        page = self.paginate(request, actions, ActionOutput)
        page.data["by_assignee"] = PersonOutput(
            overdue_by_person(role="assigned_to"), many=True
        ).data
        page.data["by_manager"] = PersonOutput(overdue_by_person(role="managed_by"), many=True).data
        page.data["trend"] = TrendOutput(overdue_trend(), many=True).data
        return page


class ActionsBehindApi(PlanningApi):
    """Open actions whose progress is behind the straight line by more than the tolerance."""

    @extend_schema(
        operation_id="planning_exceptions_actions_behind",
        summary="List actions behind schedule",
        tags=TAGS,
        parameters=PAGE,
        responses={200: paginated_schema(ActionOutput, "ActionBehind"), **errors(*READ)},
    )
    def get(self, request):
        return self.paginate(request, actions_behind(), ActionOutput)


class PisOffTargetApi(PlanningApi):
    """Active PIs off target with no open action linked to them, each with how many periods
    in a row it has been off target, whether SPC says special cause concerning, and its
    data-quality score in words (as the exceptions page shows them)."""

    @extend_schema(
        operation_id="planning_exceptions_pis_off_target",
        summary="List PIs off target",
        tags=TAGS,
        parameters=PAGE,
        responses={200: paginated_schema(IndicatorException, "PiOffTarget"), **errors(*READ)},
    )
    def get(self, request):
        return self.paginate(request, pis_off_target_without_action(), IndicatorException)


class PisSpecialCauseApi(PlanningApi):
    """Active PIs whose SPC chart shows special cause concerning at their latest value,
    whatever their status against target, with the same persistence and data quality."""

    @extend_schema(
        operation_id="planning_exceptions_pis_special_cause_concerning",
        summary="List PIs whose SPC chart shows special cause concerning",
        tags=TAGS,
        parameters=PAGE,
        responses={
            200: paginated_schema(IndicatorException, "PiSpecialCauseConcerning"),
            **errors(*READ),
        },
    )
    def get(self, request):
        items = pis_special_cause_concerning().items
        return self.paginate(request, items, IndicatorException)


class ReviewOverdueApi(PlanningApi):
    """Open risks past their review date."""

    @extend_schema(
        operation_id="planning_exceptions_risks_review_overdue",
        summary="List risks whose review is overdue",
        tags=TAGS,
        parameters=PAGE,
        responses={200: paginated_schema(RiskOutput, "RiskReviewOverdue"), **errors(*READ)},
    )
    def get(self, request):
        return self.paginate(request, risks_review_overdue(), RiskOutput)


@extend_schema_serializer(component_name="PlanningSearchResults")
class SearchOutput(serializers.Serializer):
    query = serializers.CharField()
    indicators = Brief(many=True)
    plans = Brief(many=True)
    actions = Brief(many=True)
    risks = Brief(many=True)
    strategy_nodes = Brief(many=True)


class SearchApi(PlanningApi):
    """PIs, plans, actions, risks and strategy items matching a code or words."""

    records = True

    @extend_schema(
        operation_id="planning_search",
        summary="Search plans, actions, risks and strategy nodes",
        tags=TAGS,
        parameters=[query("q", description="A code or words; every word must match.")],
        responses={200: SearchOutput, **errors(*READ)},
    )
    def get(self, request):
        results = search(query=request.query_params.get("q", ""))
        return Response(
            {
                "query": results.query,
                "indicators": Brief(results.indicators, many=True).data,
                "plans": Brief(results.plans, many=True).data,
                "actions": Brief(results.actions, many=True).data,
                "risks": Brief(results.risks, many=True).data,
                "strategy_nodes": Brief(results.nodes, many=True).data,
            }
        )


class SettingsApi(PlanningApi):
    """The organisation's planning settings; changing them needs the configure role."""

    @extend_schema_serializer(component_name="RiskBandInput")
    class BandInput(serializers.Serializer):
        name = serializers.CharField(max_length=60)
        min = serializers.IntegerField(min_value=1)
        max = serializers.IntegerField(min_value=1)
        colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$")

    @extend_schema_serializer(component_name="PlanningSettingsInput")
    class InputSerializer(serializers.Serializer):
        strategy_level_names = serializers.ListField(
            child=serializers.CharField(max_length=100),
            min_length=1,
            max_length=10,
            required=False,
        )
        action_tolerance_points = serializers.IntegerField(
            min_value=0, max_value=100, required=False
        )
        risk_matrix_size = serializers.ChoiceField(choices=[4, 5], required=False)
        likelihood_labels = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False
        )
        impact_labels = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False
        )
        risk_bands = serializers.ListField(
            required=False,
            help_text="Every band as {name, min, max, colour}; together they must cover every "
            "score from 1 to size² once.",
        )
        digest_enabled = serializers.BooleanField(required=False)
        digest_interval_days = serializers.IntegerField(min_value=1, max_value=90, required=False)

    @extend_schema_serializer(component_name="PlanningSettings")
    class OutputSerializer(serializers.Serializer):
        strategy_level_names = serializers.ListField(child=serializers.CharField())
        action_tolerance_points = serializers.IntegerField()
        risk_matrix_size = serializers.IntegerField()
        likelihood_labels = serializers.ListField(child=serializers.CharField())
        impact_labels = serializers.ListField(child=serializers.CharField())
        risk_bands = BandOutput(many=True)
        digest_enabled = serializers.BooleanField()
        digest_interval_days = serializers.IntegerField()

    @staticmethod
    def _output(settings: PlanningSettings) -> dict:
        return {
            "strategy_level_names": settings.strategy_level_names,
            "action_tolerance_points": settings.action_tolerance_points,
            "risk_matrix_size": settings.risk_matrix_size,
            "likelihood_labels": settings.likelihood_labels,
            "impact_labels": settings.impact_labels,
            "risk_bands": BandOutput(settings.matrix.bands, many=True).data,
            "digest_enabled": settings.digest_enabled,
            "digest_interval_days": settings.digest_interval_days,
        }

    @extend_schema(
        operation_id="planning_settings_retrieve",
        summary="Read the planning settings",
        tags=TAGS,
        responses={200: OutputSerializer, **errors(*READ)},
    )
    def get(self, request):
        return Response(self._output(PlanningSettings.load()))

    @extend_schema(
        operation_id="planning_settings_update",
        summary="Change the planning settings",
        tags=TAGS,
        request=InputSerializer,
        responses={200: OutputSerializer, **errors(*WRITE)},
    )
    def patch(self, request):
        data = input_data(self.InputSerializer, request)
        if "risk_bands" in data:
            bands = self.BandInput(data=data["risk_bands"], many=True)
            bands.is_valid(raise_exception=True)
            data["risk_bands"] = [dict(band) for band in bands.validated_data]
        settings = planning_settings_update(actor=request.user, **data)
        return Response(self._output(settings))


class AuditorLogApi(PlanningApi):
    """Every page and API call auditors made (organisation administrators only)."""

    @extend_schema_serializer(component_name="AuditorAccess")
    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        user_id = serializers.IntegerField(allow_null=True)
        user_email = serializers.CharField()
        method = serializers.CharField()
        path = serializers.CharField()
        query_string = serializers.CharField()
        status_code = serializers.IntegerField()

    @extend_schema(
        operation_id="planning_auditor_access_log",
        summary="List the auditors' access log",
        tags=TAGS,
        parameters=PAGE,
        responses={200: paginated_schema(OutputSerializer, "AuditorAccess"), **errors(*READ)},
    )
    def get(self, request):
        permissions.require_auditor_log(request.user)
        return self.paginate(request, AuditorAccessLog.objects.all(), self.OutputSerializer)
