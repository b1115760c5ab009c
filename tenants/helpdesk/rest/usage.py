"""Helpdesk REST: usage per organisation — counts only (`tenants.usage`), every organisation
in six round trips however many there are."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.tenants import usage

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


def usage_data(row: usage.OrganisationUsage) -> dict:
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
        return Response(UsageSerializer([usage_data(r) for r in usage.usage_all()], many=True).data)


class OrganisationUsageApi(HelpdeskApi):
    """One organisation's usage."""

    @extend_schema(
        operation_id="helpdesk_usage_retrieve",
        summary="Usage of one organisation",
        tags=TAG,
        responses={200: UsageSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, slug: str) -> Response:
        (row,) = usage.usage_for([organisation_or_404(slug)])
        return Response(UsageSerializer(usage_data(row)).data)
