"""User administration over REST, under /api/v1/accounts/users/ (organisation administrators
only): list, invite, change roles and end dates, deactivate, reactivate, and invite many from
a spreadsheet (preview, then commit). Views parse and answer; `services.users` and
`services.importing` decide."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.exporting import export_openapi, export_response, requested_export
from goldenthread.platform.core.openapi import errors
from goldenthread.platform.core.openapi import paginated as core_paginated
from goldenthread.platform.core.uploads import received_bytes

from .. import permissions
from ..domain.choices import UserAuditAction, UserImportStatus, UserState
from ..models import Role, User, UserImport
from ..selectors import users as user_selectors
from ..selectors.exports import user_audit_sheet
from ..selectors.mfa import mfa_state
from ..selectors.sso import sso_configuration_get, sso_is_ready, sso_state
from ..services.importing import LIMITS as IMPORT_LIMITS
from ..services.importing import user_import_commit, user_import_receive
from ..services.mfa import mfa_reset
from ..services.users import user_deactivate, user_invite, user_reactivate, user_update

TAGS = ["accounts"]
MEANINGS = {
    403: "Only the organisation's administrators administer users.",
    404: "There is no such user (or import) in this organisation.",
    409: "The user is already in that state, it is the last active administrator, has no "
    "multi-factor authentication to reset, or the spreadsheet was already imported.",
}


EXPORT_PARAMETER, EXPORT_RESPONSES = export_openapi()


def _errors(*codes: int):
    return errors(*codes, meanings=MEANINGS)


class AdministersUsers(BasePermission):
    """Signed in here, active, and an organisation administrator (`permissions`)."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 with the authentication challenge
        permissions.require_administer_users(request.user)
        return True


class UsersApi(OrganisationApi):
    permission_classes = [AdministersUsers]


def _input(serializer_class: type[serializers.Serializer], request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _base_url(request: Request) -> str:
    return request.build_absolute_uri("/")


@extend_schema_serializer(component_name="AdministeredUser")
class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    state = serializers.ChoiceField(choices=UserState.choices)
    last_login = serializers.DateTimeField(allow_null=True, help_text="The last sign-in.")
    access_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When access ends (required for auditors)."
    )
    has_password = serializers.BooleanField(
        help_text="False until an invited user has chosen a password."
    )
    mfa = serializers.CharField(
        help_text=(
            "Multi-factor authentication: the factors set up, in words "
            "('authenticator app', '2 security keys', both joined by ', '), or 'not set up'."
        )
    )
    sso = serializers.CharField(
        help_text="Single sign-on in words: 'not set up' (the organisation has none), 'not yet "
        "signed in by SSO', or 'signed in by SSO, last <date and time>'."
    )


def user_output(user: User, *, sso_configured: bool | None = None) -> dict:
    if sso_configured is None:
        sso_configured = sso_is_ready(sso_configuration_get())
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "roles": user.roles,
        "state": user_selectors.user_state(user),
        "last_login": user.last_login,
        "access_expires_at": user.access_expires_at,
        "has_password": user.has_usable_password(),
        "mfa": mfa_state(user=user),
        "sso": sso_state(user=user, configured=sso_configured),
    }


def _query(name: str, type_=OpenApiTypes.STR, description: str = "", **kwargs):
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, required=False, description=description, **kwargs
    )


class UserListApi(UsersApi):
    """The organisation's users (filterable), and inviting one."""

    @extend_schema_serializer(component_name="UserInviteInput")
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        full_name = serializers.CharField(max_length=200)
        roles = serializers.ListField(
            child=serializers.ChoiceField(choices=Role.choices), allow_empty=True
        )
        access_expires_at = serializers.DateTimeField(
            required=False, allow_null=True, help_text="Required for auditors."
        )

    @extend_schema(
        operation_id="accounts_users_list",
        summary="List the organisation's users",
        tags=TAGS,
        parameters=[
            _query("role", description="Only users holding this role.", enum=Role.values),
            _query("state", description="active, deactivated or expired.", enum=UserState.values),
            _query("q", description="Text in the name, e-mail address or job title."),
            _query("page", OpenApiTypes.INT, "Page number, from 1."),
            _query("page_size", OpenApiTypes.INT, "Users per page (default 50, at most 500)."),
        ],
        responses={
            200: core_paginated(UserOutput, "PaginatedAdministeredUserList"),
            **_errors(403),
        },
    )
    def get(self, request):
        params = request.query_params
        users = user_selectors.user_list(
            reader=request.user,
            role=params.get("role", ""),
            state=params.get("state", ""),
            text=params.get("q", ""),
        )
        configured = sso_is_ready(sso_configuration_get())
        return self.paginate(
            request, users, lambda user: user_output(user, sso_configured=configured)
        )

    @extend_schema(
        operation_id="accounts_users_invite",
        summary="Invite a user (e-mails a one-time set-password link)",
        tags=TAGS,
        request=InputSerializer,
        responses={201: UserOutput, **_errors(400, 403)},
    )
    def post(self, request):
        data = _input(self.InputSerializer, request)
        user = user_invite(
            actor=request.user,
            email=data["email"],
            full_name=data["full_name"],
            roles=data["roles"],
            access_expires_at=data.get("access_expires_at"),
            base_url=_base_url(request),
        )
        return Response(user_output(user), status=201)


