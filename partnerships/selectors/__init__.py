"""Reads of partnerships: who may see which partnership, agreement and figure.

Visibility (security-relevant), with the requesting ORGANISATION as the principal:

* a partnership, its members and shared indicators are visible to its members only;
  `partnerships_visible_to` is the one place that decides, and fails closed. Every interface
  fetches one through `partnership_get_for` / `shared_indicator_get_for`, which raise
  NotFound for another organisation's id exactly as for an id that does not exist.
* agreement versions are visible to the organisations that are parties to them; the lead
  organisation sees every version of its partnership's agreements.
* members' figures come only from the publication store, through grants of the agreement
  versions in force of THIS partnership to which the reader is itself a party
  (`readable_bases`); fields the grant does not include are blanked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from goldenthread.platform.core.errors import NotFound
from goldenthread.shared_indicators.publication.domain.bases import Basis
from goldenthread.shared_indicators.publication.selectors import reads_of
from goldenthread.tenants.models import Organisation

from ..domain.choices import InvitationStatus
from ..models import (
    AgreementVersion,
    DataSharingAgreement,
    Partnership,
    PartnershipIndicator,
    PartnershipInvitation,
    PartnershipMember,
    SubmissionReminder,
)
from .bases import basis_of, in_force_filter


def partnerships_visible_to(*, organisation: Organisation | None) -> QuerySet[Partnership]:
    """Partnerships the organisation is a member of (none without an organisation)."""
    if organisation is None or organisation.pk is None:
        return Partnership.objects.none()
    return (
        Partnership.objects.filter(members__organisation=organisation)
        .select_related("lead_organisation")
        .distinct()
        .order_by("name", "id")
    )


def partnership_get_for(*, reader: Organisation | None, partnership_id: int) -> Partnership:
    """The partnership when `reader` (the requesting organisation) is a member; otherwise
    NotFound, whether or not it exists."""
    partnership = partnerships_visible_to(organisation=reader).filter(pk=partnership_id).first()
    if partnership is None:
        raise NotFound("There is no such partnership.")
    return partnership


def shared_indicator_get_for(
    *, reader: Organisation | None, indicator_id: int
) -> PartnershipIndicator:
    """A partnership's shared indicator when `reader` is a member of that partnership;
    otherwise NotFound, whether or not it exists."""
    indicator = (
        PartnershipIndicator.objects.filter(
            pk=indicator_id, partnership__in=partnerships_visible_to(organisation=reader)
        )
        .select_related("partnership")
        .first()
    )
    if indicator is None:
        raise NotFound("There is no such shared indicator.")
    return indicator


def member_list(*, partnership: Partnership) -> list[PartnershipMember]:
    return list(
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def shared_indicator_list(*, partnership: Partnership) -> list[PartnershipIndicator]:
    return list(PartnershipIndicator.objects.filter(partnership=partnership).order_by("code"))


def versions_visible_filter(organisation: Organisation) -> Q:
    return Q(parties=organisation) | Q(agreement__partnership__lead_organisation=organisation)


def agreement_versions_visible_to(
    *, organisation: Organisation, partnership: Partnership | None = None
) -> QuerySet[AgreementVersion]:
    """Versions the organisation may see: those it is party to, and all of the partnerships
    it leads — only ever of partnerships it belongs to."""
    versions = AgreementVersion.objects.filter(
        agreement__partnership__in=partnerships_visible_to(organisation=organisation)
    ).filter(versions_visible_filter(organisation))
    if partnership is not None:
        versions = versions.filter(agreement__partnership=partnership)
    return (
        versions.select_related("agreement__partnership")
        .prefetch_related("parties", "acceptances__organisation")
        .distinct()
        .order_by("agreement__title", "agreement_id", "-number")
    )


def agreement_version_get(*, organisation: Organisation, version_id: int) -> AgreementVersion:
    version = agreement_versions_visible_to(organisation=organisation).filter(pk=version_id).first()
    if version is None:
        raise NotFound("There is no such agreement.")
    return version


def agreement_history(*, agreement: DataSharingAgreement, organisation: Organisation):
    return list(
        agreement_versions_visible_to(organisation=organisation).filter(agreement=agreement)
    )


def readable_bases(
    *, partnership: Partnership, organisation: Organisation, indicator_codes=None
) -> list[Basis]:
    """The bases through which `organisation` may read members' published values in this
    partnership: versions in force of its agreements to which the organisation is a party."""
    versions = (
        AgreementVersion.objects.filter(in_force_filter())
        .filter(agreement__partnership=partnership, parties=organisation)
        .select_related("agreement")
        .order_by("pk")
    )
    return [basis_of(version) for version in versions]


def reads_of_organisation(*, organisation: Organisation):
    """The log of other organisations' reads of this organisation's data, newest first: under
    partnership agreements AND under its benchmarking club consents (one log, as the owner
    sees it). A reader in an anonymised club is "a member of <club>", not named (the
    disclosure rule the benchmarking app registers; see `publication.selectors.OwnerRead`)."""
    return reads_of(owner_organisation_id=organisation.pk)


def reminders_for(*, partnership: Partnership, period_code: str) -> dict[tuple[int, int], object]:
    return {
        (reminder.indicator_id, reminder.organisation_id): reminder
        for reminder in SubmissionReminder.objects.filter(
            indicator__partnership=partnership, period_code=period_code
        )
    }


# Who is reminded in a member organisation: the people who manage its figures.
REMINDER_ROLES = ("org_admin", "performance_officer", "partner_liaison")


@dataclass(frozen=True)
class ReminderRecipients:
    """Who a submission reminder goes to, and the member's own indicator it is about (if the
    member has one for the shared code), for the e-mail's wording."""

    emails: list[str]
    local_indicator: object | None


