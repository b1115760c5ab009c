"""Partnerships and their members."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied
from goldenthread.tenants.models import Organisation
from goldenthread.tenants.sharing import require_sharing_organisation

from ..domain.choices import MemberRole
from ..models import Partnership, PartnershipMember
from ..permissions import require_manage, require_membership_admin
from .common import as_date, clean_and_save


def _emails(emails: Iterable[str]) -> list[str]:
    return sorted({email.strip().lower() for email in emails if email and email.strip()})


def signatory_emails_clean(emails: Iterable[str] | str, *, field: str = "signatory_emails"):
    """Normalise a list of signatories' e-mail addresses (a string may hold several,
    separated by commas, semicolons or new lines), refusing any that is not an address."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if isinstance(emails, str):
        emails = emails.replace(",", " ").replace(";", " ").split()
    cleaned = _emails(emails)
    bad = []
    for email in cleaned:
        try:
            validate_email(email)
        except ValidationError:
            bad.append(email)
    if bad:
        message = f"Not an e-mail address: {', '.join(bad)}."
        raise DomainError(message, extra={"fields": {field: [message]}}, code="invalid_email")
    return cleaned


@transaction.atomic
def partnership_create(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    type: str,
    starts_on: date | str,
    ends_on: date | str | None = None,
    description: str = "",
    signatory_emails: Iterable[str] = (),
) -> Partnership:
    """Form a partnership led by the actor's organisation, which becomes its first member
    (with the signatories given). Only the organisation's administrators may commit it."""
    require_membership_admin(actor, "form a partnership")
    require_sharing_organisation(organisation)
    signatories = signatory_emails_clean(signatory_emails)
    partnership = Partnership(
        name=(name or "").strip(),
        type=type,
        description=description or "",
        lead_organisation=organisation,
        starts_on=as_date(starts_on, name="The start date"),
        ends_on=as_date(ends_on, name="The end date"),
        created_by=actor.email,
    )
    clean_and_save(partnership)
    clean_and_save(
        PartnershipMember(
            partnership=partnership,
            organisation=organisation,
            role=MemberRole.LEAD,
            signatory_emails=signatories,
        )
    )
    return partnership


@transaction.atomic
def partnership_member_add(
    *,
    partnership: Partnership,
    organisation: Organisation,
    actor: User,
    member: Organisation,
    role: str = MemberRole.MEMBER,
    signatory_emails: Iterable[str] = (),
) -> PartnershipMember:
    """Add an organisation to the partnership directly (the lead is added when it is
    formed). For seeding and administration: the pages and REST API invite instead
    (`partnership_invite`), so that the organisation itself agrees to join."""
    require_manage(partnership, organisation, actor)
    if role == MemberRole.LEAD:
        raise DomainError("A partnership has one lead, the organisation that formed it.")
    require_sharing_organisation(member)
    if PartnershipMember.objects.filter(partnership=partnership, organisation=member).exists():
        raise Conflict(f"{member.name} is already a member of {partnership.name}.")
    membership = PartnershipMember(
        partnership=partnership,
        organisation=member,
        role=role,
        signatory_emails=_emails(signatory_emails),
    )
    clean_and_save(membership)
    return membership


@transaction.atomic
def partnership_member_update(
    *,
    membership: PartnershipMember,
    organisation: Organisation,
    actor: User,
    role: str | None = None,
    signatory_emails: Iterable[str] | None = None,
) -> PartnershipMember:
    """Change a member's role, or who signs for it. The lead's own role does not change; an
    organisation's administrators (only) may name their own signatories."""
    partnership = membership.partnership
    own = membership.organisation_id == organisation.pk
    if role is not None:
        require_manage(partnership, organisation, actor)
        if MemberRole.LEAD in (role, membership.role):
            raise DomainError("The lead organisation's role cannot change.")
        membership.role = role
    if signatory_emails is not None:
        if not own:
            raise PermissionDenied("Only the member's own administrators may name its signatories.")
        require_membership_admin(actor, "name who signs agreements for it")
        membership.signatory_emails = signatory_emails_clean(signatory_emails)
    clean_and_save(membership)
    return membership


@transaction.atomic
def partnership_member_remove(
    *, membership: PartnershipMember, organisation: Organisation, actor: User
) -> None:
    """Remove a member. Agreements it is party to must be ended first, so that nothing it
    published stays visible by accident."""
    require_manage(membership.partnership, organisation, actor)
    if membership.role == MemberRole.LEAD:
        raise DomainError("The lead organisation cannot leave its own partnership.")
    from ..domain.choices import FINAL_STATUSES
    from ..models import AgreementVersion

    open_versions = AgreementVersion.objects.filter(
        agreement__partnership=membership.partnership, parties=membership.organisation
    ).exclude(status__in=FINAL_STATUSES)
    if open_versions.exists():
        raise Conflict(
            f"{membership.organisation.name} is a party to an agreement that has not ended; "
            "revoke or amend it first."
        )
    membership.delete()
