"""The organisation's single sign-on configuration over REST, under /api/v1/accounts/sso/
(organisation administrators only). The client secret is write-only: the answer says only
whether one is saved. `services.sso.configuration` checks and audits every change."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors

from ..domain.choices import SsoProtocol
from ..models import Role, SsoConfiguration
from ..selectors.sso import sso_configuration_get, sso_is_ready
from ..services.sso.configuration import sso_configuration_update
from .users import TAGS, UsersApi, _input

MEANINGS = {
    400: "A setting is missing or wrong (each named in `extra.fields`): e.g. OpenID Connect "
    "without a discovery URL, client ID or secret, a discovery URL that does not answer, a "
    "mapping to a role that does not exist, or 'SSO required' without an active administrator "
    "as break-glass administrator.",
    403: "Only the organisation's administrators set up single sign-on.",
}
MAPPING_HELP = (
    'Roles given to people created at sign-in, by group: {"<group as the provider sends it>": '
    '["data_provider", ...]}. Organisation administrator only when mapped explicitly.'
)


@extend_schema_serializer(component_name="SsoConfiguration")
class SsoConfigurationOutput(serializers.Serializer):
    protocol = serializers.ChoiceField(choices=SsoProtocol.choices)
    ready = serializers.BooleanField(help_text="On, with everything its protocol needs.")
    button_label = serializers.CharField()
    oidc_discovery_url = serializers.CharField(
        help_text="e.g. https://login.microsoftonline.com/<tenant>/v2.0/.well-known/"
        "openid-configuration"
    )
    oidc_client_id = serializers.CharField()
    oidc_client_secret_set = serializers.BooleanField(
        help_text="Whether a client secret is saved. The secret itself is never returned."
    )
    oidc_redirect_uri = serializers.CharField(
        help_text="The redirect URI to register with the provider (this organisation's host)."
    )
    saml_metadata_url = serializers.CharField()
    saml_metadata_xml = serializers.CharField()
    saml_idp_entity_id = serializers.CharField()
    saml_email_attribute = serializers.CharField(
        help_text="The SAML attribute holding the e-mail; empty: the NameID (emailAddress)."
    )
    jit_enabled = serializers.BooleanField()
    jit_default_role = serializers.CharField(help_text="A role code, or empty for none.")
    groups_claim = serializers.CharField()
    group_role_mapping = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text=MAPPING_HELP
    )
    sso_required = serializers.BooleanField()
    break_glass_user_id = serializers.IntegerField(allow_null=True)
    break_glass_user_email = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


def _output(config: SsoConfiguration, request) -> dict:
    return {
        "protocol": config.protocol,
        "ready": sso_is_ready(config),
        "button_label": config.button_label,
        "oidc_discovery_url": config.oidc_discovery_url,
        "oidc_client_id": config.oidc_client_id,
        "oidc_client_secret_set": config.has_client_secret,
        "oidc_redirect_uri": request.build_absolute_uri("/accounts/sso/oidc/callback/"),
        "saml_metadata_url": config.saml_metadata_url,
        "saml_metadata_xml": config.saml_metadata_xml,
        "saml_idp_entity_id": config.saml_idp_entity_id,
        "saml_email_attribute": config.saml_email_attribute,
        "jit_enabled": config.jit_enabled,
        "jit_default_role": config.jit_default_role,
        "groups_claim": config.groups_claim,
        "group_role_mapping": config.group_role_mapping or {},
        "sso_required": config.sso_required,
        "break_glass_user_id": config.break_glass_user_id,
        "break_glass_user_email": config.break_glass_user.email
        if config.break_glass_user_id
        else None,
        "updated_at": config.updated_at,
    }


class SsoConfigurationApi(UsersApi):
    """Read or change the organisation's single sign-on."""

    @extend_schema_serializer(component_name="SsoConfigurationInput")
    class InputSerializer(serializers.Serializer):
        protocol = serializers.ChoiceField(choices=SsoProtocol.choices, required=False)
        button_label = serializers.CharField(max_length=80, required=False, allow_blank=True)
        oidc_discovery_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
        oidc_client_id = serializers.CharField(max_length=255, required=False, allow_blank=True)
        oidc_client_secret = serializers.CharField(
            max_length=2000,
            required=False,
            allow_blank=True,
            write_only=True,
            help_text="A new client secret (stored encrypted, never returned); empty keeps it.",
        )
        saml_metadata_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
        saml_metadata_xml = serializers.CharField(required=False, allow_blank=True)
        saml_idp_entity_id = serializers.CharField(max_length=500, required=False, allow_blank=True)
        saml_email_attribute = serializers.CharField(
            max_length=200, required=False, allow_blank=True
        )
        jit_enabled = serializers.BooleanField(required=False)
        jit_default_role = serializers.CharField(
            max_length=32,
            required=False,
            allow_blank=True,
            help_text="A role code (not org_admin), or empty for none: "
            + ", ".join(code for code in Role.values if code != Role.ORGANISATION_ADMIN),
        )
        groups_claim = serializers.CharField(max_length=200, required=False, allow_blank=True)
        group_role_mapping = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text=MAPPING_HELP,
        )
        sso_required = serializers.BooleanField(required=False)
        break_glass_user_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(
        operation_id="accounts_sso_retrieve",
        summary="Read the organisation's single sign-on configuration (never the secret)",
        tags=TAGS,
        responses={200: SsoConfigurationOutput, **errors(403, meanings=MEANINGS)},
    )
    def get(self, request):
        return Response(_output(sso_configuration_get(), request))

    @extend_schema(
        operation_id="accounts_sso_update",
        summary="Change the organisation's single sign-on configuration",
        tags=TAGS,
        request=InputSerializer,
        responses={200: SsoConfigurationOutput, **errors(400, 403, meanings=MEANINGS)},
    )
    def patch(self, request):
        data = _input(self.InputSerializer, request)
        config = sso_configuration_update(actor=request.user, changes=data)
        return Response(_output(config, request))
