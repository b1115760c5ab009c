"""Notifications over REST, under /api/v1/notifications/: the caller's own notifications
(list, mark one or all read) and their settings. Everyone signed in has their own; another
person's notification is not found (404), exactly like one that does not exist."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.openapi import errors, paginated

from ..domain.choices import Delivery, Kind
from ..models import Notification
from ..selectors.inbox import notification_list, unread_count
from ..selectors.preferences import preferences_of
from ..services.inbox import notification_mark_read, notifications_mark_all_read
from ..services.preferences import preferences_set

TAGS = ["notifications"]
MEANINGS = {404: "There is no such notification of yours."}


@extend_schema_serializer(component_name="Notification")
class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField(help_text="The kind in words.")
    title = serializers.CharField(help_text="What happened, in words.")
    reason = serializers.CharField(help_text="The reason given, when there is one ('' if not).")
    link = serializers.CharField(help_text="The path, on this host, of what it is about.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True, help_text="Null while unread.")


def notification_output(row: Notification) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": Kind(row.kind).label,
        "title": row.title,
        "reason": str((row.context or {}).get("reason", "")),
        "link": row.link,
        "created_at": row.created_at,
        "read_at": row.read_at,
    }


class NotificationListApi(OrganisationApi):
    """The caller's notifications, newest first."""

    @extend_schema(
        operation_id="notifications_list",
        summary="List my notifications",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "unread",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                required=False,
                description="true: only the unread ones.",
            ),
            OpenApiParameter(
                "page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Page number, from 1."
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Notifications per page (default 50, at most 500).",
            ),
        ],
        responses={200: paginated(NotificationOutput, "PaginatedNotificationList"), **errors()},
    )
    def get(self, request: Request) -> Response:
        unread_only = request.query_params.get("unread", "").lower() in ("true", "1")
        rows = notification_list(reader=request.user, unread_only=unread_only)
        return self.paginate(request, rows, notification_output)


@extend_schema_serializer(component_name="NotificationUnreadCount")
class CountOutput(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationCountApi(OrganisationApi):
    @extend_schema(
        operation_id="notifications_unread_count",
        summary="Count my unread notifications",
        tags=TAGS,
        responses={200: CountOutput, **errors()},
    )
    def get(self, request: Request) -> Response:
        return Response({"unread": unread_count(reader=request.user)})


class NotificationReadApi(OrganisationApi):
    @extend_schema(
        operation_id="notifications_mark_read",
        summary="Mark one of my notifications as read",
        tags=TAGS,
        request=None,
        responses={200: NotificationOutput, **errors(404, meanings=MEANINGS)},
    )
    def post(self, request: Request, pk: int) -> Response:
        row = notification_mark_read(reader=request.user, notification_id=pk)
        return Response(notification_output(row))


@extend_schema_serializer(component_name="NotificationsMarkedRead")
class MarkedOutput(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many were unread.")


class NotificationReadAllApi(OrganisationApi):
    @extend_schema(
        operation_id="notifications_mark_all_read",
        summary="Mark all my notifications as read",
        tags=TAGS,
        request=None,
        responses={200: MarkedOutput, **errors()},
    )
    def post(self, request: Request) -> Response:
        return Response({"marked_read": notifications_mark_all_read(reader=request.user)})


def _preferences_serializer(name: str, *, required: bool) -> type[serializers.Serializer]:
    fields = {
        kind.value: serializers.ChoiceField(
            choices=Delivery.choices, required=required, help_text=kind.label
        )
        for kind in Kind
    }
    return extend_schema_serializer(component_name=name)(
        type(name, (serializers.Serializer,), fields)
    )


PreferencesOutput = _preferences_serializer("NotificationPreferences", required=True)
PreferencesInput = _preferences_serializer("NotificationPreferencesInput", required=False)


class PreferencesApi(OrganisationApi):
    """How each kind of notification is e-mailed to the caller: immediate, digest (one
    e-mail a day) or off. The in-app list keeps every notification whatever is chosen."""

    @extend_schema(
        operation_id="notifications_preferences_get",
        summary="Read my notification settings",
        tags=TAGS,
        responses={200: PreferencesOutput, **errors()},
    )
    def get(self, request: Request) -> Response:
        return Response(preferences_of(user=request.user))

    @extend_schema(
        operation_id="notifications_preferences_set",
        summary="Change my notification settings (the kinds named; others are kept)",
        tags=TAGS,
        request=PreferencesInput,
        responses={200: PreferencesOutput, **errors(400)},
    )
    def put(self, request: Request) -> Response:
        serializer = PreferencesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        preferences_set(user=request.user, choices=dict(serializer.validated_data))
        return Response(preferences_of(user=request.user))
