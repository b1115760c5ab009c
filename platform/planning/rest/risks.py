from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from goldenthread.platform.core.exporting import export_openapi, export_response, requested_export

from ..domain.choices import RegisterKind, RiskState
from ..selectors.actions import action_get
from ..selectors.common import indicators_by_ids, user_get
from ..selectors.exports import risk_sheet
from ..selectors.risks import heat_map, register_get, register_list, risk_get, risk_list
from ..services import risks as services
from .common import Ids, PlanningApi, UserRef, input_data, referenced
from .schema import ITEM, PAGE, READ, TAGS, WRITE, errors, query
from .schema import paginated as paginated_schema

EXPORT_PARAMETER, EXPORT_RESPONSES = export_openapi()


@extend_schema_serializer(component_name="RiskBand")
class BandOutput(serializers.Serializer):
    name = serializers.CharField()
    min_score = serializers.IntegerField()
    max_score = serializers.IntegerField()
    colour = serializers.CharField()


@extend_schema_serializer(component_name="RiskRegister")
class RegisterOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    owner = UserRef(allow_null=True)


@extend_schema_serializer(component_name="Risk")
class RiskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    register_id = serializers.IntegerField()
    owner = UserRef(allow_null=True)
    description = serializers.CharField()
    causes = serializers.CharField()
    consequences = serializers.CharField()
    inherent_likelihood = serializers.IntegerField()
    inherent_impact = serializers.IntegerField()
    inherent_score = serializers.IntegerField()
    inherent_band = BandOutput()
    current_likelihood = serializers.IntegerField()
    current_impact = serializers.IntegerField()
    current_score = serializers.IntegerField()
    current_band = BandOutput()
    target_likelihood = serializers.IntegerField()
    target_impact = serializers.IntegerField()
    target_score = serializers.IntegerField()
    target_band = BandOutput()
    direction = serializers.CharField()
    controls = serializers.CharField()
    review_date = serializers.DateField()
    review_overdue = serializers.BooleanField()
    last_reviewed_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField()


@extend_schema_serializer(component_name="RiskReview")
class ReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reviewed_at = serializers.DateTimeField()
    reviewed_by_id = serializers.IntegerField(allow_null=True)
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    score = serializers.IntegerField()
    previous_score = serializers.IntegerField(allow_null=True)
    direction = serializers.CharField()
    note = serializers.CharField()
    next_review_date = serializers.DateField()


class RegisterListApi(PlanningApi):
    @extend_schema_serializer(component_name="RiskRegisterCreateInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=RegisterKind.choices)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        owner = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(
        operation_id="planning_risk_registers_list",
        summary="List risk registers",
        tags=TAGS,
        responses={200: RegisterOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        return Response(RegisterOutput(register_list(), many=True).data)

    @extend_schema(
        operation_id="planning_risk_registers_create",
        summary="Create a risk register",
        tags=TAGS,
        request=InputSerializer,
        responses={201: RegisterOutput, **errors(*WRITE)},
    )
    def post(self, request):
        data = input_data(self.InputSerializer, request)
        data["owner"] = referenced(user_get, data.get("owner"), "owner")
        register = services.risk_register_create(actor=request.user, **data)
        return Response(RegisterOutput(register).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="HeatMapCell")
class HeatCellOutput(serializers.Serializer):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    score = serializers.IntegerField()
    band = serializers.CharField(help_text="The band's name: the rating in words.")
    colour = serializers.CharField()
    count = serializers.IntegerField()


@extend_schema_serializer(component_name="HeatMapBand")
class HeatBandOutput(BandOutput):
    count = serializers.IntegerField()


@extend_schema_serializer(component_name="HeatMap")
class HeatMapOutput(serializers.Serializer):
    size = serializers.IntegerField()
    likelihood_labels = serializers.ListField(child=serializers.CharField())
    impact_labels = serializers.ListField(child=serializers.CharField())
    total = serializers.IntegerField(help_text="Open risks counted.")
    cells = HeatCellOutput(many=True)
    bands = HeatBandOutput(many=True)


def _heat_map_data(result) -> dict:
    return {
        "size": result.matrix.size,
        "likelihood_labels": list(result.matrix.likelihood_labels),
        "impact_labels": list(result.matrix.impact_labels),
        "total": result.total,
        "cells": [
            {
                "likelihood": cell.likelihood,
                "impact": cell.impact,
                "score": cell.score,
                "band": cell.band.name,
                "colour": cell.band.colour,
                "count": cell.count,
            }
            for row in result.rows
            for cell in row
        ],
        "bands": [{**BandOutput(band).data, "count": count} for band, count in result.band_counts],
    }


class HeatMapApi(PlanningApi):
    """Counts of open risks per likelihood x impact cell and per band (all registers, or one
    with `?register=<id>`)."""

    @extend_schema(
        operation_id="planning_heat_map",
        summary="Read the risk heat map",
        tags=TAGS,
        parameters=[query("register", OpenApiTypes.INT, "Only this register's risks.")],
        responses={200: HeatMapOutput, **errors(*ITEM)},
    )
    def get(self, request):
        raw = request.query_params.get("register")
        register = register_get(pk=raw) if raw else None
        return Response(_heat_map_data(heat_map(register=register)))


class RiskInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=300)
    owner = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)
    causes = serializers.CharField(required=False, allow_blank=True)
    consequences = serializers.CharField(required=False, allow_blank=True)
    controls = serializers.CharField(required=False, allow_blank=True)
    inherent_likelihood = serializers.IntegerField()
    inherent_impact = serializers.IntegerField()
    target_likelihood = serializers.IntegerField()
    target_impact = serializers.IntegerField()
    review_date = serializers.DateField()
    mitigating_actions = Ids(required=False)
    indicators = Ids(required=False)


