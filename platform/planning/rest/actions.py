from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from goldenthread.platform.core.exporting import export_openapi, export_response, requested_export

from ..domain.action_status import ActionStatus
from ..domain.choices import ActionSource, ActionState, MonitoringZone, Priority
from ..selectors.actions import action_get, action_list, milestone_get, plan_get, plan_list
from ..selectors.common import indicators_by_ids, user_get
from ..selectors.exports import action_sheet
from ..selectors.strategy import strategy_node_get
from ..services import actions as services
from .common import Ids, PlanningApi, UserRef, input_data, referenced
from .schema import ITEM, PAGE, READ, TAGS, WRITE, errors, query
from .schema import paginated as paginated_schema

EXPORT_PARAMETER, EXPORT_RESPONSES = export_openapi()


@extend_schema_serializer(component_name="ActionPlan")
class PlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    owner = UserRef(allow_null=True)
    strategy_node_id = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="Action")
class ActionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    plan_id = serializers.IntegerField()
    assigned_to = UserRef(allow_null=True)
    managed_by = UserRef(allow_null=True)
    lead_councillor = UserRef(allow_null=True)
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    progress = serializers.IntegerField()
    expected_progress = serializers.DecimalField(max_digits=5, decimal_places=2)
    state = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="status_presentation.label")
    completed_on = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    priority = serializers.CharField()
    monitoring_zone = serializers.IntegerField()
    latest_update = serializers.CharField()
    latest_update_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="Milestone")
class MilestoneOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_date = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)


@extend_schema_serializer(component_name="ActionStatusUpdate")
class UpdateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    author_id = serializers.IntegerField(allow_null=True)
    progress = serializers.IntegerField()
    state = serializers.CharField()
    note = serializers.CharField()


@extend_schema_serializer(component_name="ActionEscalation")
class EscalationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    escalated_by_id = serializers.IntegerField(allow_null=True)
    from_zone = serializers.IntegerField()
    to_zone = serializers.IntegerField()
    reason = serializers.CharField()


