"""Support access: grants by the organisation, break-glass by two helpdesk staff, the
one-time hand-off to the organisation's host, revocation, and the per-request log.

Security-relevant. A helpdesk staff member's account is in the public schema and signs in
only on the platform host. On an organisation's host they work through an account of that
organisation's schema made for them (`support_account_for`), which has no usable password and
an address that can receive no mail, so it can only be entered by a hand-off, and every
request through it is checked against a live access (`pages.middleware`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from goldenthread.tenants.models import PlatformAuditAction
from goldenthread.tenants.services import platform_audit_record

from ..domain.choices import (
    BREAK_GLASS_MAX_HOURS,
    BREAK_GLASS_REASON_MIN,
    GRANT_MAX_DAYS,
    HANDOFF_SECONDS,
    SUPPORT_EMAIL_DOMAIN,
    AccessKind,
)
from ..models import SupportAccess, SupportAccessLogEntry, SupportHandoff
from ..permissions import can_manage_support_access, is_helpdesk_staff

# What a helpdesk visitor's account may see: broad reading roles, never the administrator
# role (so it never counts towards "the organisation keeps one administrator").
SUPPORT_ROLES = [Role.PERFORMANCE_OFFICER, Role.MANAGER]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _staff_member(staff_id: int) -> User:
    """An active helpdesk staff member of the public schema, by id."""
    with schema_context("public"):
        staff = User.objects.filter(pk=staff_id, is_staff=True, is_active=True).first()
    if staff is None:
        raise DomainError("Choose an active helpdesk staff member.", code="invalid")
    return staff


@transaction.atomic
def grant_create(
    *, actor, organisation, staff_id: int, ends_at, allow_write: bool = False, reason: str = ""
) -> SupportAccess:
    """The organisation's administrator lets one named helpdesk staff member in until
    `ends_at` (at most GRANT_MAX_DAYS away); read only unless `allow_write`."""
    if not can_manage_support_access(actor):
        raise PermissionDenied("Only the organisation's administrators grant support access.")
    now = timezone.now()
    if ends_at <= now:
        raise DomainError("The access must end in the future.", code="invalid")
    if ends_at > now + timedelta(days=GRANT_MAX_DAYS):
        raise DomainError(f"Support access lasts at most {GRANT_MAX_DAYS} days.", code="invalid")
    staff = _staff_member(staff_id)
    access = SupportAccess.objects.create(
        organisation=organisation,
        kind=AccessKind.GRANT,
        staff_id=staff.pk,
        staff_email=staff.email,
        staff_name=staff.full_name or staff.email,
        allow_write=allow_write,
        reason=reason.strip(),
        granted_by_name=actor.full_name or actor.email,
        granted_by_email=actor.email,
        approved_at=now,
        created_at=now,
        ends_at=ends_at,
    )
    _audit(access, actor=actor.email, action=PlatformAuditAction.SUPPORT_ACCESS_GRANTED)
    return access


def _audit(access: SupportAccess, *, actor: str, action: str, **extra) -> None:
    """The platform's own record of a support access event (beside the access's row), so the
    platform audit log and the organisation's console page show who let whom in, and when."""
    detail = {
        "access_id": access.pk,
        "kind": access.kind,
        "staff_email": access.staff_email,
        "allow_write": access.allow_write,
        "ends_at": access.ends_at.isoformat() if access.ends_at else None,
        **extra,
    }
    platform_audit_record(
        actor=actor, action=action, organisation=access.organisation, detail=detail
    )


