"""Helpdesk REST: deleting an organisation (`tenants.deletion`) — ask, cancel, and read where
a deletion stands. Asking and cancelling are the helpdesk lead's, as on the console; every
change lands in the platform audit log with the staff member's e-mail as the actor."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.openapi import errors
from goldenthread.tenants.deletion import selectors as deletion_selectors
from goldenthread.tenants.deletion import services as deletion_services
from goldenthread.tenants.deletion.models import DeletionStatus, OrganisationDeletion

from .base import HelpdeskApi, IsHelpdeskLead, organisation_or_404

TAG = ["helpdesk"]


@extend_schema_serializer(component_name="HelpdeskDeletion")
class DeletionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_slug = serializers.CharField()
    organisation_name = serializers.CharField()
    status = serializers.ChoiceField(choices=DeletionStatus.choices)
    status_label = serializers.CharField()
    reason = serializers.CharField()
    requested_by = serializers.CharField()
    requested_at = serializers.DateTimeField()
    purge_after = serializers.DateTimeField()
    cancelled_by = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    purged_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="What the purge removed, by count."
    )


def deletion_data(deletion: OrganisationDeletion) -> dict:
    return {
        "id": deletion.pk,
        "organisation_slug": deletion.organisation_slug,
        "organisation_name": deletion.organisation_name,
        "status": deletion.status,
        "status_label": deletion.get_status_display(),
        "reason": deletion.reason,
        "requested_by": deletion.requested_by,
        "requested_at": deletion.requested_at,
        "purge_after": deletion.purge_after,
        "cancelled_by": deletion.cancelled_by,
        "cancelled_at": deletion.cancelled_at,
        "purged_at": deletion.purged_at,
        "counts": deletion.counts or {},
    }


class DeletionListApi(HelpdeskApi):
    """Every deletion, newest first: pending, cancelled and purged (the purged organisations'
    records outlive them)."""

    @extend_schema(
        operation_id="helpdesk_deletions_list",
        summary="List deletions of organisations",
        tags=TAG,
        responses={200: DeletionSerializer(many=True), **errors(403)},
    )
    def get(self, request: Request) -> Response:
        rows = deletion_selectors.deletion_list()[:500]
        return Response(DeletionSerializer([deletion_data(d) for d in rows], many=True).data)


class OrganisationDeletionApi(HelpdeskApi):
    """GET where the organisation's deletion stands; POST to ask for it (the lead): the
    organisation is suspended at once and purged after the grace period."""

    @extend_schema_serializer(component_name="HelpdeskDeletionRequest")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            max_length=500, help_text="Why (the customer's written request), for the record."
        )

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsHelpdeskLead()]
        return super().get_permissions()

    @extend_schema(
        operation_id="helpdesk_organisations_deletion_retrieve",
        summary="Read an organisation's pending deletion",
        tags=TAG,
        responses={200: DeletionSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, slug: str) -> Response:
        deletion = deletion_selectors.pending_deletion(organisation=organisation_or_404(slug))
        if deletion is None:
            raise NotFound("No deletion of this organisation is pending.")
        return Response(DeletionSerializer(deletion_data(deletion)).data)

    @extend_schema(
        operation_id="helpdesk_organisations_deletion_create",
        summary="Ask for an organisation's deletion",
        tags=TAG,
        request=InputSerializer,
        responses={201: DeletionSerializer, **errors(400, 403, 404, 409)},
    )
    def post(self, request: Request, slug: str) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        deletion = deletion_services.deletion_request(
            organisation=organisation_or_404(slug),
            actor=self.actor,
            reason=given.validated_data["reason"],
        )
        return Response(
            DeletionSerializer(deletion_data(deletion)).data, status=status.HTTP_201_CREATED
        )


class OrganisationDeletionCancelApi(HelpdeskApi):
    """Cancel a pending deletion (the lead): the organisation is put back as it was."""

    permission_classes = [IsHelpdeskLead]

    @extend_schema(
        operation_id="helpdesk_organisations_deletion_cancel",
        summary="Cancel an organisation's pending deletion",
        tags=TAG,
        request=None,
        responses={200: DeletionSerializer, **errors(403, 404, 409)},
    )
    def post(self, request: Request, slug: str) -> Response:
        deletion = deletion_selectors.pending_deletion(organisation=organisation_or_404(slug))
        if deletion is None:
            raise NotFound("No deletion of this organisation is pending.")
        deletion = deletion_services.deletion_cancel(deletion=deletion, actor=self.actor)
        return Response(DeletionSerializer(deletion_data(deletion)).data)
