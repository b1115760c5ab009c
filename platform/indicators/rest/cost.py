"""A PI's cost beside its performance (`selectors.cost`), and pairing it with a cost measure."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from goldenthread.platform.core.errors import DomainError, NotFound
from goldenthread.platform.indicators.domain.cost import UNIT_COST_PLACES
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION

from ..domain.choices import CostMeasure
from ..selectors.cost import CostView, indicator_cost
from ..selectors.indicators import indicator_get
from ..services.cost import cost_pairing_clear, cost_pairing_set
from . import schema
from .base import IndicatorsApi, number


def _money(value) -> str | None:
    return None if value is None else f"{value:.{UNIT_COST_PLACES}f}"


def cost_output(view: CostView | None) -> dict[str, Any]:
    if view is None:
        return {
            "paired": False, "cost_indicator": None, "measure": None, "measure_label": None,
            "has_unit_cost": False, "latest": None, "trend": None, "trend_label": None,
            "points": [],
        }  # fmt: skip
    pairing = view.pairing

    def point(period, item) -> dict[str, Any]:
        return {
            "period": period.code,
            "period_label": period.label,
            "value": number(item.value),
            "cost": number(item.cost),
            "unit_cost": _money(item.unit_cost),
        }

    latest = next(((p, i) for p, i in reversed(view.points) if i is view.latest), None)
    return {
        "paired": True,
        "cost_indicator": {
            "id": pairing.cost_indicator_id,
            "code": pairing.cost_indicator.code,
            "title": pairing.cost_indicator.title,
            "catalogue_code": pairing.cost_indicator.catalogue_code,
        },
        "measure": pairing.measure,
        "measure_label": CostMeasure(pairing.measure).label,
        "has_unit_cost": view.has_unit_cost,
        "latest": None if latest is None else point(*latest),
        "trend": str(view.trend),
        "trend_label": TREND_PRESENTATION[view.trend].label,
        "points": [point(period, item) for period, item in view.points],
    }


@extend_schema_serializer(component_name="CostPoint")
class CostPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_label = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="The PI's own value.")
    cost = serializers.CharField(allow_null=True, help_text="The cost PI's value.")
    unit_cost = serializers.CharField(
        allow_null=True, help_text="Cost per unit, to the penny; null when it cannot be worked out."
    )


@extend_schema_serializer(component_name="CostIndicatorRef")
class CostIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    catalogue_code = serializers.CharField(help_text="Blank unless adopted from the catalogue.")


@extend_schema_serializer(component_name="IndicatorCost")
class CostSerializer(serializers.Serializer):
    paired = serializers.BooleanField(help_text="Whether the PI has a cost measure.")
    cost_indicator = CostIndicatorSerializer(allow_null=True)
    measure = serializers.ChoiceField(choices=CostMeasure.choices, allow_null=True)
    measure_label = serializers.CharField(allow_null=True)
    has_unit_cost = serializers.BooleanField(
        help_text="False for spend beside a PI that is not a count of activity."
    )
    latest = CostPointSerializer(allow_null=True)
    trend = serializers.CharField(
        allow_null=True, help_text="Of the unit cost: falling is improving."
    )
    trend_label = serializers.CharField(allow_null=True)
    points = CostPointSerializer(many=True)


class IndicatorCostApi(IndicatorsApi):
    """GET the PI's cost beside its performance; PUT pairs it with a cost measure (a money PI
    of the same frequency); DELETE ends the pairing."""

    @extend_schema_serializer(component_name="CostPairingInput")
    class InputSerializer(serializers.Serializer):
        cost_indicator = serializers.IntegerField(help_text="The id of the money PI.")
        measure = serializers.ChoiceField(choices=CostMeasure.choices)

    @extend_schema(
        operation_id="indicators_cost",
        summary="A PI's cost and unit cost beside its values",
        tags=[schema.TAG],
        responses={200: CostSerializer, **schema.errors(404)},
    )
    def get(self, request, pk):
        return Response(cost_output(indicator_cost(indicator=indicator_get(pk=pk))))

    @extend_schema(
        operation_id="indicators_cost_pair",
        summary="Pair a PI with its cost measure",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={200: CostSerializer, **schema.errors(400, 403, 404)},
    )
    def put(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            cost = indicator_get(pk=serializer.validated_data["cost_indicator"])
        except NotFound as missing:
            raise DomainError(f"cost_indicator: {missing.message}") from None
        cost_pairing_set(
            actor=request.user,
            indicator=pi,
            cost_indicator=cost,
            measure=serializer.validated_data["measure"],
        )
        return Response(cost_output(indicator_cost(indicator=pi)))

    @extend_schema(
        operation_id="indicators_cost_unpair",
        summary="End a PI's pairing with a cost measure",
        tags=[schema.TAG],
        request=None,
        responses={200: CostSerializer, **schema.errors(403, 404)},
    )
    def delete(self, request, pk):
        pi = indicator_get(pk=pk)
        cost_pairing_clear(actor=request.user, indicator=pi)
        return Response(cost_output(None))