def reminder_recipients(*, reminder: SubmissionReminder) -> ReminderRecipients:
    """The member's active administrators, performance officers and partner liaison officers,
    and the active owner of its indicator for the shared code (matched by catalogue code,
    else by its own code), read in the member's own schema; sorted, each once."""
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.indicators.models import Indicator

    code = reminder.indicator.code
    with schema_context(reminder.organisation.schema_name):
        emails = set(
            User.objects.filter(is_active=True, roles__overlap=list(REMINDER_ROLES)).values_list(
                "email", flat=True
            )
        )
        local = (
            Indicator.objects.filter(catalogue_code=code).select_related("owner").first()
            or Indicator.objects.filter(catalogue_code="", code=code)
            .select_related("owner")
            .first()
        )
        if local is not None and local.owner is not None and local.owner.is_active:
            emails.add(local.owner.email)
    return ReminderRecipients(emails=sorted(emails), local_indicator=local)


def invitable_organisations(*, partnership: Partnership) -> QuerySet[Organisation]:
    """Active organisations on the platform that are neither members nor already invited.
    Their names are not secret (they are the platform's public list of organisations);
    nothing else about them is shown."""
    from django_tenants.utils import get_public_schema_name

    from goldenthread.tenants.models import OrganisationStatus

    member = PartnershipMember.objects.filter(partnership=partnership, organisation=OuterRef("pk"))
    invited = PartnershipInvitation.objects.filter(
        partnership=partnership, organisation=OuterRef("pk"), status=InvitationStatus.PENDING
    )
    return (
        Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
        .exclude(schema_name=get_public_schema_name())
        .exclude(Exists(member))
        .exclude(Exists(invited))
        .only("id", "name")
        .order_by("name", "id")
    )


def invitations_for(*, organisation: Organisation) -> QuerySet[PartnershipInvitation]:
    """Invitations addressed to the organisation that still await its answer."""
    return (
        PartnershipInvitation.objects.filter(
            organisation=organisation, status=InvitationStatus.PENDING
        )
        .select_related("partnership__lead_organisation")
        .order_by("-invited_at", "-id")
    )


def invitations_of(*, partnership: Partnership) -> QuerySet[PartnershipInvitation]:
    """Every invitation of a partnership, for its lead."""
    return (
        PartnershipInvitation.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("-invited_at", "-id")
    )


def invitation_get(*, organisation: Organisation, invitation_id: int) -> PartnershipInvitation:
    """An invitation as the organisation may see it: the invited organisation, or the
    partnership's lead. Anyone else is told it does not exist."""
    from goldenthread.platform.core.errors import NotFound

    invitation = (
        PartnershipInvitation.objects.filter(pk=invitation_id)
        .filter(Q(organisation=organisation) | Q(partnership__lead_organisation=organisation))
        .select_related("partnership__lead_organisation", "organisation")
        .first()
    )
    if invitation is None:
        raise NotFound("There is no such invitation.")
    return invitation
