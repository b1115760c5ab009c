"""Targets, annual profiles and baselines of a PI."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from ..models import Baseline, Target
from ..selectors.indicators import indicator_get, target_get, target_list
from ..services.targets import baseline_set, target_delete, target_profile_annual, target_set
from . import schema
from .base import IndicatorsApi, NumberField, number, sub_area_or_none


# What setting a PI's target or its baseline asks for: a period, a value, optionally a sub-area
# and a note. (A comment, not a docstring: the OpenAPI descriptions of the inputs built on it
# would inherit a docstring.)
class PeriodValueInput(serializers.Serializer):
    period = serializers.CharField(max_length=24)
    value = NumberField(required=True, allow_null=False, allow_blank=False)
    sub_area_id = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


def set_for_period(request, pk: Any, given: type[PeriodValueInput], setter, **extra: Any):
    """Set something of PI `pk` for a period (its target, its baseline) with `setter` (a
    service taking `actor`, `indicator`, `period_code`, `value`, `sub_area` and `note`): the
    PI first (404), then the body read by `given` (400); the input's other fields and `extra`
    go to the service as they are."""
    pi = indicator_get(pk=pk)
    serializer = given(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.data)
    return setter(
        actor=request.user,
        indicator=pi,
        period_code=data.pop("period"),
        value=data.pop("value"),
        sub_area=sub_area_or_none(data.pop("sub_area_id", None)),
        **data,
        **extra,
    )


def target_output(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "indicator_id": target.indicator_id,
        "period": target.period_code,
        "period_type": target.period_type,
        "sub_area_id": target.sub_area_id,
        "value": number(target.value),
        "note": target.note,
        "set_by_id": target.set_by_id,
        "set_at": target.set_at.isoformat(),
        # Advice on a target just set (never a refusal); empty when read back later.
        "advice": [{"code": a.key, "words": a.words} for a in getattr(target, "advice", [])],
    }


class TargetListApi(IndicatorsApi):
    """GET a PI's targets; POST sets one (for a period of the PI's, or a year)."""

    @extend_schema_serializer(component_name="TargetInput")
    class InputSerializer(PeriodValueInput):
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="indicators_targets_list",
        summary="List a PI's targets",
        tags=[schema.TAG],
        parameters=schema.PAGE_PARAMETERS,
        responses={200: schema.TargetPage, **schema.errors(404)},
    )
    def get(self, request, pk):
        return self.paginate(request, target_list(indicator=indicator_get(pk=pk)), target_output)

    @extend_schema(
        operation_id="indicators_targets_set",
        summary="Set a target for a period",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={201: schema.TargetSerializer, **schema.errors(400, 403, 404)},
    )
    def post(self, request, pk):
        target = set_for_period(request, pk, self.InputSerializer, target_set, interface="rest")
        return Response(target_output(target), status=status.HTTP_201_CREATED)


class TargetProfileApi(IndicatorsApi):
    """POST `{"year", "annual", "method": "flat"|"cumulative"}`: set the year's target and
    spread it over the PI's periods."""

    @extend_schema_serializer(component_name="TargetProfileInput")
    class InputSerializer(serializers.Serializer):
        year = serializers.CharField(max_length=24)
        annual = NumberField(required=True, allow_null=False, allow_blank=False)
        method = serializers.ChoiceField(choices=["flat", "cumulative"], default="flat")
        sub_area_id = serializers.IntegerField(required=False, allow_null=True)
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="indicators_targets_profile",
        summary="Set a year's target and spread it over the PI's periods",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={201: schema.TargetProfileResultSerializer, **schema.errors(400, 403, 404)},
    )
    def post(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.data)
        targets = target_profile_annual(
            actor=request.user,
            indicator=pi,
            year_code=data["year"],
            annual=data["annual"],
            method=data["method"],
            sub_area=sub_area_or_none(data.get("sub_area_id")),
            reason=data["reason"],
        )
        return Response(
            {"targets": [target_output(target) for target in targets]},
            status=status.HTTP_201_CREATED,
        )


class TargetDetailApi(IndicatorsApi):
    @extend_schema(
        operation_id="indicators_targets_retrieve",
        summary="Read a target",
        tags=[schema.TAG],
        responses={200: schema.TargetSerializer, **schema.errors(404)},
    )
    def get(self, request, pk, target_pk):
        return Response(target_output(target_get(indicator=indicator_get(pk=pk), pk=target_pk)))

    @extend_schema(
        operation_id="indicators_targets_delete",
        summary="Delete a target",
        tags=[schema.TAG],
        request=schema.TargetDeleteSerializer,
        responses={204: None, **schema.errors(403, 404)},
    )
    def delete(self, request, pk, target_pk):
        target = target_get(indicator=indicator_get(pk=pk), pk=target_pk)
        target_delete(actor=request.user, target=target, reason=request.data.get("reason", ""))
        return Response(status=status.HTTP_204_NO_CONTENT)


def baseline_output(baseline: Baseline) -> dict[str, Any]:
    return {
        "period": baseline.period_code,
        "sub_area_id": baseline.sub_area_id,
        "value": number(baseline.value),
        "note": baseline.note,
    }


class BaselineApi(IndicatorsApi):
    """GET a PI's baselines; PUT sets the baseline (overall, or for a sub-area)."""

    @extend_schema_serializer(component_name="BaselineInput")
    class InputSerializer(PeriodValueInput):
        pass  # exactly the shared fields, under the baseline's own schema name

    @extend_schema(
        operation_id="indicators_baselines_list",
        summary="List a PI's baselines",
        tags=[schema.TAG],
        responses={200: schema.BaselineListSerializer, **schema.errors(404)},
    )
    def get(self, request, pk):
        pi = indicator_get(pk=pk)
        return Response({"baselines": [baseline_output(b) for b in pi.baselines.all()]})

    @extend_schema(
        operation_id="indicators_baselines_set",
        summary="Set a PI's baseline",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={200: schema.BaselineSerializer, **schema.errors(400, 403, 404)},
    )
    def put(self, request, pk):
        return Response(
            baseline_output(set_for_period(request, pk, self.InputSerializer, baseline_set))
        )
