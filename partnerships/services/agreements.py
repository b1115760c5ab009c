"""Data-sharing agreements and their lifecycle.

    draft ──send──▶ awaiting acceptance ──every party's signatory accepts──▶ active
    active ──suspend──▶ suspended ──resume──▶ active
    active / suspended / awaiting ──revoke──▶ revoked;  past its end date ──▶ expired
    a newer version becoming active ──▶ superseded

Terms are fixed once a version leaves draft; an amendment is a new version that needs every
party's acceptance again, and the version it amends stays in force until then, and on record
afterwards. Publication follows the lifecycle: activation queues the parties' existing
approved values for publication; suspension, revocation, expiry and supersession withdraw
what the version published (and revocation or expiry delete it when the version says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.tenants.models import Organisation

from ..domain.choices import FINAL_STATUSES, LawfulBasis, SharedField, VersionStatus
from ..models import (
    AgreementAcceptance,
    AgreementVersion,
    DataSharingAgreement,
    Partnership,
    PartnershipIndicator,
    PartnershipMember,
)
from ..permissions import can_manage_partnership, is_signatory, require_manage, require_member
from ..selectors import bases
from .common import as_date, clean_and_save

TERMS = (
    "indicator_codes",
    "fields",
    "purpose",
    "lawful_basis",
    "retention_months",
    "delete_on_end",
    "starts_on",
    "ends_on",
)


def _refuse(field: str, message: str, code: str = "invalid") -> DomainError:
    """A refusal that names the term it is about, so forms can show it beside the field."""
    return DomainError(message, extra={"fields": {field: [message]}}, code=code)


def _check_codes(partnership: Partnership, codes: list[str]) -> None:
    """An agreement covers catalogue indicators and the partnership's own indicators only:
    a mistyped code would otherwise be signed and silently share nothing."""
    known = set(
        PartnershipIndicator.objects.filter(partnership=partnership, code__in=codes).values_list(
            "code", flat=True
        )
    ) | set(CatalogueIndicator.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise _refuse(
            "indicator_codes",
            f"Neither national catalogue codes nor {partnership.name}'s own indicators: "
            f"{', '.join(unknown)}.",
            code="unknown_indicator",
        )


def _lock(version: AgreementVersion) -> AgreementVersion:
    return (
        AgreementVersion.objects.select_for_update(of=("self",))
        .select_related("agreement__partnership")
        .get(pk=version.pk)
    )


def _codes(codes: Iterable[str]) -> list[str]:
    cleaned = []
    for code in codes:
        code = (code or "").strip()
        if code and code not in cleaned:
            cleaned.append(code)
    return cleaned


def _fields(fields: Iterable[str]) -> list[str]:
    known = set(SharedField.values)
    chosen = list(dict.fromkeys(str(field) for field in fields))
    unknown = [field for field in chosen if field not in known]
    if unknown:
        raise _refuse(
            "fields",
            f"Unknown field(s) to share: {', '.join(unknown)}; choose from "
            f"{', '.join(SharedField.values)}.",
        )
    return [field for field in SharedField.values if field in chosen]


def _apply_terms(version: AgreementVersion, terms: dict) -> None:
    unknown = set(terms) - set(TERMS)
    if unknown:
        raise DomainError(f"Unknown agreement terms: {', '.join(sorted(unknown))}.")
    for name, raw in terms.items():
        if name == "indicator_codes":
            raw = _codes(raw)
        elif name == "fields":
            raw = _fields(raw)
        elif name in ("starts_on", "ends_on"):
            raw = as_date(raw, name="The start date" if name == "starts_on" else "The end date")
        elif name == "lawful_basis" and raw not in LawfulBasis.values:
            raise _refuse(
                "lawful_basis",
                f"'{raw}' is not a lawful basis; choose from {', '.join(LawfulBasis.values)}.",
            )
        setattr(version, name, raw)


def _set_parties(
    version: AgreementVersion, partnership: Partnership, parties: Iterable[Organisation]
) -> None:
    parties = list({party.pk: party for party in parties}.values())
    if len(parties) < 2:
        raise _refuse("parties", "An agreement needs at least two parties.")
    member_ids = set(
        PartnershipMember.objects.filter(partnership=partnership).values_list(
            "organisation_id", flat=True
        )
    )
    outsiders = [party.name for party in parties if party.pk not in member_ids]
    if outsiders:
        raise _refuse(
            "parties",
            f"Only members of {partnership.name} can be parties; not {', '.join(outsiders)}.",
        )
    version.parties.set(parties)


@transaction.atomic
def agreement_create(
    *,
    partnership: Partnership,
    organisation: Organisation,
    actor: User,
    title: str,
    parties: Iterable[Organisation],
    indicator_codes: Iterable[str],
    fields: Iterable[str],
    purpose: str,
    lawful_basis: str,
    retention_months: int,
    starts_on: date | str,
    ends_on: date | str | None = None,
    delete_on_end: bool = False,
) -> AgreementVersion:
    """Draft a new agreement (its version 1) between members of the partnership."""
    require_manage(partnership, organisation, actor)
    agreement = DataSharingAgreement(partnership=partnership, title=(title or "").strip())
    clean_and_save(agreement)
    version = AgreementVersion(agreement=agreement, number=1, created_by=actor.email)
    _apply_terms(
        version,
        {
            "indicator_codes": indicator_codes,
            "fields": fields,
            "purpose": purpose,
            "lawful_basis": lawful_basis,
            "retention_months": retention_months,
            "delete_on_end": delete_on_end,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    clean_and_save(version)
    _set_parties(version, partnership, parties)
    _check_codes(partnership, version.indicator_codes)
    return version


@transaction.atomic
def agreement_version_update(
    *,
    version: AgreementVersion,
    organisation: Organisation,
    actor: User,
    parties: Iterable[Organisation] | None = None,
    **terms,
) -> AgreementVersion:
    """Change a draft's terms. Once sent for acceptance, terms change only by amendment."""
    version = _lock(version)
    partnership = version.agreement.partnership
    require_manage(partnership, organisation, actor)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            f"{version.label} is {version.get_status_display().lower()}: its terms are fixed. "
            "Amend the agreement to change them.",
            code="terms_fixed",
        )
    _apply_terms(version, terms)
    clean_and_save(version)
    if "indicator_codes" in terms:
        _check_codes(partnership, version.indicator_codes)
    if parties is not None:
        _set_parties(version, partnership, parties)
    return version


