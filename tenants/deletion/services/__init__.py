"""Deleting an organisation: request, cancel, purge. Keyword-only, atomic, audited.

    helpdesk asks ──▶ pending (organisation suspended) ──grace period ends──▶ purge (scheduled)
    pending ──helpdesk cancels──▶ cancelled (organisation as it was before)

Who may ask: the helpdesk (console, helpdesk REST API, command line), never an organisation's
own administrator. Deleting ends the vendor's contract with the customer and destroys its data
for good, so it is the vendor's act on the customer's written instruction; an administrator
asks through support. The grace period (`ORGANISATION_DELETION_GRACE_DAYS`, default 30) is the
window in which a mistake can be undone: the organisation is suspended through the existing
suspension (its host shows the suspended page, its API answers 403, nobody signs in), its data
untouched.

The purge (`deletion_purge`, run by the daily task `purge_due_organisations`) removes, in ONE
transaction: what the organisation published to partnerships and clubs (withdrawn through the
publication store's withdraw path: agreement versions it is party to revoked, consents
withdrawn, then every published value of it deleted), its places in partnerships and clubs,
its hosts (`Domain`), its schema (`DROP SCHEMA … CASCADE`: users, sessions, API keys, SSO
configuration and links, security keys, PIs, values, plans, audit trails), and its row. Its
evidence files are removed after commit. Partners (other members of its partnerships, runners
of its clubs) are e-mailed after commit. The deletion row and a `organisation.purged` platform
audit event stay, with counts and no content.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from psycopg import sql

from goldenthread.platform.core.errors import Conflict, DomainError
from goldenthread.tenants.models import (
    Domain,
    Organisation,
    OrganisationStatus,
    PlatformAuditAction,
)
from goldenthread.tenants.services import platform_audit_record

from ..models import DeletionStatus, OrganisationDeletion

DEFAULT_GRACE_DAYS = 30


def grace_days() -> int:
    return int(getattr(settings, "ORGANISATION_DELETION_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def deletion_blockers(*, organisation: Organisation) -> list[str]:
    """What must be resolved before the organisation can be deleted (in words)."""
    from goldenthread.partnerships.services.departure import departure_blockers as partnerships
    from goldenthread.shared_indicators.benchmarking.services.departure import (
        departure_blockers as clubs,
    )

    return partnerships(organisation=organisation) + clubs(organisation=organisation)


def _refuse_blockers(organisation: Organisation) -> None:
    blockers = deletion_blockers(organisation=organisation)
    if blockers:
        raise Conflict(
            f"{organisation.name} cannot be deleted yet: {'; '.join(blockers)}. Hand it over "
            "or close it first.",
            code="deletion_blocked",
            extra={"blockers": blockers},
        )


@transaction.atomic
def deletion_request(
    *, organisation: Organisation, actor: str, reason: str, now: datetime | None = None
) -> OrganisationDeletion:
    """Ask for the organisation to be deleted once the grace period has passed; it is
    suspended at once (if it is not already)."""
    if organisation.schema_name == get_public_schema_name():
        raise DomainError("The platform itself cannot be deleted.", code="platform_organisation")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ["Give the reason for deleting (e.g. the customer's written request)."]}
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if OrganisationDeletion.objects.filter(
        organisation=organisation, status=DeletionStatus.PENDING
    ).exists():
        raise Conflict(f"Deletion of {organisation.name} has already been requested.")
    _refuse_blockers(organisation)
    now = now or timezone.now()
    days = grace_days()
    deletion = OrganisationDeletion(
        organisation=organisation,
        organisation_name=organisation.name,
        organisation_slug=organisation.slug,
        schema_name=organisation.schema_name,
        reason=reason,
        requested_by=actor,
        requested_at=now,
        purge_after=now + timedelta(days=days),
        was_suspended=organisation.is_suspended,
        previous_status_reason=organisation.status_reason,
    )
    deletion.full_clean()
    deletion.save()
    # The existing suspension, so that everything that refuses a suspended organisation
    # (its host, its API, sign-in, scheduled work) refuses it now.
    organisation.status = OrganisationStatus.SUSPENDED
    organisation.status_reason = f"To be deleted after {deletion.purge_after:%d %B %Y}: {reason}"[
        :500
    ]
    organisation.save(update_fields=["status", "status_reason"])
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_DELETION_REQUESTED,
        organisation=organisation,
        detail={
            "reason": reason,
            "grace_days": days,
            "purge_after": deletion.purge_after.isoformat(),
        },
    )
    return deletion


def _lock(deletion: OrganisationDeletion) -> OrganisationDeletion:
    return OrganisationDeletion.objects.select_for_update().get(pk=deletion.pk)


@transaction.atomic
def deletion_cancel(*, deletion: OrganisationDeletion, actor: str) -> OrganisationDeletion:
    """Call the deletion off while it is pending: the organisation is put back as it was
    (active again, or still suspended for its earlier reason)."""
    deletion = _lock(deletion)
    if deletion.status != DeletionStatus.PENDING:
        raise Conflict(
            f"Deletion of {deletion.organisation_name} is "
            f"{deletion.get_status_display().lower()}; only a pending deletion can be "
            "cancelled.",
            code="wrong_state",
        )
    organisation = Organisation.objects.select_for_update().get(pk=deletion.organisation_id)
    if deletion.was_suspended:
        organisation.status_reason = deletion.previous_status_reason
    else:
        organisation.status = OrganisationStatus.ACTIVE
        organisation.status_reason = ""
    organisation.save(update_fields=["status", "status_reason"])
    deletion.status = DeletionStatus.CANCELLED
    deletion.cancelled_by = actor
    deletion.cancelled_at = timezone.now()
    deletion.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_DELETION_CANCELLED,
        organisation=organisation,
        detail={"requested_by": deletion.requested_by, "status": organisation.status},
    )
    return deletion


def _schema_counts(schema_name: str) -> dict[str, int]:
    """How much the schema held, by count only (the record's "what was removed")."""
    from goldenthread.platform.accounts.models import ApiCredential, User
    from goldenthread.platform.indicators.models import Indicator, IndicatorValue
    from goldenthread.platform.planning.models import EvidenceDocument

    if not schema_exists(schema_name):
        return {}
    with schema_context(schema_name):
        return {
            "users": User.objects.count(),
            "api_keys": ApiCredential.objects.count(),
            "indicators": Indicator.objects.count(),
            "values": IndicatorValue.objects.count(),
            "evidence_files": EvidenceDocument.objects.count(),
        }


def _drop_schema(schema_name: str) -> None:
    if not schema_name or schema_name in (get_public_schema_name(), settings.TENANT_BASE_SCHEMA):
        raise DomainError(f"Refusing to drop the schema {schema_name!r}.")
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # Rows written earlier in this transaction may still have deferred foreign-key checks
        # queued; PostgreSQL refuses to drop their tables until those have run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema_name))
        )


