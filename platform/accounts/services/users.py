"""User administration by the organisation: invite, change roles and access end dates,
deactivate and reactivate. Every change is checked here (`permissions`), made atomically and
written to `UserAuditEntry` in the same transaction, whichever interface asked.

The rules:
* only organisation administrators administer users;
* administrators give others any role, but never raise themselves beyond what they hold;
* the organisation keeps at least one active administrator: the last one cannot be
  deactivated, lose the role or be given an end date;
* auditors need an end date in the future, which an administrator may move (extend);
* a deactivated user's sessions are deleted and their API keys refused at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.core.errors import Conflict, DomainError

from ..domain.choices import UserAuditAction
from ..models import Role, User, UserAuditEntry
from ..permissions import TIME_LIMITED_ROLES, require_administer_users, roles_beyond
from . import user_create
from .sessions import user_sessions_end
from .sso.configuration import sso_break_glass_check


def user_audit_record(
    *,
    actor: User | None,
    action: str,
    user: User,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    actor_label: str = "",
) -> UserAuditEntry:
    """`actor_label` names an actor with no account here (`cli:<os user>`)."""
    return UserAuditEntry.objects.create(
        actor=actor,
        actor_email=actor.email if actor is not None else actor_label,
        action=action,
        user=user,
        user_email=user.email,
        old=old,
        new=new,
    )


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _refuse(message: str, *, field: str, code: str = "invalid") -> DomainError:
    return DomainError(message, extra={"fields": {field: [message]}}, code=code)


def check_new_user(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    roles: list[str],
    access_expires_at: datetime | None,
) -> dict[str, list[str]]:
    """Every problem with inviting this person, by field (empty when they may be invited).
    Shared by the single invitation and each row of a spreadsheet."""
    problems: dict[str, list[str]] = {}
    name_length = User._meta.get_field("full_name").max_length
    email_length = User._meta.get_field("email").max_length
    if not full_name.strip():
        problems.setdefault("full_name", []).append("Give the person's name.")
    elif len(full_name.strip()) > name_length:
        problems.setdefault("full_name", []).append(
            f"The name is longer than {name_length} characters."
        )
    try:
        if len(email) > email_length:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        problems.setdefault("email", []).append(f"'{email}' is not an e-mail address.")
    else:
        if User.objects.filter(email__iexact=email).exists():
            problems.setdefault("email", []).append(f"{email} already has an account here.")
    problems.update(_role_problems(actor=actor, roles=roles, access_expires_at=access_expires_at))
    return problems


def _role_problems(
    *,
    actor: User | None,
    roles: list[str],
    access_expires_at: datetime | None,
    given: set[str] | None = None,
    target_is_actor: bool = False,
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        problems["roles"] = [
            f"Unknown role(s): {', '.join(unknown)}. Roles are: {', '.join(Role.values)}."
        ]
    else:
        # Administrators may not raise themselves: only roles being added to the actor's own
        # account count (keeping a role one holds is no grant).
        beyond = roles_beyond(actor, set(roles) - (given or set())) if target_is_actor else []
        if beyond:
            labels = dict(Role.choices)
            problems["roles"] = [
                "You cannot give yourself a role you do not hold: "
                + ", ".join(labels[role] for role in beyond)
                + ". Ask another administrator."
            ]
    if set(roles) & set(TIME_LIMITED_ROLES):
        if access_expires_at is None:
            problems["access_expires_at"] = ["An auditor's account needs an end date."]
        elif access_expires_at <= timezone.now():
            problems["access_expires_at"] = ["The end date must be in the future."]
    return problems


def _raise_for(problems: dict[str, list[str]]) -> None:
    if problems:
        message = " ".join(message for messages in problems.values() for message in messages)
        raise DomainError(message, extra={"fields": problems})


def queue_invitation_email(*, user: User, base_url: str) -> None:
    """E-mail the one-time set-password link from a worker, once the user is committed
    (through the outbox: a broker that is down delays it); the task runs in the schema
    current now (this organisation's)."""
    from goldenthread.platform.core.outbox import queue_after_commit

    from ..tasks import send_invitation_email

    queue_after_commit(send_invitation_email, user.pk, base_url)


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    roles: list[str],
    access_expires_at: datetime | None = None,
    base_url: str,
) -> User:
    """Create a user without a password and e-mail them a one-time link to choose one (the
    same invitation the first administrator gets)."""
    require_administer_users(actor)
    return _invite(
        actor=actor,
        actor_label="",
        email=email,
        full_name=full_name,
        roles=roles,
        access_expires_at=access_expires_at,
        base_url=base_url,
    )


@transaction.atomic
def user_invite_from_command_line(
    *,
    actor_label: str,
    email: str,
    full_name: str,
    roles: list[str],
    access_expires_at: datetime | None = None,
    base_url: str,
) -> User:
    """The vendor's `goldenthread user create`: the same invitation, checks and audit entry
    as an administrator's (`user_invite`), the actor named `cli:<os user>`. Nobody at the
    vendor chooses or sees a password or the set-password link: it goes only to the person's
    mailbox, from a worker after commit."""
    return _invite(
        actor=None,
        actor_label=actor_label,
        email=email,
        full_name=full_name,
        roles=roles,
        access_expires_at=access_expires_at,
        base_url=base_url,
    )


