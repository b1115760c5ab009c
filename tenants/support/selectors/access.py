"""Reads of support access, for the organisation and for the helpdesk."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User

from ..domain.choices import AccessKind
from ..models import SupportAccess, SupportAccessLogEntry


def helpdesk_staff_choices() -> list[tuple[int, str]]:
    """Active helpdesk staff (public schema) an administrator may name in a grant."""
    with schema_context("public"):
        return [
            (pk, f"{name} ({email})" if name else email)
            for pk, name, email in User.objects.filter(is_staff=True, is_active=True)
            .order_by("full_name", "email")
            .values_list("pk", "full_name", "email")
        ]


def accesses_of(*, organisation) -> QuerySet[SupportAccess]:
    """Every grant and break-glass access of the organisation, newest first."""
    return SupportAccess.objects.filter(organisation=organisation).order_by("-created_at", "-id")


def access_log_of(*, organisation) -> QuerySet[SupportAccessLogEntry]:
    return SupportAccessLogEntry.objects.filter(organisation=organisation).order_by("-at", "-id")


def accesses_of_staff(*, staff) -> list[SupportAccess]:
    """A staff member's own live accesses, for the console."""
    now = timezone.now()
    return list(
        SupportAccess.objects.filter(
            staff_id=staff.pk, approved_at__isnull=False, revoked_at__isnull=True, ends_at__gt=now
        )
        .select_related("organisation")
        .order_by("ends_at")
    )


def break_glass_waiting() -> list[SupportAccess]:
    return list(
        SupportAccess.objects.filter(
            kind=AccessKind.BREAK_GLASS, approved_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("organisation")
        .order_by("created_at")
    )


def recent_accesses(limit: int = 50) -> list[SupportAccess]:
    return list(
        SupportAccess.objects.select_related("organisation").order_by("-created_at")[:limit]
    )
