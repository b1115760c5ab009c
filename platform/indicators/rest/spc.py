"""A PI's SPC (XmR) chart in figures, and recording the officer's baseline for its limits."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from goldenthread.platform.indicators.domain.spc import (
    ASSURANCE_PRESENTATION,
    MINIMUM_POINTS,
    RULE_WORDS,
    VARIATION_PRESENTATION,
)

from ..selectors.indicators import indicator_get
from ..selectors.spc import SpcChart, indicator_spc
from ..services.spc import spc_baseline_clear, spc_baseline_set
from . import schema
from .base import IndicatorsApi, number


def _figure(value: float | None) -> str | None:
    # Statistics go out as strings like other numbers, to 4 decimal places (enough to check
    # by hand, without float noise).
    return None if value is None else f"{value:.4f}"


def spc_output(chart: SpcChart) -> dict[str, Any]:
    result = chart.result
    variation = VARIATION_PRESENTATION[result.variation]
    assurance = ASSURANCE_PRESENTATION[result.assurance]
    baseline = chart.baseline
    return {
        "minimum_points": MINIMUM_POINTS,
        "enough_points": result.enough_points,
        "mean": _figure(result.mean),
        "average_moving_range": _figure(result.average_moving_range),
        "upper_process_limit": _figure(result.upper_limit),
        "lower_process_limit": _figure(result.lower_limit),
        "upper_two_sigma": _figure(result.upper_near),
        "lower_two_sigma": _figure(result.lower_near),
        "target": number(chart.target),
        "variation": str(result.variation),
        "variation_label": variation.label,
        "assurance": str(result.assurance),
        "assurance_label": assurance.label,
        "baseline": None
        if baseline is None
        else {
            "first_period": baseline.first_period_code,
            "last_period": baseline.last_period_code,
            "reason": baseline.reason,
            "set_at": baseline.set_at.isoformat(),
        },
        "baseline_problem": chart.baseline_problem,
        "points": [
            {
                "period": period.code,
                "period_label": period.label,
                "value": _figure(point.value),
                "moving_range": _figure(point.moving_range),
                "in_baseline": point.in_baseline,
                "rules": [str(rule) for rule in point.rules],
                "rule_labels": [RULE_WORDS[rule] for rule in point.rules],
            }
            for period, point in zip(chart.periods, result.points, strict=True)
        ],
    }


class SpcApi(IndicatorsApi):
    """GET a PI's SPC chart: mean, limits, each point with the special-cause rules it meets,
    and the variation and assurance summaries (codes and words)."""

    @extend_schema(
        operation_id="indicators_spc",
        summary="A PI's SPC (XmR) chart",
        tags=[schema.TAG],
        responses={200: schema.SpcSerializer, **schema.errors(404)},
    )
    def get(self, request, pk):
        return Response(spc_output(indicator_spc(indicator=indicator_get(pk=pk))))


class SpcBaselineApi(IndicatorsApi):
    """POST sets the periods the limits are calculated from (an officer's choice, with a
    reason); DELETE goes back to limits from every value."""

    @extend_schema_serializer(component_name="SpcBaselineInput")
    class InputSerializer(serializers.Serializer):
        first_period = serializers.CharField(max_length=24)
        last_period = serializers.CharField(max_length=24)
        reason = serializers.CharField()

    @extend_schema_serializer(component_name="SpcBaselineClearInput")
    class ClearSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="indicators_spc_baseline_set",
        summary="Recalculate a PI's SPC limits from a baseline",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={200: schema.SpcSerializer, **schema.errors(400, 403, 404)},
    )
    def post(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        spc_baseline_set(
            actor=request.user,
            indicator=pi,
            first_period_code=serializer.validated_data["first_period"],
            last_period_code=serializer.validated_data["last_period"],
            reason=serializer.validated_data["reason"],
        )
        return Response(spc_output(indicator_spc(indicator=pi)))

    @extend_schema(
        operation_id="indicators_spc_baseline_clear",
        summary="Calculate a PI's SPC limits from every value again",
        tags=[schema.TAG],
        request=ClearSerializer,
        responses={200: schema.SpcSerializer, **schema.errors(403, 404)},
    )
    def delete(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = self.ClearSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        spc_baseline_clear(
            actor=request.user, indicator=pi, reason=serializer.validated_data["reason"]
        )
        return Response(spc_output(indicator_spc(indicator=pi)))