@transaction.atomic
def access_revoke(*, actor, organisation, access_id: int) -> SupportAccess:
    """Ends a grant or break-glass access of this organisation at once: the visitor's next
    request is refused. Administrators revoke any; staff may end their own."""
    access = (
        SupportAccess.objects.select_for_update()
        .filter(pk=access_id, organisation=organisation)
        .first()
    )
    if access is None:
        raise NotFound("There is no such support access for this organisation.")
    staff_ending_own = is_helpdesk_staff(actor) and access.staff_id == actor.pk
    if not (can_manage_support_access(actor) or staff_ending_own):
        raise PermissionDenied("Only the organisation's administrators revoke support access.")
    if access.revoked_at is not None:
        raise Conflict("This access is already revoked.")
    access.revoked_at = timezone.now()
    access.revoked_by = actor.email
    access.save(update_fields=["revoked_at", "revoked_by"])
    if access.kind == AccessKind.BREAK_GLASS:
        _audit(
            access, actor=actor.email, action=PlatformAuditAction.BREAK_GLASS_ENDED, how="revoked"
        )
    else:
        _audit(access, actor=actor.email, action=PlatformAuditAction.SUPPORT_ACCESS_REVOKED)
    access_close(access=access)
    return access


@transaction.atomic
def break_glass_request(
    *, actor, organisation, reason: str, hours: int, allow_write: bool = False
) -> SupportAccess:
    """A helpdesk staff member asks for emergency access without a grant. Nothing opens
    until a second staff member approves."""
    if not is_helpdesk_staff(actor):
        raise PermissionDenied("Only helpdesk staff ask for emergency access.")
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_REASON_MIN:
        raise DomainError(
            f"Write the reason for emergency access (at least {BREAK_GLASS_REASON_MIN} "
            "characters): the organisation's administrators will read it.",
            code="invalid",
        )
    if not 1 <= hours <= BREAK_GLASS_MAX_HOURS:
        raise DomainError(
            f"Emergency access lasts 1 to {BREAK_GLASS_MAX_HOURS} hours.", code="invalid"
        )
    access = SupportAccess.objects.create(
        organisation=organisation,
        kind=AccessKind.BREAK_GLASS,
        staff_id=actor.pk,
        staff_email=actor.email,
        staff_name=actor.full_name or actor.email,
        allow_write=allow_write,
        reason=reason,
        hours=hours,
    )
    _audit(
        access,
        actor=actor.email,
        action=PlatformAuditAction.BREAK_GLASS_REQUESTED,
        reason=reason,
        hours=hours,
    )
    return access


@transaction.atomic
def break_glass_approve(*, actor, access_id: int, base_url: str = "") -> SupportAccess:
    """A second, different helpdesk staff member approves: the access opens for its hours
    and the organisation's administrators are told by the worker once the approval commits
    (`notify_break_glass`, queued through the outbox)."""
    if not is_helpdesk_staff(actor):
        raise PermissionDenied("Only helpdesk staff approve emergency access.")
    access = (
        SupportAccess.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=access_id, kind=AccessKind.BREAK_GLASS)
        .first()
    )
    if access is None:
        raise NotFound("There is no such emergency access request.")
    if access.staff_id == actor.pk:
        raise PermissionDenied(
            "A second helpdesk staff member must approve: you cannot approve your own request."
        )
    if access.approved_at is not None or access.revoked_at is not None:
        raise Conflict("This request has already been decided.")
    now = timezone.now()
    access.approved_at = now
    access.approved_by_email = actor.email
    access.ends_at = now + timedelta(hours=access.hours or 1)
    access.save(update_fields=["approved_at", "approved_by_email", "ends_at"])
    _audit(
        access,
        actor=actor.email,
        action=PlatformAuditAction.BREAK_GLASS_APPROVED,
        requested_by=access.staff_email,
    )
    _queue_break_glass_notice(access)
    return access


def _queue_break_glass_notice(access: SupportAccess) -> None:
    """The administrators are told by the worker, through the outbox: a mail server or broker
    that is down must not turn an approval that has committed into an error page (nor lose
    the notice). Queued in the public schema, where the access lives."""
    from goldenthread.platform.core.outbox import queue_after_commit

    from ..tasks import notify_break_glass_opened

    queue_after_commit(notify_break_glass_opened, access.pk, schema_name=get_public_schema_name())


