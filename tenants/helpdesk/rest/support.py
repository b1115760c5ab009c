"""Helpdesk REST: announcements, the support-request queue, and break-glass (#15 items 1, 7,
8; s15a). The same services as the console pages (`tenants.support.services`), so the same
rules: break-glass needs a written reason and a second staff member, and e-mails the
organisation's administrators on approval; the requester is e-mailed on a reply."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.tenants.support.domain.choices import (
    BREAK_GLASS_MAX_HOURS,
    AccessKind,
    AnnouncementKind,
    RequestKind,
    RequestStatus,
)
from goldenthread.tenants.support.selectors.access import break_glass_waiting, recent_accesses
from goldenthread.tenants.support.selectors.announcements import announcement_list
from goldenthread.tenants.support.selectors.requests import helpdesk_requests
from goldenthread.tenants.support.services.access import break_glass_approve, break_glass_request
from goldenthread.tenants.support.services.announcements import (
    announcement_create,
    announcement_end,
)
from goldenthread.tenants.support.services.requests import request_answer

from .base import HelpdeskApi, organisation_or_404

TAG = ["helpdesk"]


@extend_schema_serializer(component_name="HelpdeskAnnouncement")
class AnnouncementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AnnouncementKind.choices)
    kind_label = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    organisation = serializers.CharField(
        allow_null=True, help_text="The organisation's slug; null: every organisation."
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    dismissible = serializers.BooleanField()


def announcement_data(row) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "title": row.title,
        "body": row.body,
        "organisation": row.organisation.slug if row.organisation_id else None,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "dismissible": row.dismissible,
    }


@extend_schema_serializer(component_name="HelpdeskAnnouncementInput")
class AnnouncementInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AnnouncementKind.choices)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    organisation = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="A slug; omit for everyone."
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    dismissible = serializers.BooleanField(default=True)


def create_for_organisation(request: Request, given_class, create, data_of) -> Response:
    """POST of something for an organisation named by its slug (an announcement, a break-glass
    request): the body read by `given_class` (400), the slug turned into the organisation (404
    when there is none; None where the input lets it be left out, meaning every
    organisation), then `create(actor=..., organisation=..., **the rest)`, answered as
    `data_of(row)` with 201."""
    given = given_class(data=request.data)
    given.is_valid(raise_exception=True)
    data = dict(given.validated_data)
    slug = data.pop("organisation")
    row = create(
        actor=request.user, organisation=organisation_or_404(slug) if slug else None, **data
    )
    return Response(data_of(row), status=201)


class AnnouncementListApi(HelpdeskApi):
    @extend_schema(
        operation_id="helpdesk_announcements_list",
        summary="List announcements, latest end first",
        tags=TAG,
        responses={200: AnnouncementSerializer(many=True), **errors(403)},
    )
    def get(self, request: Request) -> Response:
        return Response([announcement_data(row) for row in announcement_list()[:200]])

    @extend_schema(
        operation_id="helpdesk_announcements_create",
        summary="Publish an announcement (every organisation, or one)",
        tags=TAG,
        request=AnnouncementInput,
        responses={201: AnnouncementSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        return create_for_organisation(
            request, AnnouncementInput, announcement_create, announcement_data
        )


class AnnouncementEndApi(HelpdeskApi):
    @extend_schema(
        operation_id="helpdesk_announcements_end",
        summary="Take an announcement down now",
        tags=TAG,
        request=None,
        responses={200: AnnouncementSerializer, **errors(403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response(announcement_data(announcement_end(actor=request.user, announcement_id=pk)))


@extend_schema_serializer(component_name="HelpdeskSupportRequest")
class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(help_text="The organisation's slug.")
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    kind_label = serializers.CharField()
    subject = serializers.CharField()
    description = serializers.CharField()
    page_url = serializers.CharField(allow_blank=True)
    user_agent = serializers.CharField(allow_blank=True)
    requester_name = serializers.CharField()
    requester_email = serializers.EmailField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    status_label = serializers.CharField()
    votes = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def request_data(row) -> dict:
    return {
        "id": row.pk,
        "organisation": row.organisation.slug,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "subject": row.subject,
        "description": row.description,
        "page_url": row.page_url,
        "user_agent": row.user_agent,
        "requester_name": row.requester_name,
        "requester_email": row.requester_email,
        "status": row.status,
        "status_label": row.get_status_display(),
        "votes": getattr(row, "vote_count", None) or row.votes.count(),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


class RequestListApi(HelpdeskApi):
    @extend_schema(
        operation_id="helpdesk_requests_list",
        summary="List support requests and suggestions, most recently changed first",
        tags=TAG,
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=RequestKind.values, required=False),
            OpenApiParameter("status", OpenApiTypes.STR, enum=RequestStatus.values, required=False),
        ],
        responses={200: RequestSerializer(many=True), **errors(403)},
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind", "")
        status = request.query_params.get("status", "")
        rows = helpdesk_requests(
            kind=kind if kind in RequestKind.values else "",
            status=status if status in RequestStatus.values else "",
        )
        return Response([request_data(row) for row in rows[:500]])


@extend_schema_serializer(component_name="HelpdeskRequestAnswer")
class AnswerInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RequestAnswerApi(HelpdeskApi):
    @extend_schema(
        operation_id="helpdesk_requests_answer",
        summary="Reply to a request and/or set its status (the requester is e-mailed)",
        tags=TAG,
        request=AnswerInput,
        responses={200: RequestSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        given = AnswerInput(data=request.data)
        given.is_valid(raise_exception=True)
        row = request_answer(
            actor=request.user,
            request_id=pk,
            body=given.validated_data["body"],
            status=given.validated_data.get("status"),
        )
        return Response(request_data(row))


@extend_schema_serializer(component_name="HelpdeskSupportAccess")
class AccessSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(help_text="The organisation's slug.")
    kind = serializers.ChoiceField(choices=AccessKind.choices)
    kind_label = serializers.CharField()
    staff_email = serializers.EmailField()
    access_label = serializers.CharField(help_text="'Read only' or 'Read and change'.")
    reason = serializers.CharField(allow_blank=True)
    approved_by = serializers.CharField(allow_blank=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField()


def access_data(row) -> dict:
    return {
        "id": row.pk,
        "organisation": row.organisation.slug,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "staff_email": row.staff_email,
        "access_label": row.access_label,
        "reason": row.reason,
        "approved_by": row.approved_by_email,
        "ends_at": row.ends_at,
        "state": row.state_label(),
    }


@extend_schema_serializer(component_name="HelpdeskBreakGlassInput")
class BreakGlassInput(serializers.Serializer):
    organisation = serializers.CharField(help_text="The organisation's slug.")
    reason = serializers.CharField(max_length=2000, help_text="Read by its administrators.")
    hours = serializers.IntegerField(min_value=1, max_value=BREAK_GLASS_MAX_HOURS)
    allow_write = serializers.BooleanField(default=False)


class AccessListApi(HelpdeskApi):
    @extend_schema(
        operation_id="helpdesk_support_access_list",
        summary="Break-glass requests waiting for approval, then recent support access",
        tags=TAG,
        responses={200: AccessSerializer(many=True), **errors(403)},
    )
    def get(self, request: Request) -> Response:
        rows = {row.pk: row for row in [*break_glass_waiting(), *recent_accesses()]}
        return Response([access_data(row) for row in rows.values()])


class BreakGlassApi(HelpdeskApi):
    @extend_schema(
        operation_id="helpdesk_break_glass_request",
        summary="Ask for emergency access (a second staff member must approve)",
        tags=TAG,
        request=BreakGlassInput,
        responses={201: AccessSerializer, **errors(400, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        # The organisation is required here (a blank slug is a 400), so never None.
        return create_for_organisation(request, BreakGlassInput, break_glass_request, access_data)


class BreakGlassApproveApi(HelpdeskApi):
    @extend_schema(
        operation_id="helpdesk_break_glass_approve",
        summary="Approve another staff member's emergency access",
        tags=TAG,
        request=None,
        responses={200: AccessSerializer, **errors(403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response(access_data(break_glass_approve(actor=request.user, access_id=pk)))