@transaction.atomic
def agreement_send_for_acceptance(
    *, version: AgreementVersion, organisation: Organisation, actor: User
) -> AgreementVersion:
    """Freeze a draft's terms and ask every party to accept them."""
    version = _lock(version)
    require_manage(version.agreement.partnership, organisation, actor)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(f"{version.label} has already been sent for acceptance.")
    version.status = VersionStatus.AWAITING_ACCEPTANCE
    version.sent_at = timezone.now()
    version.save(update_fields=["status", "sent_at"])
    return version


def _activate(version: AgreementVersion) -> None:
    previous = list(
        AgreementVersion.objects.select_for_update()
        .filter(
            agreement=version.agreement,
            status__in=[VersionStatus.ACTIVE, VersionStatus.SUSPENDED],
        )
        .exclude(pk=version.pk)
    )
    now = timezone.now()
    version.status = VersionStatus.ACTIVE
    version.activated_at = now
    version.save(update_fields=["status", "activated_at"])
    for older in previous:
        older.status = VersionStatus.SUPERSEDED
        older.ended_at = now
        older.end_reason = f"Superseded by version {version.number}."
        older.save(update_fields=["status", "ended_at", "end_reason"])
        # Hide, never delete: the new version republishes what it still covers, and deleting
        # first would lose the restatement history of values both versions cover.
        bases.withdraw(older, delete=False)
    today = timezone.localdate()
    if version.starts_on <= today and (version.ends_on is None or version.ends_on >= today):
        bases.publish_under(version)


@transaction.atomic
def agreement_accept(
    *, version: AgreementVersion, organisation: Organisation, actor: User
) -> AgreementVersion:
    """Accept (sign) a version for the actor's organisation. When the last party accepts,
    the version becomes active and publication under it begins."""
    version = _lock(version)
    partnership = version.agreement.partnership
    membership = require_member(partnership, organisation, actor)
    if not version.parties.filter(pk=organisation.pk).exists():
        raise PermissionDenied(f"{organisation.name} is not a party to {version.label}.")
    if not is_signatory(membership, actor):
        raise PermissionDenied(
            f"Only an authorised signatory of {organisation.name} (an administrator, or a "
            "user its membership names as a signatory) may accept an agreement."
        )
    if version.status != VersionStatus.AWAITING_ACCEPTANCE:
        raise Conflict(
            f"{version.label} is {version.get_status_display().lower()}, so it cannot be accepted.",
            code="wrong_state",
        )
    if AgreementAcceptance.objects.filter(version=version, organisation=organisation).exists():
        raise Conflict(f"{organisation.name} has already accepted {version.label}.")
    AgreementAcceptance.objects.create(
        version=version,
        organisation=organisation,
        signed_by_email=actor.email,
        signed_by_name=actor.full_name or actor.email,
        signed_at=timezone.now(),
    )
    party_ids = set(version.parties.values_list("pk", flat=True))
    accepted = set(
        AgreementAcceptance.objects.filter(version=version).values_list(
            "organisation_id", flat=True
        )
    )
    if party_ids <= accepted:
        _activate(version)
    return version


