"""Reads for user administration, within the organisation's schema and for administrators."""

from __future__ import annotations

import csv
import io

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from goldenthread.platform.core.errors import NotFound

from ..domain.choices import UserState
from ..models import Role, SecurityKey, TotpDevice, User, UserAuditEntry, UserImport
from ..permissions import require_administer_users
from .mfa import mfa_state
from .sso import NOT_SET_UP, sso_configuration_get, sso_is_ready, sso_state

__all__ = ["NOT_SET_UP"]


def user_state(user: User) -> str:
    if not user.is_active:
        return UserState.DEACTIVATED
    if user.access_has_expired:
        return UserState.EXPIRED
    return UserState.ACTIVE


def user_list(*, reader: User, role: str = "", state: str = "", text: str = "") -> QuerySet[User]:
    """The organisation's users, by name, filtered by a role, a state and text in the name,
    e-mail address or job title."""
    require_administer_users(reader)
    key_counts = (
        SecurityKey.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    users = User.objects.select_related("sso_link").annotate(
        mfa_enrolled=Exists(TotpDevice.objects.filter(user=OuterRef("pk"))),
        security_key_count=Coalesce(Subquery(key_counts, output_field=IntegerField()), 0),
    )
    if role in Role.values:
        users = users.filter(roles__contains=[role])
    now = timezone.now()
    if state == UserState.ACTIVE:
        users = users.filter(is_active=True).filter(
            Q(access_expires_at__isnull=True) | Q(access_expires_at__gt=now)
        )
    elif state == UserState.DEACTIVATED:
        users = users.filter(is_active=False)
    elif state == UserState.EXPIRED:
        users = users.filter(is_active=True, access_expires_at__lte=now)
    text = text.strip()
    if text:
        users = users.filter(
            Q(full_name__icontains=text) | Q(email__icontains=text) | Q(job_title__icontains=text)
        )
    return users.order_by("full_name", "email")


def user_get(*, reader: User, user_id: int) -> User:
    require_administer_users(reader)
    user = User.objects.select_related("sso_link").filter(pk=user_id).first()
    if user is None:
        raise NotFound("There is no user with that id here.")
    return user


def user_audit_list(*, reader: User, user: User | None = None) -> QuerySet[UserAuditEntry]:
    require_administer_users(reader)
    entries = UserAuditEntry.objects.all()
    return entries.filter(user=user) if user is not None else entries


def user_import_get(*, reader: User, import_id: int) -> UserImport:
    """One of the reader's own spreadsheet imports; anyone else's is not found."""
    require_administer_users(reader)
    user_import = UserImport.objects.filter(pk=import_id, created_by=reader).first()
    if user_import is None:
        raise NotFound("You have no user import with that id.")
    return user_import


EXPORT_COLUMNS = (
    "name",
    "email",
    "roles",
    "state",
    "last sign-in",
    "access ends",
    "mfa",
    "sso",
)


def _spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows rather than runs (a name typed as "=HYPERLINK(…)")."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def users_csv(*, users: QuerySet[User]) -> str:
    """The listed users as CSV, one row each, in the list's columns."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    configured = sso_is_ready(sso_configuration_get())
    for user in users:
        writer.writerow(
            [
                _spreadsheet_safe(user.full_name),
                _spreadsheet_safe(user.email),
                ";".join(user.roles),
                user_state(user),
                timezone.localtime(user.last_login).isoformat() if user.last_login else "",
                timezone.localtime(user.access_expires_at).date().isoformat()
                if user.access_expires_at
                else "",
                mfa_state(user=user),
                sso_state(user=user, configured=configured),
            ]
        )
    return out.getvalue()