def _resolve(data: dict) -> dict:
    if "owner" in data:
        data["owner"] = referenced(user_get, data["owner"], "owner")
    if "mitigating_actions" in data:
        data["mitigating_actions"] = [
            referenced(action_get, pk, "mitigating action") for pk in data["mitigating_actions"]
        ]
    if "indicators" in data:
        data["indicators"] = indicators_by_ids(data["indicators"])
    return data


class RiskListApi(PlanningApi):
    """List risks (filters: register, owner, state, likelihood, impact, band,
    review_overdue, q) or add one to a register."""

    @extend_schema_serializer(component_name="RiskCreateInput")
    class InputSerializer(RiskInput):
        register = serializers.IntegerField()
        current_likelihood = serializers.IntegerField()
        current_impact = serializers.IntegerField()

    @extend_schema(
        operation_id="planning_risks_list",
        summary="List risks",
        tags=TAGS,
        parameters=[
            query("register", OpenApiTypes.INT, "Only this register's risks."),
            query("owner", OpenApiTypes.INT, "Only risks this user owns."),
            query(
                "state",
                description="open (default), closed or all.",
                enum=["open", "closed", "all"],
            ),
            query("likelihood", OpenApiTypes.INT, "Current likelihood."),
            query("impact", OpenApiTypes.INT, "Current impact."),
            query("band", description="Current band, by name."),
            query("review_overdue", OpenApiTypes.BOOL, "Only risks past their review date."),
            query("q", description="Words in the code or title."),
            *PAGE,
            EXPORT_PARAMETER,
        ],
        responses={
            (200, "application/json"): paginated_schema(RiskOutput, "Risk"),
            **EXPORT_RESPONSES,
            **errors(400, *ITEM),
        },
    )
    def get(self, request):
        download = requested_export(request)
        if download:
            sheet = risk_sheet(risks=risk_list(filters=request.query_params))
            return export_response(fmt=download, stem="risks", sheet=sheet)
        return self.paginate(request, risk_list(filters=request.query_params), RiskOutput)

    @extend_schema(
        operation_id="planning_risks_create",
        summary="Create a risk",
        tags=TAGS,
        request=InputSerializer,
        responses={201: RiskOutput, **errors(*WRITE)},
    )
    def post(self, request):
        data = _resolve(input_data(self.InputSerializer, request))
        data["register"] = referenced(register_get, data["register"], "register")
        risk = services.risk_create(actor=request.user, **data)
        return Response(RiskOutput(risk_get(pk=risk.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="RiskDetail")
class RiskDetailOutput(RiskOutput):
    reviews = ReviewOutput(many=True)
    mitigating_action_ids = serializers.ListField(child=serializers.IntegerField())
    indicator_ids = serializers.ListField(child=serializers.IntegerField())
    strategy_node_ids = serializers.ListField(child=serializers.IntegerField())


class RiskDetailApi(PlanningApi):
    @extend_schema_serializer(component_name="RiskUpdateInput")
    class InputSerializer(RiskInput):
        state = serializers.ChoiceField(choices=RiskState.choices, required=False)

    @extend_schema(
        operation_id="planning_risks_retrieve",
        summary="Read a risk",
        tags=TAGS,
        responses={200: RiskDetailOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        risk = risk_get(pk=pk)
        return Response(
            {
                **RiskOutput(risk).data,
                "reviews": ReviewOutput(risk.reviews.all(), many=True).data,
                "mitigating_action_ids": [action.pk for action in risk.mitigating],
                "indicator_ids": [pi.pk for pi in risk.indicators.all()],
                "strategy_node_ids": [node.pk for node in risk.strategy_nodes.all()],
            }
        )

    @extend_schema(
        operation_id="planning_risks_update",
        summary="Change a risk",
        tags=TAGS,
        request=InputSerializer,
        responses={200: RiskOutput, **errors(*WRITE)},
        description="Change a risk's details; its current score changes only through a review.",
    )
    def patch(self, request, pk):
        risk = risk_get(pk=pk)
        data = _resolve(input_data(self.InputSerializer, request, partial=True))
        services.risk_update(actor=request.user, risk=risk, **data)
        return Response(RiskOutput(risk_get(pk=pk)).data)


class RiskReviewApi(PlanningApi):
    @extend_schema_serializer(component_name="RiskReviewInput")
    class InputSerializer(serializers.Serializer):
        likelihood = serializers.IntegerField()
        impact = serializers.IntegerField()
        note = serializers.CharField()
        next_review_date = serializers.DateField()
        controls = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(
        operation_id="planning_risks_reviews_create",
        summary="Record a review of a risk",
        tags=TAGS,
        request=InputSerializer,
        responses={201: ReviewOutput, **errors(*WRITE)},
    )
    def post(self, request, pk):
        risk = risk_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        review = services.risk_review(actor=request.user, risk=risk, **data)
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)
