"""Support over REST, under /api/v1/support/ on an organisation's host: the organisation's
administrators grant, list and revoke helpdesk access and read its log; everyone raises and
follows their own requests and votes on other organisations' suggestions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.errors import NotFound, PermissionDenied
from goldenthread.platform.core.openapi import errors, paginated

from ..domain.choices import GRANT_MAX_DAYS, AccessKind, RequestKind, RequestStatus
from ..permissions import can_manage_support_access, can_raise_requests
from ..selectors.access import access_log_of, accesses_of
from ..selectors.requests import request_of, requests_of, suggestions_to_vote_on
from ..services.access import access_revoke, grant_create
from ..services.requests import request_create, suggestion_vote

TAGS = ["support"]
ADMIN_ONLY = "Only the organisation's administrators manage helpdesk support access."
ACCESS_MEANINGS = {
    403: "Only the organisation's administrators manage helpdesk support access.",
    404: "There is no such support access for this organisation.",
    409: "The access is already revoked.",
}


def _admin(request: Request) -> None:
    if not can_manage_support_access(request.user):
        raise PermissionDenied(ADMIN_ONLY)


def _requester(request: Request) -> None:
    if not can_raise_requests(request.user):
        raise PermissionDenied("Sign in with your own account to raise and follow requests.")


def _list_schema(operation_id: str, summary: str, output, page_name: str, meanings=None):
    """The schema of one of support's paginated lists: a page of `output`, or 403."""
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        tags=TAGS,
        responses={200: paginated(output, page_name), **errors(403, meanings=meanings)},
    )


@extend_schema_serializer(component_name="SupportAccess")
class AccessOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AccessKind.choices)
    kind_label = serializers.CharField()
    staff_name = serializers.CharField()
    staff_email = serializers.EmailField()
    allow_write = serializers.BooleanField()
    access_label = serializers.CharField(help_text="'Read only' or 'Read and change'.")
    reason = serializers.CharField()
    granted_by = serializers.CharField(
        help_text="The administrator who granted it ('' for break-glass)."
    )
    approved_by = serializers.CharField(
        help_text="Break-glass: the second staff member ('' for grants)."
    )
    created_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField(
        help_text="Live, Ended, Revoked or Waiting for a second approver."
    )


def access_output(row) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "staff_name": row.staff_name,
        "staff_email": row.staff_email,
        "allow_write": row.allow_write,
        "access_label": row.access_label,
        "reason": row.reason,
        "granted_by": row.granted_by_name,
        "approved_by": row.approved_by_email,
        "created_at": row.created_at,
        "ends_at": row.ends_at,
        "revoked_at": row.revoked_at,
        "state": row.state_label(),
    }


@extend_schema_serializer(component_name="SupportGrantInput")
class GrantInput(serializers.Serializer):
    staff_id = serializers.IntegerField(help_text="The helpdesk staff member's id.")
    ends_at = serializers.DateTimeField(
        help_text=f"When the access ends: in the future, at most {GRANT_MAX_DAYS} days away."
    )
    allow_write = serializers.BooleanField(default=False, help_text="false (default): read only.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class AccessListApi(OrganisationApi):
    @_list_schema(
        "support_access_list",
        "List the helpdesk's support accesses to this organisation",
        AccessOutput,
        "PaginatedSupportAccessList",
        ACCESS_MEANINGS,
    )
    def get(self, request: Request) -> Response:
        _admin(request)
        return self.paginate(request, accesses_of(organisation=self.organisation), access_output)

    @extend_schema(
        operation_id="support_access_grant",
        summary="Grant a named helpdesk staff member time-limited access",
        tags=TAGS,
        request=GrantInput,
        responses={201: AccessOutput, **errors(400, 403, meanings=ACCESS_MEANINGS)},
    )
    def post(self, request: Request) -> Response:
        _admin(request)
        data = GrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = grant_create(
            actor=request.user,
            organisation=self.organisation,
            staff_id=data.validated_data["staff_id"],
            ends_at=data.validated_data["ends_at"],
            allow_write=data.validated_data["allow_write"],
            reason=data.validated_data["reason"],
        )
        return Response(access_output(row), status=201)


class AccessRevokeApi(OrganisationApi):
    @extend_schema(
        operation_id="support_access_revoke",
        summary="Revoke a support access at once",
        tags=TAGS,
        request=None,
        responses={200: AccessOutput, **errors(403, 404, 409, meanings=ACCESS_MEANINGS)},
    )
    def post(self, request: Request, pk: int) -> Response:
        _admin(request)
        row = access_revoke(actor=request.user, organisation=self.organisation, access_id=pk)
        return Response(access_output(row))


@extend_schema_serializer(component_name="SupportAccessLogEntry")
class LogOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    staff_email = serializers.EmailField()
    kind_label = serializers.CharField(help_text="Under a grant or break-glass.")
    method = serializers.CharField()
    path = serializers.CharField()
    status_code = serializers.IntegerField()
    refused = serializers.BooleanField(help_text="true: the request was refused.")


def log_output(entry) -> dict:
    return {
        "at": entry.at,
        "staff_email": entry.staff_email,
        "kind_label": entry.access.get_kind_display(),
        "method": entry.method,
        "path": entry.path,
        "status_code": entry.status_code,
        "refused": entry.refused,
    }


class AccessLogApi(OrganisationApi):
    @_list_schema(
        "support_access_log",
        "Every request the helpdesk made on this organisation's host",
        LogOutput,
        "PaginatedSupportAccessLog",
        ACCESS_MEANINGS,
    )
    def get(self, request: Request) -> Response:
        _admin(request)
        rows = access_log_of(organisation=self.organisation).select_related("access")
        return self.paginate(request, rows, log_output)


@extend_schema_serializer(component_name="SupportReply")
class ReplyOutput(serializers.Serializer):
    author = serializers.CharField()
    from_helpdesk = serializers.BooleanField()
    body = serializers.CharField()
    status_label = serializers.CharField(help_text="The request's status after this message.")
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="SupportRequest")
class RequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    kind_label = serializers.CharField()
    subject = serializers.CharField()
    description = serializers.CharField()
    page_url = serializers.CharField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    status_label = serializers.CharField()
    votes = serializers.IntegerField(help_text="Votes from other organisations (suggestions).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    replies = ReplyOutput(many=True, required=False)


def request_output(row, *, replies: bool = False) -> dict:
    data = {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "subject": row.subject,
        "description": row.description,
        "page_url": row.page_url,
        "status": row.status,
        "status_label": row.get_status_display(),
        "votes": getattr(row, "vote_count", 0),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }
    if replies:
        data["replies"] = [
            {
                "author": reply.author_name,
                "from_helpdesk": reply.from_helpdesk,
                "body": reply.body,
                "status_label": reply.get_status_after_display(),
                "created_at": reply.created_at,
            }
            for reply in row.replies.all()
        ]
    return data


@extend_schema_serializer(component_name="SupportRequestInput")
class RequestInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    subject = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=5000)
    page_url = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        help_text="The path of the page it is about, on this host.",
    )


