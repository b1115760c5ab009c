from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response

from ..choices import RegisterKind, RiskState
from ..selectors.actions import action_get
from ..selectors.common import indicators_by_ids, user_get
from ..selectors.risks import heat_map, register_get, register_list, risk_get, risk_list
from ..services import risks as services
from .common import Ids, PlanningApi, UserRef, input_data, paginated, referenced


class BandOutput(serializers.Serializer):
    name = serializers.CharField()
    min_score = serializers.IntegerField()
    max_score = serializers.IntegerField()
    colour = serializers.CharField()


class RegisterOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    owner = UserRef(allow_null=True)


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
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=RegisterKind.choices)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        owner = serializers.IntegerField(required=False, allow_null=True)

    def get(self, request):
        return Response(RegisterOutput(register_list(), many=True).data)

    def post(self, request):
        data = input_data(self.InputSerializer, request)
        data["owner"] = referenced(user_get, data.get("owner"), "owner")
        register = services.risk_register_create(actor=request.user, **data)
        return Response(RegisterOutput(register).data, status=status.HTTP_201_CREATED)


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

    class InputSerializer(RiskInput):
        register = serializers.IntegerField()
        current_likelihood = serializers.IntegerField()
        current_impact = serializers.IntegerField()

    def get(self, request):
        return paginated(request, self, risk_list(filters=request.query_params), RiskOutput)

    def post(self, request):
        data = _resolve(input_data(self.InputSerializer, request))
        data["register"] = referenced(register_get, data["register"], "register")
        risk = services.risk_create(actor=request.user, **data)
        return Response(RiskOutput(risk_get(pk=risk.pk)).data, status=status.HTTP_201_CREATED)


class RiskDetailApi(PlanningApi):
    class InputSerializer(RiskInput):
        state = serializers.ChoiceField(choices=RiskState.choices, required=False)

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

    def patch(self, request, pk):
        risk = risk_get(pk=pk)
        data = _resolve(input_data(self.InputSerializer, request, partial=True))
        services.risk_update(actor=request.user, risk=risk, **data)
        return Response(RiskOutput(risk_get(pk=pk)).data)


class RiskReviewApi(PlanningApi):
    class InputSerializer(serializers.Serializer):
        likelihood = serializers.IntegerField()
        impact = serializers.IntegerField()
        note = serializers.CharField()
        next_review_date = serializers.DateField()
        controls = serializers.CharField(required=False, allow_blank=True)

    def post(self, request, pk):
        risk = risk_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        review = services.risk_review(actor=request.user, risk=risk, **data)
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)
