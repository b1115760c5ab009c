"""Helpdesk REST: organisations — list, read, provision, suspend, resume, and their licensed
modules. Every change goes through the same services as the console and the command line,
and so lands in the platform audit log with the staff member's e-mail as the actor."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.tenants import selectors, services
from goldenthread.tenants.models import (
    Module,
    Organisation,
    OrganisationStatus,
    OrganisationType,
    Region,
)
from goldenthread.tenants.modules import organisation_modules_set

from .base import HelpdeskApi, IsHelpdeskLead, organisation_or_404

TAG = ["helpdesk"]


@extend_schema_serializer(component_name="HelpdeskModule")
class ModuleSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Module.choices)
    label = serializers.CharField(help_text="The module's name, in words.")


@extend_schema_serializer(component_name="HelpdeskOrganisation")
class OrganisationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    host = serializers.CharField()
    type = serializers.ChoiceField(choices=OrganisationType.choices)
    type_label = serializers.CharField()
    status = serializers.ChoiceField(choices=OrganisationStatus.choices)
    status_label = serializers.CharField()
    status_reason = serializers.CharField(allow_blank=True)
    modules = ModuleSerializer(many=True)
    created_at = serializers.DateTimeField()


def organisation_data(organisation: Organisation) -> dict:
    labels = dict(Module.choices)
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "host": selectors.primary_host(organisation),
        "type": organisation.type,
        "type_label": organisation.get_type_display(),
        "status": organisation.status,
        "status_label": organisation.get_status_display(),
        "status_reason": organisation.status_reason,
        "modules": [
            {"code": code, "label": labels.get(code, code)}
            for code in organisation.licensed_modules or []
        ],
        "created_at": organisation.created_at,
    }


class OrganisationListApi(HelpdeskApi):
    """Every organisation on the platform, or provision a new one (any helpdesk staff, as on
    the console)."""

    @extend_schema_serializer(component_name="HelpdeskProvisionRequest")
    class ProvisionSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        slug = serializers.CharField(max_length=42)
        type = serializers.ChoiceField(choices=OrganisationType.choices)
        ons_code = serializers.CharField(max_length=9, required=False, default="")
        region = serializers.ChoiceField(choices=Region.choices, required=False, default="")
        licensed_modules = serializers.ListField(
            child=serializers.ChoiceField(choices=Module.choices),
            required=False,
            help_text="The modules bought (default: performance only).",
        )
        admin_email = serializers.EmailField(help_text="The first administrator, invited.")
        admin_name = serializers.CharField(max_length=200)

    @extend_schema(
        operation_id="helpdesk_organisations_list",
        summary="List organisations",
        tags=TAG,
        responses={200: OrganisationSerializer(many=True), **errors(403)},
    )
    def get(self, request: Request) -> Response:
        organisations = selectors.organisation_list(
            search=request.query_params.get("search", ""),
            status=request.query_params.get("status", ""),
        )
        return Response(
            OrganisationSerializer([organisation_data(o) for o in organisations], many=True).data
        )

    @extend_schema(
        operation_id="helpdesk_organisations_create",
        summary="Provision an organisation",
        tags=TAG,
        request=ProvisionSerializer,
        responses={201: OrganisationSerializer, **errors(400, 403)},
    )
    def post(self, request: Request) -> Response:
        given = self.ProvisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        result = services.organisation_create(
            name=data["name"],
            slug=data["slug"],
            type=data["type"],
            ons_code=data["ons_code"],
            region=data["region"],
            licensed_modules=data.get("licensed_modules"),
            admin_email=data["admin_email"],
            admin_name=data["admin_name"],
            url_scheme=request.scheme,
            actor=self.actor,
        )
        body = OrganisationSerializer(organisation_data(result.organisation)).data
        return Response(body, status=status.HTTP_201_CREATED)


class OrganisationApi(HelpdeskApi):
    """One organisation, as the helpdesk sees it (no content of its schema)."""

    @extend_schema(
        operation_id="helpdesk_organisations_retrieve",
        summary="Read an organisation",
        tags=TAG,
        responses={200: OrganisationSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(OrganisationSerializer(organisation_data(organisation_or_404(slug))).data)


class OrganisationSuspendApi(HelpdeskApi):
    """Suspend an organisation (any helpdesk staff, as on the console): its host then shows
    only a suspended page and its API answers 403."""

    @extend_schema_serializer(component_name="HelpdeskSuspendRequest")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500, help_text="Why, for the audit log.")

    @extend_schema(
        operation_id="helpdesk_organisations_suspend",
        summary="Suspend an organisation",
        tags=TAG,
        request=InputSerializer,
        responses={200: OrganisationSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Request, slug: str) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        organisation = services.organisation_suspend(
            organisation=organisation_or_404(slug),
            reason=given.validated_data["reason"],
            actor=self.actor,
        )
        return Response(OrganisationSerializer(organisation_data(organisation)).data)


class OrganisationResumeApi(HelpdeskApi):
    """Give a suspended organisation its access back (any helpdesk staff)."""

    @extend_schema(
        operation_id="helpdesk_organisations_resume",
        summary="Resume a suspended organisation",
        tags=TAG,
        request=None,
        responses={200: OrganisationSerializer, **errors(403, 404, 409)},
    )
    def post(self, request: Request, slug: str) -> Response:
        organisation = services.organisation_resume(
            organisation=organisation_or_404(slug), actor=self.actor
        )
        return Response(OrganisationSerializer(organisation_data(organisation)).data)


class OrganisationModulesApi(HelpdeskApi):
    """Set the modules an organisation holds: helpdesk leads only (it changes what is sold),
    as on the console; audited with before and after."""

    permission_classes = [IsHelpdeskLead]

    @extend_schema_serializer(component_name="HelpdeskModulesRequest")
    class InputSerializer(serializers.Serializer):
        modules = serializers.ListField(
            child=serializers.ChoiceField(choices=Module.choices),
            allow_empty=True,
            help_text="Every module the organisation holds from now on.",
        )

    @extend_schema(
        operation_id="helpdesk_organisations_modules_update",
        summary="Set an organisation's licensed modules",
        tags=TAG,
        request=InputSerializer,
        responses={200: OrganisationSerializer, **errors(400, 403, 404)},
    )
    def put(self, request: Request, slug: str) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with transaction.atomic():
            organisation = organisation_modules_set(
                organisation=organisation_or_404(slug),
                modules=given.validated_data["modules"],
                actor=self.actor,
            )
        return Response(OrganisationSerializer(organisation_data(organisation)).data)