def _invite(
    *,
    actor: User | None,
    actor_label: str,
    email: str,
    full_name: str,
    roles: list[str],
    access_expires_at: datetime | None,
    base_url: str,
) -> User:
    """The one invitation both doors make: checks, the user, the audit entry, the e-mail."""
    email = email.strip().lower()
    roles = sorted(set(roles))
    _raise_for(
        check_new_user(
            actor=actor,
            email=email,
            full_name=full_name,
            roles=roles,
            access_expires_at=access_expires_at,
        )
    )
    user = user_create(
        email=email, full_name=full_name, roles=roles, access_expires_at=access_expires_at
    )
    user_audit_record(
        actor=actor,
        actor_label=actor_label,
        action=UserAuditAction.INVITED,
        user=user,
        new={
            "email": user.email,
            "full_name": user.full_name,
            "roles": user.roles,
            "access_expires_at": _when(access_expires_at),
        },
    )
    queue_invitation_email(user=user, base_url=base_url)
    return user


def active_administrators() -> Any:
    now = timezone.now()
    return User.objects.filter(is_active=True, roles__contains=[Role.ORGANISATION_ADMIN]).filter(
        Q(access_expires_at__isnull=True) | Q(access_expires_at__gt=now)
    )


def _keeps_an_administrator(*, user: User) -> None:
    """Refuse a change that would leave no active administrator. Locks the administrators'
    rows so that two administrators demoting each other at once cannot both succeed."""
    others = active_administrators().exclude(pk=user.pk).select_for_update()
    if not list(others.values_list("pk", flat=True)):
        raise Conflict(
            f"{user.email} is the organisation's last active administrator. Make someone "
            "else an administrator first.",
            code="last_administrator",
        )


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    roles: list[str] | None = None,
    access_expires_at: datetime | None = None,
    clear_access_expires_at: bool = False,
) -> User:
    """Change a user's roles and/or access end date (set, move or, with
    `clear_access_expires_at`, remove it). Unchanged fields are not audited."""
    require_administer_users(actor)
    user = _lock(user)
    new_roles = sorted(set(roles)) if roles is not None else list(user.roles)
    if clear_access_expires_at:
        new_end = None
    elif access_expires_at is not None:
        new_end = access_expires_at
    else:
        new_end = user.access_expires_at
    roles_changed = sorted(user.roles) != new_roles
    end_changed = new_end != user.access_expires_at
    if not roles_changed and not end_changed:
        return user
    problems = _role_problems(
        actor=actor,
        roles=new_roles,
        access_expires_at=new_end,
        given=set(user.roles),
        target_is_actor=user.pk == actor.pk,
    )
    if (
        end_changed
        and "access_expires_at" not in problems
        and new_end is not None
        and new_end <= timezone.now()
    ):
        problems["access_expires_at"] = [
            "The end date must be in the future; deactivate the account to end it now."
        ]
    _raise_for(problems)
    sso_break_glass_check(
        user=user, becoming_inactive=False, keeps_admin=Role.ORGANISATION_ADMIN in new_roles
    )
    was_admin = Role.ORGANISATION_ADMIN in user.roles and user.is_active
    if was_admin and (
        Role.ORGANISATION_ADMIN not in new_roles or (end_changed and new_end is not None)
    ):
        _keeps_an_administrator(user=user)
    if roles_changed:
        user_audit_record(
            actor=actor,
            action=UserAuditAction.ROLES_CHANGED,
            user=user,
            old={"roles": sorted(user.roles)},
            new={"roles": new_roles},
        )
    if end_changed:
        user_audit_record(
            actor=actor,
            action=UserAuditAction.ACCESS_END_CHANGED,
            user=user,
            old={"access_expires_at": _when(user.access_expires_at)},
            new={"access_expires_at": _when(new_end)},
        )
    user.roles, user.access_expires_at = new_roles, new_end
    user.save(update_fields=["roles", "access_expires_at"])
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Stop the account at once: it cannot sign in, its sessions are deleted and its API keys
    are refused (`ApiCredentialAuthentication` checks the user is active on every call). The
    keys are kept, not revoked, so that reactivation restores what the user had."""
    require_administer_users(actor)
    user = _lock(user)
    if not user.is_active:
        raise Conflict(f"{user.email} is already deactivated.", code="already_deactivated")
    sso_break_glass_check(user=user, becoming_inactive=True, keeps_admin=True)
    if user.has_role(Role.ORGANISATION_ADMIN):
        _keeps_an_administrator(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_audit_record(
        actor=actor,
        action=UserAuditAction.DEACTIVATED,
        user=user,
        old={"is_active": True},
        new={"is_active": False, "sessions_ended": user_sessions_end(user=user)},
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    """Let a deactivated user sign in again (with their existing password and keys)."""
    require_administer_users(actor)
    user = _lock(user)
    if user.is_active:
        raise Conflict(f"{user.email} is already active.", code="already_active")
    user.is_active = True
    user.save(update_fields=["is_active"])
    user_audit_record(
        actor=actor,
        action=UserAuditAction.REACTIVATED,
        user=user,
        old={"is_active": False},
        new={"is_active": True},
    )
    return user
