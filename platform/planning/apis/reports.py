"""Read-only views: my items, exception lists, search, settings and the auditor log."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response

from .. import permissions
from ..models import AuditorAccessLog, PlanningSettings
from ..selectors.actions import actions_behind, decorate, overdue_actions
from ..selectors.exceptions import overdue_by_person, overdue_trend, pis_off_target_without_action
from ..selectors.home import my_items
from ..selectors.risks import risks_review_overdue
from ..selectors.search import search
from ..services.configuration import planning_settings_update
from .actions import ActionOutput
from .common import PlanningApi, input_data, paginated
from .risks import BandOutput, RiskOutput

LIMIT = 500


class BriefIndicator(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    latest_status = serializers.CharField(allow_null=True)
    owner_id = serializers.IntegerField(allow_null=True)


class Brief(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class MyItemsApi(PlanningApi):
    """The caller's own items: what they own, must update and by when, and what is overdue."""

    def get(self, request):
        items = my_items(user=request.user)
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


class PersonOutput(serializers.Serializer):
    user_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    proportion = serializers.DecimalField(max_digits=5, decimal_places=0)


class TrendOutput(serializers.Serializer):
    on = serializers.DateField()
    live = serializers.IntegerField()
    overdue = serializers.IntegerField()
    proportion = serializers.DecimalField(max_digits=5, decimal_places=0, allow_null=True)


class OverdueActionsApi(PlanningApi):
    """Overdue actions by assignee and by manager, the proportion overdue at each of the last
    twelve month ends, and the overdue actions themselves (paginated)."""

    def get(self, request):
        actions = decorate(
            overdue_actions()
            .select_related("plan", "assigned_to", "managed_by", "lead_councillor")
            .order_by("due_date", "code")
        )
        page = paginated(request, self, actions, ActionOutput)
        page.data["by_assignee"] = PersonOutput(
            overdue_by_person(role="assigned_to"), many=True
        ).data
        page.data["by_manager"] = PersonOutput(overdue_by_person(role="managed_by"), many=True).data
        page.data["trend"] = TrendOutput(overdue_trend(), many=True).data
        return page


class ActionsBehindApi(PlanningApi):
    def get(self, request):
        return paginated(request, self, actions_behind(), ActionOutput)


class PisOffTargetApi(PlanningApi):
    """Active PIs off target with no open action linked to them."""

    def get(self, request):
        return paginated(request, self, pis_off_target_without_action(), BriefIndicator)


class ReviewOverdueApi(PlanningApi):
    def get(self, request):
        return paginated(request, self, risks_review_overdue(), RiskOutput)


class SearchApi(PlanningApi):
    records = True

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

    class BandInput(serializers.Serializer):
        name = serializers.CharField(max_length=60)
        min = serializers.IntegerField(min_value=1)
        max = serializers.IntegerField(min_value=1)
        colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$")

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
        risk_bands = serializers.ListField(required=False)
        digest_enabled = serializers.BooleanField(required=False)
        digest_interval_days = serializers.IntegerField(min_value=1, max_value=90, required=False)

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

    def get(self, request):
        return Response(self._output(PlanningSettings.load()))

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

    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        user_id = serializers.IntegerField(allow_null=True)
        user_email = serializers.CharField()
        method = serializers.CharField()
        path = serializers.CharField()
        query_string = serializers.CharField()
        status_code = serializers.IntegerField()

    def get(self, request):
        permissions.require_auditor_log(request.user)
        return paginated(request, self, AuditorAccessLog.objects.all(), self.OutputSerializer)