class PlanListApi(PlanningApi):
    @extend_schema_serializer(component_name="PlanCreateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32)
        title = serializers.CharField(max_length=300)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        owner = serializers.IntegerField(required=False, allow_null=True)
        strategy_node = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(
        operation_id="planning_plans_list",
        summary="List action plans",
        tags=TAGS,
        parameters=PAGE,
        responses={200: paginated_schema(PlanOutput, "Plan"), **errors(*READ)},
    )
    def get(self, request):
        return self.paginate(request, plan_list(), PlanOutput)

    @extend_schema(
        operation_id="planning_plans_create",
        summary="Create an action plan",
        tags=TAGS,
        request=InputSerializer,
        responses={201: PlanOutput, **errors(*WRITE)},
    )
    def post(self, request):
        data = input_data(self.InputSerializer, request)
        data["owner"] = referenced(user_get, data.get("owner"), "owner")
        data["strategy_node"] = referenced(
            strategy_node_get, data.get("strategy_node"), "strategy node"
        )
        plan = services.action_plan_create(actor=request.user, **data)
        return Response(PlanOutput(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(PlanningApi):
    @extend_schema_serializer(component_name="PlanUpdateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32, required=False)
        title = serializers.CharField(max_length=300, required=False)
        description = serializers.CharField(required=False, allow_blank=True)
        owner = serializers.IntegerField(required=False, allow_null=True)
        strategy_node = serializers.IntegerField(required=False, allow_null=True)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="planning_plans_retrieve",
        summary="Read an action plan",
        tags=TAGS,
        responses={200: PlanOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        return Response(PlanOutput(plan_get(pk=pk)).data)

    @extend_schema(
        operation_id="planning_plans_update",
        summary="Change an action plan",
        tags=TAGS,
        request=InputSerializer,
        responses={200: PlanOutput, **errors(*WRITE)},
    )
    def patch(self, request, pk):
        plan = plan_get(pk=pk)
        data = input_data(self.InputSerializer, request, partial=True)
        if "owner" in data:
            data["owner"] = referenced(user_get, data["owner"], "owner")
        if "strategy_node" in data:
            data["strategy_node"] = referenced(
                strategy_node_get, data["strategy_node"], "strategy node"
            )
        plan = services.action_plan_update(actor=request.user, plan=plan, **data)
        return Response(PlanOutput(plan).data)


class ActionInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    assigned_to = serializers.IntegerField(required=False, allow_null=True)
    managed_by = serializers.IntegerField(required=False, allow_null=True)
    lead_councillor = serializers.IntegerField(required=False, allow_null=True)
    source = serializers.ChoiceField(choices=ActionSource.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    indicators = Ids(required=False)


def _resolve_people(data: dict) -> dict:
    for name in ("assigned_to", "managed_by", "lead_councillor"):
        if name in data:
            data[name] = referenced(user_get, data[name], name.replace("_", " "))
    if "indicators" in data:
        data["indicators"] = indicators_by_ids(data["indicators"])
    return data


class ActionListApi(PlanningApi):
    """List actions (filters: plan, assigned_to, managed_by, lead_councillor, status, source,
    zone, q) or add one to a plan."""

    @extend_schema_serializer(component_name="ActionCreateInput")
    class InputSerializer(ActionInput):
        plan = serializers.IntegerField()
        monitoring_zone = serializers.ChoiceField(choices=MonitoringZone.choices, required=False)

    @extend_schema(
        operation_id="planning_actions_list",
        summary="List actions",
        tags=TAGS,
        parameters=[
            query("plan", OpenApiTypes.INT, "Only this plan's actions."),
            query("assigned_to", OpenApiTypes.INT, "Only actions assigned to this user."),
            query("managed_by", OpenApiTypes.INT, "Only actions this user manages."),
            query("lead_councillor", OpenApiTypes.INT, "Only actions this councillor leads."),
            query("status", description="Derived status.", enum=[s.value for s in ActionStatus]),
            query("source", enum=ActionSource.values),
            query("zone", OpenApiTypes.INT, "Monitoring zone.", enum=MonitoringZone.values),
            query("q", description="Words in the code or title."),
            *PAGE,
            EXPORT_PARAMETER,
        ],
        responses={
            (200, "application/json"): paginated_schema(ActionOutput, "Action"),
            **EXPORT_RESPONSES,
            **errors(400, *ITEM),
        },
    )
    def get(self, request):
        download = requested_export(request)
        if download:
            sheet = action_sheet(actions=action_list(filters=request.query_params))
            return export_response(fmt=download, stem="actions", sheet=sheet)
        return self.paginate(request, action_list(filters=request.query_params), ActionOutput)

    @extend_schema(
        operation_id="planning_actions_create",
        summary="Create an action",
        tags=TAGS,
        request=InputSerializer,
        responses={201: ActionOutput, **errors(*WRITE)},
    )
    def post(self, request):
        data = _resolve_people(input_data(self.InputSerializer, request))
        data["plan"] = referenced(plan_get, data["plan"], "plan")
        action = services.action_create(actor=request.user, **data)
        return Response(ActionOutput(action_get(pk=action.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="ActionDetail")
class ActionDetailOutput(ActionOutput):
    """An action with its milestones, update and escalation history and its links."""

    milestones = MilestoneOutput(many=True)
    updates = UpdateOutput(many=True)
    escalations = EscalationOutput(many=True)
    indicator_ids = serializers.ListField(child=serializers.IntegerField())
    risk_ids = serializers.ListField(child=serializers.IntegerField())
    strategy_node_ids = serializers.ListField(child=serializers.IntegerField())


class ActionDetailApi(PlanningApi):
    @extend_schema(
        operation_id="planning_actions_retrieve",
        summary="Read an action with its milestones, updates and escalations",
        tags=TAGS,
        responses={200: ActionDetailOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        action = action_get(pk=pk)
        return Response(
            {
                **ActionOutput(action).data,
                "milestones": MilestoneOutput(action.milestones.all(), many=True).data,
                "updates": UpdateOutput(action.updates.all(), many=True).data,
                "escalations": EscalationOutput(action.escalations.all(), many=True).data,
                "indicator_ids": [pi.pk for pi in action.indicators.all()],
                "risk_ids": [risk.pk for risk in action.mitigated_risks.all()],
                "strategy_node_ids": [node.pk for node in action.strategy_nodes.all()],
            }
        )

    @extend_schema(
        operation_id="planning_actions_update",
        summary="Change an action",
        tags=TAGS,
        request=ActionInput,
        responses={200: ActionOutput, **errors(*WRITE)},
        description="Change an action's details; progress and state change through updates, "
        "the monitoring zone through escalations.",
    )
    def patch(self, request, pk):
        action = action_get(pk=pk)
        data = _resolve_people(input_data(ActionInput, request, partial=True))
        services.action_update(actor=request.user, action=action, **data)
        return Response(ActionOutput(action_get(pk=pk)).data)


class ActionUpdateApi(PlanningApi):
    """Record a status update (note, and optionally progress and state)."""

    @extend_schema_serializer(component_name="ActionUpdateInput")
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField()
        progress = serializers.IntegerField(required=False, min_value=0, max_value=100)
        state = serializers.ChoiceField(choices=ActionState.choices, required=False)

    @extend_schema(
        operation_id="planning_actions_updates_create",
        summary="Record a status update on an action",
        tags=TAGS,
        request=InputSerializer,
        responses={201: UpdateOutput, **errors(*WRITE)},
    )
    def post(self, request, pk):
        action = action_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        update = services.action_record_update(actor=request.user, action=action, **data)
        return Response(UpdateOutput(update).data, status=status.HTTP_201_CREATED)


class ActionEscalateApi(PlanningApi):
    @extend_schema_serializer(component_name="ActionEscalateInput")
    class InputSerializer(serializers.Serializer):
        to_zone = serializers.ChoiceField(choices=MonitoringZone.choices)
        reason = serializers.CharField()

    @extend_schema(
        operation_id="planning_actions_escalations_create",
        summary="Escalate an action",
        tags=TAGS,
        request=InputSerializer,
        responses={201: EscalationOutput, **errors(*WRITE)},
    )
    def post(self, request, pk):
        action = action_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        escalation = services.action_escalate(actor=request.user, action=action, **data)
        return Response(EscalationOutput(escalation).data, status=status.HTTP_201_CREATED)


class MilestoneCreateApi(PlanningApi):
    @extend_schema_serializer(component_name="MilestoneCreateInput")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=300)
        due_date = serializers.DateField()

    @extend_schema(
        operation_id="planning_actions_milestones_create",
        summary="Add a milestone to an action",
        tags=TAGS,
        request=InputSerializer,
        responses={201: MilestoneOutput, **errors(*WRITE)},
    )
    def post(self, request, pk):
        action = action_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        milestone = services.milestone_add(actor=request.user, action=action, **data)
        return Response(MilestoneOutput(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneDetailApi(PlanningApi):
    @extend_schema_serializer(component_name="MilestoneCompleteInput")
    class InputSerializer(serializers.Serializer):
        completed_on = serializers.DateField(allow_null=True)

    @extend_schema(
        operation_id="planning_milestones_update",
        summary="Complete or reopen a milestone",
        tags=TAGS,
        request=InputSerializer,
        responses={200: MilestoneOutput, **errors(*WRITE)},
        description="Mark a milestone complete on a date, or not complete (null).",
    )
    def patch(self, request, pk):
        milestone = milestone_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        milestone = services.milestone_set_completed(
            actor=request.user, milestone=milestone, **data
        )
        return Response(MilestoneOutput(milestone).data)