class UserDetailApi(UsersApi):
    """One user: read, or change roles and access end date."""

    @extend_schema_serializer(component_name="UserUpdateInput")
    class InputSerializer(serializers.Serializer):
        roles = serializers.ListField(
            child=serializers.ChoiceField(choices=Role.choices), required=False
        )
        access_expires_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            help_text="Set or move the end date; null removes it (not for auditors).",
        )

    @extend_schema(
        operation_id="accounts_users_retrieve",
        summary="Read a user",
        tags=TAGS,
        responses={200: UserOutput, **_errors(403, 404)},
    )
    def get(self, request, pk: int):
        return Response(user_output(user_selectors.user_get(reader=request.user, user_id=pk)))

    @extend_schema(
        operation_id="accounts_users_update",
        summary="Change a user's roles or access end date",
        tags=TAGS,
        request=InputSerializer,
        responses={200: UserOutput, **_errors(400, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        user = user_selectors.user_get(reader=request.user, user_id=pk)
        data = _input(self.InputSerializer, request)
        clearing = "access_expires_at" in data and data["access_expires_at"] is None
        user = user_update(
            actor=request.user,
            user=user,
            roles=data.get("roles"),
            access_expires_at=data.get("access_expires_at"),
            clear_access_expires_at=clearing,
        )
        return Response(user_output(user))


class UserDeactivateApi(UsersApi):
    @extend_schema(
        operation_id="accounts_users_deactivate",
        summary="Deactivate a user (ends their sessions; their API keys stop working)",
        tags=TAGS,
        request=None,
        responses={200: UserOutput, **_errors(403, 404, 409)},
    )
    def post(self, request, pk: int):
        user = user_selectors.user_get(reader=request.user, user_id=pk)
        return Response(user_output(user_deactivate(actor=request.user, user=user)))


class UserReactivateApi(UsersApi):
    @extend_schema(
        operation_id="accounts_users_reactivate",
        summary="Reactivate a deactivated user",
        tags=TAGS,
        request=None,
        responses={200: UserOutput, **_errors(403, 404, 409)},
    )
    def post(self, request, pk: int):
        user = user_selectors.user_get(reader=request.user, user_id=pk)
        return Response(user_output(user_reactivate(actor=request.user, user=user)))


class UserMfaResetApi(UsersApi):
    @extend_schema(
        operation_id="accounts_users_mfa_reset",
        summary="Reset a user's multi-factor authentication (a lost phone)",
        tags=TAGS,
        request=None,
        responses={200: UserOutput, **_errors(403, 404, 409)},
        description="Deletes the user's authenticator app and recovery codes and ends their "
        "sessions; they set MFA up again at their next sign-in where it is required of them. "
        "Audited in the user's history (`mfa_reset`) and e-mailed to the user. Refused (403) "
        "for one's own account (turn it off with a current code instead), and (409 "
        "`mfa_not_enrolled`) when the user has not set MFA up.",
    )
    def post(self, request, pk: int):
        user = user_selectors.user_get(reader=request.user, user_id=pk)
        mfa_reset(actor=request.user, user=user, base_url=_base_url(request))
        return Response(user_output(user))


class UserHistoryApi(UsersApi):
    """The audit trail of one user's account, newest first."""

    @extend_schema_serializer(component_name="UserAuditEntry")
    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        actor_email = serializers.CharField(help_text="Who made the change; empty: the platform.")
        action = serializers.ChoiceField(choices=UserAuditAction.choices)
        old = serializers.JSONField(allow_null=True)
        new = serializers.JSONField(allow_null=True)

    @extend_schema(
        operation_id="accounts_users_history",
        summary="List the changes made to a user's account",
        tags=TAGS,
        parameters=[
            _query("page", OpenApiTypes.INT, "Page number, from 1."),
            _query("page_size", OpenApiTypes.INT, "Entries per page (default 50, at most 500)."),
            EXPORT_PARAMETER,
        ],
        responses={
            (200, "application/json"): core_paginated(
                OutputSerializer, "PaginatedUserAuditEntryList"
            ),
            **EXPORT_RESPONSES,
            **_errors(400, 403, 404),
        },
    )
    def get(self, request, pk: int):
        user = user_selectors.user_get(reader=request.user, user_id=pk)
        entries = user_selectors.user_audit_list(reader=request.user, user=user)
        download = requested_export(request)
        if download:
            sheet = user_audit_sheet(entries=entries)
            return export_response(fmt=download, stem=f"account-changes-{user.pk}", sheet=sheet)
        return self.paginate(request, entries, self.OutputSerializer)


@extend_schema_serializer(component_name="UserImportProblem")
class ProblemOutput(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="The spreadsheet's row number.")
    message = serializers.CharField()


@extend_schema_serializer(component_name="UserImportRow")
class RowOutput(serializers.Serializer):
    row = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    access_expires_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="UserImport")
class ImportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    status = serializers.ChoiceField(
        choices=UserImportStatus.choices,
        help_text="`checking` while the worker reads the file: ask again (the `Retry-After` "
        "header says when); then `previewed`, `committed`, or `failed` (see `message`).",
    )
    message = serializers.CharField(help_text="Why the check failed, when it did.")
    phase = serializers.CharField(
        help_text="While `checking`: what the worker is doing, or `Waiting for the queue "
        "(starts by itself)` when the background queue could not be reached as the file "
        "was received (the file is kept and its check is sent when the queue is back: keep "
        "asking). Empty otherwise."
    )
    can_commit = serializers.BooleanField()
    rows = RowOutput(many=True)
    problems = ProblemOutput(many=True)
    created_at = serializers.DateTimeField()
    committed_at = serializers.DateTimeField(allow_null=True)


def import_output(user_import: UserImport) -> dict:
    return {
        "id": user_import.pk,
        "file_name": user_import.file_name,
        "status": user_import.status,
        "message": user_import.message,
        "phase": user_import.phase,
        "can_commit": user_import.can_commit,
        "rows": user_import.rows,
        "problems": user_import.problems,
        "created_at": user_import.created_at,
        "committed_at": user_import.committed_at,
    }


# How long a client should wait before asking again about an import being checked.
RETRY_AFTER_SECONDS = 1


def import_response(user_import: UserImport, *, status: int = 200) -> Response:
    """The import; while the worker is still checking it, with `Retry-After`."""
    response = Response(import_output(user_import), status=status)
    if user_import.is_running:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class UserImportApi(UsersApi):
    """Keep a spreadsheet of people to invite and have the worker check it; nothing is
    written but the import and, once checked, its preview."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="UserImportInput")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(
            help_text="CSV or XLSX with columns name, email, roles (codes or labels, "
            "separated by ';') and, for auditors, access ends (a date)."
        )

    @extend_schema(
        operation_id="accounts_users_import_preview",
        summary="Check a spreadsheet of users to invite (preview)",
        tags=TAGS,
        request={"multipart/form-data": InputSerializer},
        responses={202: ImportOutput, **_errors(400, 403)},
        description="Answers 202 at once, with the import in state `checking` and its "
        "address in `Location`: the file is read and checked on a worker, never in this "
        "request. Ask the `Location` until the state is `previewed`; then every problem is "
        "listed with its spreadsheet row number, and committing the preview invites everyone, "
        "or no one. Only an empty file or one over the size limit is refused here (400).",
    )
    def post(self, request):
        upload = _input(self.InputSerializer, request)["file"]
        user_import = user_import_receive(
            actor=request.user,
            file_name=upload.name,
            content=received_bytes(upload, limits=IMPORT_LIMITS),
        )
        response = import_response(user_import, status=202)
        response["Location"] = reverse("accounts-user-import", kwargs={"pk": user_import.pk})
        return response


class UserImportDetailApi(UsersApi):
    @extend_schema(
        operation_id="accounts_users_import_retrieve",
        summary="Read a spreadsheet import's preview",
        tags=TAGS,
        responses={200: ImportOutput, **_errors(403, 404)},
    )
    def get(self, request, pk: int):
        user_import = user_selectors.user_import_get(reader=request.user, import_id=pk)
        return import_response(user_import)


class UserImportCommitApi(UsersApi):
    @extend_schema(
        operation_id="accounts_users_import_commit",
        summary="Invite everyone in a checked spreadsheet, all or nothing",
        tags=TAGS,
        request=None,
        responses={200: ImportOutput, **_errors(400, 403, 404, 409)},
        description="Refused (400, with `extra.problems`) when any row has a problem, now or "
        "at the preview; then nobody is invited.",
    )
    def post(self, request, pk: int):
        user_import = user_selectors.user_import_get(reader=request.user, import_id=pk)
        user_import = user_import_commit(
            actor=request.user, user_import=user_import, base_url=_base_url(request)
        )
        return Response(import_output(user_import))