def notify_break_glass(*, access_id: int) -> int:
    """Tells every active administrator of the organisation that emergency access is open,
    by whom, why and until when: in the app (the notifications list) always, and by e-mail
    as each chose for this kind (straight away, in the daily digest, or not at all). Run by
    the worker (`tasks.notify_break_glass_opened`). Returns how many administrators were
    newly told: one already told (a retry, or a second delivery of the task) is skipped,
    so nobody is e-mailed twice."""
    from goldenthread.platform.notifications.domain.choices import Kind
    from goldenthread.platform.notifications.models import Notification
    from goldenthread.platform.notifications.services.notify import (
        Event,
        notify_and_let_caller_send,
    )

    access = SupportAccess.objects.select_related("organisation").get(pk=access_id)
    event = Event(
        kind=Kind.BREAK_GLASS_OPENED,
        key=f"break_glass:{access.pk}",
        title=(
            f"Emergency helpdesk access to {access.organisation.name} is open until "
            f"{timezone.localtime(access.ends_at):%d %b %Y, %H:%M}: {access.staff_name}"
        ),
        link="/support/access/",
    )
    with schema_context(access.organisation.schema_name), transaction.atomic():
        # Two deliveries of the notice run one after the other (the access row is locked),
        # so the second sees whom the first told.
        list(SupportAccess.objects.select_for_update().filter(pk=access.pk).values_list("pk"))
        told = Notification.objects.filter(event_key=event.key).values_list(
            "recipient_id", flat=True
        )
        administrators = list(
            User.objects.filter(is_active=True, roles__contains=[Role.ORGANISATION_ADMIN])
            .exclude(email__endswith="@" + SUPPORT_EMAIL_DOMAIN)
            .exclude(pk__in=list(told))
            .order_by("pk")
        )
        # Recorded in the app for each; e-mailed now to those who want it straight away
        # (their notification is marked sent in the same transaction).
        to_email = notify_and_let_caller_send(event=event, recipients=administrators)
        if to_email:
            body = render_to_string("support/emails/break_glass.txt", {"access": access})
            send_mail(
                subject=f"Emergency helpdesk access to {access.organisation.name} is open",
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email for user in to_email],
            )
    return len(administrators)


def live_access_for(*, organisation, staff_id: int) -> SupportAccess | None:
    now = timezone.now()
    return (
        SupportAccess.objects.filter(
            organisation=organisation,
            staff_id=staff_id,
            approved_at__isnull=False,
            revoked_at__isnull=True,
            ends_at__gt=now,
        )
        .order_by("-allow_write", "-ends_at")
        .first()
    )


@transaction.atomic
def handoff_issue(*, actor, access_id: int) -> tuple[str, SupportAccess]:
    """The helpdesk console's "work on this organisation": a one-time token, valid for
    HANDOFF_SECONDS, for the staff member's own live access. Returns the raw token and
    the access."""
    if not is_helpdesk_staff(actor):
        raise PermissionDenied("Only helpdesk staff work on an organisation's host.")
    access = (
        SupportAccess.objects.select_related("organisation")
        .filter(pk=access_id, staff_id=actor.pk)
        .first()
    )
    if access is None or not access.is_live():
        raise PermissionDenied(
            "You have no live access to this organisation: ask its administrator for a grant."
        )
    token = secrets.token_urlsafe(32)
    SupportHandoff.objects.create(
        access=access,
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(seconds=HANDOFF_SECONDS),
    )
    return token, access


def handoff_redeem(*, organisation, token: str) -> tuple[SupportAccess, User]:
    """On the organisation's host: spends the token once and returns the live access and
    the account of this schema the staff member works through. Refuses a token that is
    unknown, used, expired, for another organisation, or whose access is no longer live; a
    token presented anywhere is spent, even when refused (it may have been seen)."""
    opened = _spend(organisation=organisation, token=token)
    if opened is None:
        raise PermissionDenied(
            "This support link is not valid: open the organisation again from the helpdesk console."
        )
    return opened


