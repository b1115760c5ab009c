from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi


class MeApi(OrganisationApi):
    """Who the caller is, and for which organisation they are acting."""

    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        full_name = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())
        organisation = serializers.CharField()

    @extend_schema(
        operation_id="accounts_me_retrieve",
        summary="Who I am and for which organisation I act",
        tags=["accounts"],
        responses=OutputSerializer,
    )
    def get(self, request):
        user = request.user
        data = {
            "email": user.email,
            "full_name": user.full_name,
            "roles": user.roles,
            "organisation": self.organisation.schema_name,
        }
        return Response(self.OutputSerializer(data).data)
