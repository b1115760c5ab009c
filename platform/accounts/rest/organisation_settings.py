"""The organisation's security settings over REST, under /api/v1/accounts/security-settings/
(organisation administrators only): read and change the idle timeout and MFA for everyone,
and list the changes made to them. `services.organisation_settings` decides and audits."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.platform.core.openapi import paginated as core_paginated

from ..domain.choices import OrganisationSetting
from ..selectors import organisation_settings as selectors
from ..services.organisation_settings import security_settings_update
from .users import UsersApi

TAGS = ["accounts"]
MEANINGS = {403: "Only the organisation's administrators change its security settings."}


@extend_schema_serializer(component_name="SecuritySettings")
class SettingsOutput(serializers.Serializer):
    idle_timeout_minutes = serializers.IntegerField(
        help_text="A signed-in page with no request for this long is signed out (10 to 720)."
    )
    mfa_required_for_everyone = serializers.BooleanField(
        help_text="Everyone must use multi-factor authentication (administrators always must)."
    )


def _page_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Page number, from 1."
        ),
        OpenApiParameter(
            "page_size",
            OpenApiTypes.INT,
            OpenApiParameter.QUERY,
            description="Entries per page (default 50, at most 500).",
        ),
    ]


class SecuritySettingsApi(UsersApi):
    @extend_schema_serializer(component_name="SecuritySettingsInput")
    class InputSerializer(serializers.Serializer):
        # The range is the model's: the service refuses anything else with its own words.
        idle_timeout_minutes = serializers.IntegerField(required=False)
        mfa_required_for_everyone = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="accounts_security_settings_retrieve",
        summary="Read the organisation's security settings",
        tags=TAGS,
        responses={200: SettingsOutput, **errors(403, meanings=MEANINGS)},
    )
    def get(self, request):
        return Response(
            selectors.security_settings_read(reader=request.user, organisation=self.organisation)
        )

    @extend_schema(
        operation_id="accounts_security_settings_update",
        summary="Change the idle timeout or who must use multi-factor authentication",
        tags=TAGS,
        request=InputSerializer,
        responses={200: SettingsOutput, **errors(400, 403, meanings=MEANINGS)},
        description="Either setting or both, all or nothing. Each change is recorded (old → "
        "new, who, when) and listed by `accounts_security_settings_history`. Sessions already "
        "open follow a new timeout from their next request; a new MFA policy applies from "
        "each person's next sign-in.",
    )
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        security_settings_update(
            actor=request.user, organisation=self.organisation, **serializer.validated_data
        )
        return Response(
            selectors.security_settings_read(reader=request.user, organisation=self.organisation)
        )


class SecuritySettingsHistoryApi(UsersApi):
    @extend_schema_serializer(component_name="SecuritySettingChange")
    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        actor_email = serializers.CharField(help_text="The administrator who made the change.")
        setting = serializers.ChoiceField(choices=OrganisationSetting.choices)
        old = serializers.JSONField(allow_null=True, help_text='{"value": …} before.')
        new = serializers.JSONField(allow_null=True, help_text='{"value": …} after.')

    @extend_schema(
        operation_id="accounts_security_settings_history",
        summary="List the changes made to the organisation's security settings",
        tags=TAGS,
        parameters=_page_parameters(),
        responses={
            200: core_paginated(OutputSerializer, "PaginatedSecuritySettingChangeList"),
            **errors(403, meanings=MEANINGS),
        },
    )
    def get(self, request):
        changes = selectors.setting_change_list(reader=request.user)
        return self.paginate(request, changes, self.OutputSerializer)