@transaction.atomic
def agreement_amend(
    *,
    agreement: DataSharingAgreement,
    organisation: Organisation,
    actor: User,
    parties: Iterable[Organisation] | None = None,
    **terms,
) -> AgreementVersion:
    """Draft the next version from the latest one, with the changes given. The version in
    force stays in force until every party has accepted the amendment."""
    require_manage(agreement.partnership, organisation, actor)
    latest = (
        AgreementVersion.objects.select_for_update()
        .filter(agreement=agreement)
        .order_by("-number")
        .first()
    )
    if latest is None:
        raise NotFound("That agreement has no versions.")
    if latest.status in (VersionStatus.DRAFT, VersionStatus.AWAITING_ACCEPTANCE):
        raise Conflict(
            f"{latest.label} is still {latest.get_status_display().lower()}; change or revoke "
            "it rather than amending.",
            code="amendment_open",
        )
    if latest.status in (VersionStatus.REVOKED, VersionStatus.EXPIRED):
        raise Conflict(f"{latest.label} has ended; draft a new agreement instead.")
    version = AgreementVersion(
        agreement=agreement, number=latest.number + 1, created_by=actor.email
    )
    for name in TERMS:
        setattr(version, name, getattr(latest, name))
    _apply_terms(version, terms)
    clean_and_save(version)
    if "indicator_codes" in terms:
        _check_codes(agreement.partnership, version.indicator_codes)
    _set_parties(
        version, agreement.partnership, parties if parties is not None else latest.parties.all()
    )
    return version


def _require_party_or_lead(version: AgreementVersion, organisation: Organisation, actor: User):
    partnership = version.agreement.partnership
    membership = require_member(partnership, organisation, actor)
    if can_manage_partnership(partnership, organisation, actor):
        return
    if version.parties.filter(pk=organisation.pk).exists() and is_signatory(membership, actor):
        return
    raise PermissionDenied(
        "Only a signatory of a party, or the lead organisation's managers, may do this."
    )


def _end(
    version: AgreementVersion, *, status: str, actor_email: str, reason: str, delete: bool
) -> AgreementVersion:
    version.status = status
    version.ended_at = timezone.now()
    version.ended_by = actor_email
    version.end_reason = reason
    version.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    bases.withdraw(version, delete=delete)
    return version


def _reason(reason: str, doing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"Give a reason for {doing} the agreement.", code="reason_required")
    return reason


@transaction.atomic
def agreement_suspend(
    *, version: AgreementVersion, organisation: Organisation, actor: User, reason: str
) -> AgreementVersion:
    """Stop sharing under an active version for now: what it published is hidden, not
    deleted, and is published again on resumption."""
    version = _lock(version)
    _require_party_or_lead(version, organisation, actor)
    if version.status != VersionStatus.ACTIVE:
        raise Conflict(f"{version.label} is not active, so it cannot be suspended.")
    return _end(
        version,
        status=VersionStatus.SUSPENDED,
        actor_email=actor.email,
        reason=_reason(reason, "suspending"),
        delete=False,
    )


@transaction.atomic
def agreement_resume(
    *, version: AgreementVersion, organisation: Organisation, actor: User
) -> AgreementVersion:
    version = _lock(version)
    _require_party_or_lead(version, organisation, actor)
    if version.status != VersionStatus.SUSPENDED:
        raise Conflict(f"{version.label} is not suspended.")
    version.status = VersionStatus.ACTIVE
    version.ended_at = None
    version.ended_by = ""
    version.end_reason = ""
    version.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    today = timezone.localdate()
    if version.starts_on <= today and (version.ends_on is None or version.ends_on >= today):
        bases.publish_under(version)
    return version


@transaction.atomic
def agreement_revoke(
    *, version: AgreementVersion, organisation: Organisation, actor: User, reason: str
) -> AgreementVersion:
    """End a version for good. What it published stops being visible to the other parties
    at once, and is deleted when the version's retention says to delete on end."""
    version = _lock(version)
    _require_party_or_lead(version, organisation, actor)
    if version.status in FINAL_STATUSES or version.status == VersionStatus.DRAFT:
        raise Conflict(
            f"{version.label} is {version.get_status_display().lower()}, so it cannot be revoked.",
            code="wrong_state",
        )
    return _end(
        version,
        status=VersionStatus.REVOKED,
        actor_email=actor.email,
        reason=_reason(reason, "revoking"),
        delete=version.delete_on_end,
    )


@transaction.atomic
def agreement_expire_due(*, today: date | None = None) -> dict[str, int]:
    """The daily sweep: expire versions past their end date (withdrawing what they
    published), and start publication under active versions whose start date has come."""
    today = today or timezone.localdate()
    expired = 0
    for version in (
        AgreementVersion.objects.select_for_update()
        .filter(
            status__in=[
                VersionStatus.ACTIVE,
                VersionStatus.SUSPENDED,
                VersionStatus.AWAITING_ACCEPTANCE,
            ],
            ends_on__lt=today,
        )
        .select_related("agreement")
    ):
        _end(
            version,
            status=VersionStatus.EXPIRED,
            actor_email="",
            reason=f"Reached its end date, {version.ends_on:%d %B %Y}.",
            delete=version.delete_on_end,
        )
        expired += 1
    started = 0
    for version in (
        AgreementVersion.objects.select_for_update()
        .filter(bases.in_force_filter(today), publication_queued_at__isnull=True)
        .select_related("agreement")
    ):
        bases.publish_under(version)
        started += 1
    return {"expired": expired, "started": started}