@transaction.atomic
def _spend(*, organisation, token: str) -> tuple[SupportAccess, User] | None:
    handoff = (
        SupportHandoff.objects.select_for_update()
        .select_related("access")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if handoff is None or handoff.used_at is not None:
        return None
    handoff.used_at = timezone.now()
    handoff.save(update_fields=["used_at"])
    access = handoff.access
    if (
        handoff.expires_at <= handoff.used_at
        or access.organisation_id != organisation.pk
        or not access.is_live()
    ):
        return None
    try:
        _staff_member(access.staff_id)  # still active staff
    except DomainError:
        return None
    return access, support_account_for(access)


def support_account_email(staff_id: int) -> str:
    return f"helpdesk-{staff_id}@{SUPPORT_EMAIL_DOMAIN}"


def access_close(*, access: SupportAccess, now=None) -> bool:
    """Once an access is no longer live (revoked, or its end has passed): deactivate the
    helpdesk visitor's account in the organisation's schema, unless the same staff member
    holds another live access there, and record the end of an emergency access that ran
    out. Done once per access (`closed_at`, claimed by a conditional update), whichever
    comes first of the revocation, the visitor's next request and the periodic cleanup
    (`tasks.close_ended_support_accesses`). Returns whether this call closed it."""
    now = now or timezone.now()
    if access.is_live(now) or (access.approved_at is None and access.revoked_at is None):
        return False  # still live, or a request still waiting for its second approver
    claimed = SupportAccess.objects.filter(pk=access.pk, closed_at__isnull=True).update(
        closed_at=now
    )
    if not claimed:
        return False
    access.closed_at = now
    organisation = access.organisation
    if live_access_for(organisation=organisation, staff_id=access.staff_id) is None:
        with schema_context(organisation.schema_name):
            User.objects.filter(email=support_account_email(access.staff_id)).update(
                is_active=False
            )
    if access.kind == AccessKind.BREAK_GLASS and access.revoked_at is None:
        _audit(
            access,
            actor="system:expiry",
            action=PlatformAuditAction.BREAK_GLASS_ENDED,
            how="expired",
        )
    return True


def ended_accesses_close(*, organisation, now=None) -> int:
    """The periodic cleanup for one organisation: closes every access that has ended and
    was not closed yet. Returns how many were closed."""
    now = now or timezone.now()
    ended = (
        SupportAccess.objects.select_related("organisation")
        .filter(organisation=organisation, closed_at__isnull=True)
        .filter(
            models.Q(revoked_at__isnull=False)
            | models.Q(approved_at__isnull=False, ends_at__lte=now)
        )
    )
    return sum(access_close(access=access, now=now) for access in ended)


def support_account_for(access: SupportAccess) -> User:
    """The account in the current (organisation's) schema through which this staff member
    works: made on first use, named for them. No usable password; an address at a domain
    that receives no mail; never an administrator."""
    email = support_account_email(access.staff_id)
    user = User.objects.filter(email=email).first()
    name = f"{access.staff_name} (Golden Thread helpdesk)"[:200]
    if user is None:
        user = User(email=email, full_name=name, roles=list(SUPPORT_ROLES), is_active=True)
        user.set_unusable_password()
        user.save()
    elif user.full_name != name or not user.is_active or user.roles != list(SUPPORT_ROLES):
        user.full_name, user.is_active, user.roles = name, True, list(SUPPORT_ROLES)
        user.save(update_fields=["full_name", "is_active", "roles"])
    return user


def log_request(
    *, access: SupportAccess, method: str, path: str, status_code: int, refused: bool
) -> None:
    SupportAccessLogEntry.objects.create(
        access=access,
        organisation_id=access.organisation_id,
        staff_email=access.staff_email,
        method=method[:10],
        path=path[:500],
        status_code=status_code,
        refused=refused,
    )
