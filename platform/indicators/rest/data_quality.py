"""The data-quality report: each service area's active PIs with their score in words."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from goldenthread.platform.core.errors import PermissionDenied

from ..domain.data_quality import QualityScore
from ..permissions import can_read
from ..selectors.data_quality import data_quality_report
from . import schema
from .base import IndicatorsApi


def score_output(score: QualityScore) -> dict[str, Any]:
    return {"score": score.percent, "words": score.words, "failed": list(score.failed)}


class _IndicatorQuality(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    score = serializers.IntegerField(allow_null=True, help_text="Percent; null if not assessed.")
    words = serializers.CharField(help_text="Good, Some concerns, Poor or Not yet assessed.")
    failed = serializers.ListField(
        child=serializers.CharField(), help_text="The failed checks, each with its period."
    )


class _AreaQuality(serializers.Serializer):
    name = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    words = serializers.CharField()
    indicators = _IndicatorQuality(many=True)


class DataQualityReportSerializer(serializers.Serializer):
    service_areas = _AreaQuality(many=True)


class DataQualityApi(IndicatorsApi):
    """GET: the data-quality report (each PI over its last four submitted values)."""

    @extend_schema(
        operation_id="indicators_data_quality_report",
        summary="The data-quality report by service area",
        tags=[schema.TAG],
        responses={200: DataQualityReportSerializer, **schema.errors(403)},
    )
    def get(self, request):
        if not can_read(request.user):
            raise PermissionDenied("Your account cannot read this organisation's reports.")
        areas = [
            {
                "name": area.name,
                "score": area.score.percent,
                "words": area.score.words,
                "indicators": [
                    {"id": pi.pk, "code": pi.code, "title": pi.title, **score_output(score)}
                    for pi, score in area.indicators
                ],
            }
            for area in data_quality_report()
        ]
        return Response({"service_areas": areas})
