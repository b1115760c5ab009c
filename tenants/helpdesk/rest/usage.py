"""Helpdesk REST: usage per organisation — counts only, the same kept figures as the console's
dashboard (`tenants.usage_figures`: computed in six round trips however many organisations
there are, then kept for minutes), each row saying when they were computed."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.tenants import usage, usage_figures

from .base import HelpdeskApi, organisation_or_404

TAG = ["helpdesk"]


@extend_schema_serializer(component_name="HelpdeskUsage")
class UsageSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    active_users_30_days = serializers.IntegerField(
        help_text="Active users signed in within 30 days."
    )
    active_users_90_days = serializers.IntegerField(
        help_text="Active users signed in within 90 days."
    )
    users = serializers.IntegerField(help_text="Active users.")
    last_sign_in = serializers.DateTimeField(allow_null=True)
    indicators = serializers.IntegerField(help_text="PIs not retired.")
    values_this_quarter = serializers.IntegerField(
        help_text="Values entered since the calendar quarter began."
    )
    database_bytes = serializers.IntegerField(help_text="The schema's tables and indexes.")
    file_bytes = serializers.IntegerField(help_text="Evidence files.")
    api_calls_30_days = serializers.IntegerField(help_text="REST and GraphQL calls, 30 days.")
    figures_as_of = serializers.DateTimeField(
        help_text="When these figures were computed (they are kept for a few minutes)."
    )


def usage_data(row: usage.OrganisationUsage, as_of) -> dict:
    return {
        "slug": row.organisation.slug,
        "name": row.organisation.name,
        "active_users_30_days": row.active_users_30,
        "active_users_90_days": row.active_users_90,
        "users": row.users,
        "last_sign_in": row.last_sign_in,
        "indicators": row.indicators,
        "values_this_quarter": row.values_this_quarter,
        "database_bytes": row.database_bytes,
        "file_bytes": row.file_bytes,
        "api_calls_30_days": row.api_calls_30,
        "figures_as_of": as_of,
    }


class UsageListApi(HelpdeskApi):
    """Every organisation's usage (counts, never content)."""

    @extend_schema(
        operation_id="helpdesk_usage_list",
        summary="Usage of every organisation",
        tags=TAG,
        responses={200: UsageSerializer(many=True), **errors(403)},
    )
    def get(self, request: Request) -> Response:
        figures = usage_figures.usage_figures()
        data = [usage_data(row, figures.as_of) for row in figures.rows]
        return Response(UsageSerializer(data, many=True).data)


class OrganisationUsageApi(HelpdeskApi):
    """One organisation's usage."""

    @extend_schema(
        operation_id="helpdesk_usage_retrieve",
        summary="Usage of one organisation",
        tags=TAG,
        responses={200: UsageSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, slug: str) -> Response:
        row, as_of = usage_figures.usage_figures_of(organisation_or_404(slug))
        return Response(UsageSerializer(usage_data(row, as_of)).data)
