"""Deciding what the public performance pages show: propose, approve (four eyes), reject,
withdraw; and pre-election periods. Each write records an audit row and retires the
organisation's cached public pages once it commits."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator
from goldenthread.platform.indicators.services.audit import audit_record
from goldenthread.platform.indicators.services.public_cache import public_cache_invalidate

from ..errors import Conflict, DomainError
from ..models import Action, PreElectionPeriod, Publication, PublicationState
from ..permissions import require_manage_publication, require_pre_election

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _sensible(moment: datetime, what: str) -> None:
    """A date-time a person could mean: aware, and between 2000 and 2100."""
    if timezone.is_naive(moment):
        raise DomainError(f"{what} needs a date and a time with its time zone.")
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise DomainError(f"{what} must be between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def _audit(actor, action: str, row: Publication, new: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=row,
        indicator=row.indicator,
        new={"item": (row.indicator or row.action).code, **new},
    )


@transaction.atomic
def publication_propose(
    *,
    actor: User,
    indicator: Indicator | None = None,
    action: Action | None = None,
    embargo_until: datetime | None = None,
    values_from: date | None = None,
    include_commentary: bool = True,
) -> Publication:
    """Propose publishing one PI (its approved values from `values_from`, and commentary if
    asked) or one action, no earlier than `embargo_until` (now when not given)."""
    require_manage_publication(actor)
    if (indicator is None) == (action is None):
        raise DomainError("Choose one measure or one action to publish.", code="invalid_item")
    if indicator is not None and not indicator.is_active:
        raise DomainError(f"{indicator.code} is retired and cannot be published.")
    now = timezone.now()
    if embargo_until is not None:
        _sensible(embargo_until, "The embargo")
    if values_from is not None and not EARLIEST_YEAR - 50 <= values_from.year <= LATEST_YEAR:
        raise DomainError("The first period published must start between 1950 and 2100.")
    row = Publication.objects.create(
        indicator=indicator,
        action=action,
        values_from=values_from,
        include_commentary=include_commentary,
        embargo_until=embargo_until or now,
        proposed_by=actor,
        proposed_at=now,
    )
    _audit(
        actor,
        "publication_proposed",
        row,
        {
            "embargo_until": row.embargo_until.isoformat(),
            "values_from": values_from.isoformat() if values_from else None,
            "include_commentary": include_commentary,
        },
    )
    return row


def _locked(publication: Publication) -> Publication:
    return (
        Publication.objects.select_for_update(of=("self",))
        .select_related("indicator", "action")
        .get(pk=publication.pk)
    )


@transaction.atomic
def publication_approve(*, actor: User, publication: Publication, note: str = "") -> Publication:
    """Approve a proposal (someone other than its proposer); it replaces the item's
    decision in force, which stays shown until this one may be (embargo, pre-election)."""
    require_manage_publication(actor)
    row = _locked(publication)
    if row.state != PublicationState.PROPOSED:
        raise Conflict(
            f"This decision is {row.get_state_display().lower()}, not waiting for approval."
        )
    if row.proposed_by_id == actor.pk:
        raise DomainError(
            "Someone other than the person who proposed it must approve a publication.",
            code="four_eyes",
        )
    same_item = Publication.objects.filter(
        indicator=row.indicator, action=row.action, state=PublicationState.APPROVED
    )
    same_item.update(state=PublicationState.SUPERSEDED)
    row.state = PublicationState.APPROVED
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.decision_note = (note or "").strip()
    row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _audit(actor, "publication_approved", row, {"state": row.state, "note": row.decision_note})
    public_cache_invalidate()
    return row


@transaction.atomic
def publication_reject(*, actor: User, publication: Publication, reason: str) -> Publication:
    require_manage_publication(actor)
    row = _locked(publication)
    if row.state != PublicationState.PROPOSED:
        raise Conflict(
            f"This decision is {row.get_state_display().lower()}, not waiting for approval."
        )
    if not (reason or "").strip():
        raise DomainError("Say why the publication is not approved.", code="reason_required")
    row.state = PublicationState.REJECTED
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.decision_note = reason.strip()
    row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _audit(actor, "publication_rejected", row, {"state": row.state, "reason": row.decision_note})
    return row


@transaction.atomic
def publication_withdraw(*, actor: User, publication: Publication, reason: str) -> Publication:
    """Take an item off the public pages at once (never held back by an embargo or a
    pre-election period)."""
    require_manage_publication(actor)
    row = _locked(publication)
    if row.state != PublicationState.APPROVED:
        raise Conflict("Only a publication in force can be withdrawn.")
    if not (reason or "").strip():
        raise DomainError("Say why the item is withdrawn.", code="reason_required")
    row.state = PublicationState.WITHDRAWN
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.decision_note = reason.strip()
    row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _audit(actor, "publication_withdrawn", row, {"state": row.state, "reason": row.decision_note})
    public_cache_invalidate()
    return row


@transaction.atomic
def pre_election_create(
    *, actor: User, name: str, starts_at: datetime, ends_at: datetime
) -> PreElectionPeriod:
    require_pre_election(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("Give the pre-election period a name.", code="name_required")
    _sensible(starts_at, "The start")
    _sensible(ends_at, "The end")
    if ends_at <= starts_at:
        raise DomainError("The pre-election period must end after it starts.", code="invalid_dates")
    row = PreElectionPeriod.objects.create(
        name=name, starts_at=starts_at, ends_at=ends_at, created_by=actor
    )
    audit_record(
        actor=actor,
        action="pre_election_set",
        obj=row,
        new={"name": name, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    public_cache_invalidate()
    return row


@transaction.atomic
def pre_election_delete(*, actor: User, period: PreElectionPeriod) -> None:
    require_pre_election(actor)
    audit_record(
        actor=actor,
        action="pre_election_removed",
        obj=period,
        old={"name": period.name, "starts_at": period.starts_at.isoformat()},
    )
    period.delete()
    public_cache_invalidate()