def _queue_after_commit(*, schema_name: str, name: str, partners: dict[int, list[str]]) -> None:
    """The file purge and the partners' notice, through the outbox (sent once the purge
    commits, by the relay if the broker is down then). Both run in the public schema: the
    organisation's is gone, and the tasks are told which one it was."""
    from goldenthread.platform.core.outbox import queue_after_commit

    from .. import tasks

    public = get_public_schema_name()
    queue_after_commit(tasks.delete_organisation_files, schema_name, schema_name=public)
    if partners:
        queue_after_commit(
            tasks.tell_partners_of_deletion,
            name,
            {str(key): value for key, value in partners.items()},
            schema_name=public,
        )


@transaction.atomic
def deletion_purge(
    *, deletion: OrganisationDeletion, actor: str = "system:deletion", now: datetime | None = None
) -> OrganisationDeletion:
    """Purge the organisation (see the module docstring). Refused before the grace period
    ends and for a cancelled deletion; a deletion already purged is returned unchanged, so
    the scheduled task may run again safely."""
    from goldenthread.partnerships.services import departure as partnerships
    from goldenthread.shared_indicators.benchmarking.services import departure as clubs
    from goldenthread.shared_indicators.publication.models import OutboxMessage, PublishedValue

    deletion = _lock(deletion)
    if deletion.status == DeletionStatus.PURGED:
        return deletion
    if deletion.status != DeletionStatus.PENDING:
        raise Conflict(
            f"Deletion of {deletion.organisation_name} was cancelled; nothing is purged.",
            code="wrong_state",
        )
    now = now or timezone.now()
    if now < deletion.purge_after:
        raise Conflict(
            f"The grace period for {deletion.organisation_name} ends "
            f"{deletion.purge_after:%d %B %Y %H:%M}; it cannot be purged before then.",
            code="grace_period",
        )
    organisation = Organisation.objects.select_for_update().get(pk=deletion.organisation_id)
    _refuse_blockers(organisation)
    counts = _schema_counts(organisation.schema_name)
    partners = partnerships.partners_of(organisation=organisation)
    for runner, names in clubs.club_partners_of(organisation=organisation).items():
        partners.setdefault(runner, []).extend(names)
    counts.update(partnerships.organisation_depart(organisation=organisation))
    club_counts, clubs_left = clubs.organisation_depart(organisation=organisation)
    counts.update(club_counts)
    published = PublishedValue.objects.filter(organisation=organisation)
    counts["published_values_deleted"] = published.count()
    published.delete()
    counts["hosts"] = Domain.objects.filter(tenant=organisation).count()
    Domain.objects.filter(tenant=organisation).delete()
    counts["districts_unlinked"] = Organisation.objects.filter(parent_county=organisation).update(
        parent_county=None
    )
    # Messages still waiting for the organisation's schema (its jobs, publications) could
    # never run now: the relay would send them again and again.
    counts["outbox_messages_deleted"], _ = OutboxMessage.objects.filter(
        schema_name=organisation.schema_name
    ).delete()
    _drop_schema(organisation.schema_name)
    platform_audit_record(
        actor=actor,
        action=PlatformAuditAction.ORGANISATION_PURGED,
        organisation=organisation,
        detail={
            "organisation": deletion.organisation_name,
            "slug": deletion.organisation_slug,
            "schema": deletion.schema_name,
            "requested_by": deletion.requested_by,
            "requested_at": deletion.requested_at.isoformat(),
            "reason": deletion.reason,
            "purged_at": now.isoformat(),
            "counts": counts,
        },
    )
    deletion.status = DeletionStatus.PURGED
    deletion.purged_by = actor
    deletion.purged_at = now
    deletion.counts = counts
    deletion.save(update_fields=["status", "purged_by", "purged_at", "counts"])
    organisation_name, schema_name = organisation.name, organisation.schema_name
    # The row last: the audit events about it keep their detail, their link is set to NULL.
    Organisation.objects.filter(pk=organisation.pk).delete()
    clubs.refresh_after_departure(club_ids=clubs_left)
    _queue_after_commit(schema_name=schema_name, name=organisation_name, partners=partners)
    return deletion


def purge_due(*, now: datetime | None = None, actor: str = "system:deletion") -> list[str]:
    """Purge every pending deletion whose grace period has ended; each in its own
    transaction, so one blocked organisation does not hold up the others. Returns the slugs
    purged."""
    now = now or timezone.now()
    purged = []
    for deletion in OrganisationDeletion.objects.filter(
        status=DeletionStatus.PENDING, purge_after__lte=now
    ).order_by("purge_after", "pk"):
        try:
            deletion_purge(deletion=deletion, actor=actor, now=now)
        except Conflict:
            continue
        purged.append(deletion.organisation_slug)
    return purged