class RequestListApi(OrganisationApi):
    @_list_schema(
        "support_requests_list",
        "List my support requests and suggestions",
        RequestOutput,
        "PaginatedSupportRequestList",
    )
    def get(self, request: Request) -> Response:
        _requester(request)
        rows = requests_of(organisation=self.organisation, user=request.user)
        return self.paginate(request, rows, request_output)

    @extend_schema(
        operation_id="support_requests_create",
        summary="Raise a support request or an improvement suggestion",
        tags=TAGS,
        request=RequestInput,
        responses={201: RequestOutput, **errors(400, 403)},
    )
    def post(self, request: Request) -> Response:
        _requester(request)
        data = RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = request_create(
            actor=request.user,
            organisation=self.organisation,
            user_agent=request.headers.get("User-Agent", ""),
            **data.validated_data,
        )
        row.vote_count = 0
        return Response(request_output(row, replies=True), status=201)


class RequestDetailApi(OrganisationApi):
    @extend_schema(
        operation_id="support_requests_get",
        summary="One of my requests, with the helpdesk's replies",
        tags=TAGS,
        responses={
            200: RequestOutput,
            **errors(403, 404, meanings={404: "There is no such request of yours."}),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        _requester(request)
        row = request_of(organisation=self.organisation, user=request.user, request_id=pk)
        if row is None:
            raise NotFound("There is no such request of yours.")
        return Response(request_output(row, replies=True))


@extend_schema_serializer(component_name="Suggestion")
class SuggestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    description = serializers.CharField()
    status_label = serializers.CharField()
    votes = serializers.IntegerField()
    voted = serializers.BooleanField(help_text="true: you have voted for it.")


def suggestion_output(row) -> dict:
    # The suggestion's text only: never who raised it or their organisation.
    return {
        "id": row.pk,
        "subject": row.subject,
        "description": row.description,
        "status_label": row.get_status_display(),
        "votes": row.vote_count,
        "voted": row.voted,
    }


class SuggestionListApi(OrganisationApi):
    @_list_schema(
        "support_suggestions_list",
        "Other organisations' improvement suggestions, to vote on",
        SuggestionOutput,
        "PaginatedSuggestionList",
    )
    def get(self, request: Request) -> Response:
        _requester(request)
        rows = suggestions_to_vote_on(organisation=self.organisation, user=request.user)
        return self.paginate(request, rows, suggestion_output)


@extend_schema_serializer(component_name="SuggestionVoted")
class VotedOutput(serializers.Serializer):
    votes = serializers.IntegerField()


class SuggestionVoteApi(OrganisationApi):
    @extend_schema(
        operation_id="support_suggestions_vote",
        summary="Vote for another organisation's suggestion (once)",
        tags=TAGS,
        request=None,
        responses={
            200: VotedOutput,
            **errors(
                403,
                404,
                409,
                meanings={
                    404: "There is no such suggestion of another organisation.",
                    409: "You have already voted for it.",
                },
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        _requester(request)
        vote = suggestion_vote(actor=request.user, organisation=self.organisation, request_id=pk)
        return Response({"votes": vote.request.votes.count()})
