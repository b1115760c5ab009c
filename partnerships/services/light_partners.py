"""Light partner organisations: a partnership brings in a body that is not on the platform.

    lead's administrator invites by e-mail ──▶ pending ──the body accepts by the link──▶
        a partner-only organisation, member of the partnership, party to an ACTIVE agreement
        with the lead; its accepter its first administrator
    pending ──lead withdraws──▶ withdrawn;   pending past `expires_at` ──▶ the link is refused

No helpdesk step: the platform's limits stand in for the helpdesk's judgement
(`LIGHT_PARTNERS_PER_PARTNERSHIP`, `LIGHT_PARTNER_INVITATIONS_PER_DAY` per partnership,
`LIGHT_PARTNERS_PER_DAY` across the platform, `LIGHT_PARTNER_INVITATION_DAYS` for the link).

The link is `/join/<token>/` on the platform host; the token is the invitation's id and nonce
signed with the site's key (`django.core.signing`, its own salt), so a token that was altered
is refused, and it works once: accepting or withdrawing ends it.

Accepting creates (one transaction): the organisation (`tenants.services.organisation_create`,
type parish council or voluntary group, licensed for partnerships only, `is_light_partner`),
its administrator with the password they chose, its membership, the agreement the lead offered
(between the lead and the new body only, covering the partnership's indicators the invitation
names; the lead's administrator signed it by inviting, the accepter signs it by accepting, so
it is active at once) and, in the new schema, one PI per covered indicator for the body to
report on. A light organisation reports with `contribution_submit`: its administrator enters
and approves in one step (a one-person body has nobody else to approve; see
`indicators.permissions.verification_decision`), and the approval publishes the value under
the agreement as any member's does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from goldenthread.tenants.models import (
    RESERVED_SLUGS,
    Module,
    Organisation,
    OrganisationType,
    PlatformAuditAction,
)

from ..domain.choices import LawfulBasis, MemberRole, SharedField, VersionStatus
from ..models import (
    AgreementAcceptance,
    AgreementVersion,
    DataSharingAgreement,
    LightInvitationStatus,
    LightPartnerInvitation,
    Partnership,
    PartnershipIndicator,
    PartnershipMember,
)
from ..permissions import require_lead_membership_admin, require_member
from .common import clean_and_save

SALT = "goldenthread.partnerships.light-invitation"
LIGHT_TYPES = (OrganisationType.PARISH, OrganisationType.VOLUNTARY)
LIGHT_MODULES = [Module.PARTNERSHIPS.value]
# The accepter runs the body: administrator, performance officer (keeps its PIs) and verifier
# (approves its submissions).
LIGHT_ADMIN_ROLES = [Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER, Role.VERIFIER]
RETENTION_MONTHS = 36


def _field_error(field: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, extra={"fields": {field: [message]}}, code=code)


def _limit(name: str) -> int:
    return int(getattr(settings, name))


def token_for(invitation: LightPartnerInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def join_path(token: str) -> str:
    return f"/join/{token}/"


@transaction.atomic
def light_partner_invite(
    *,
    partnership: Partnership,
    organisation: Organisation,
    actor: User,
    body_name: str,
    body_type: str,
    email: str,
    contact_name: str = "",
    indicator_codes: list[str] | None = None,
    purpose: str = "",
    message: str = "",
    base_url: str = "",
) -> LightPartnerInvitation:
    """Invite a body not on the platform by e-mail (the lead organisation's administrators
    only), offering an agreement with the lead covering `indicator_codes` (default: every
    indicator of the partnership). The link is e-mailed to `email` only, by the worker once
    this commits (`light_invitation_send`)."""
    require_lead_membership_admin(partnership, organisation, actor, "invite a new partner body")
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    body_name = (body_name or "").strip()
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not body_name:
        errors["body_name"] = ["Enter the name of the body you are inviting."]
    if body_type not in LIGHT_TYPES:
        labels = dict(OrganisationType.choices)
        errors["body_type"] = [
            "Choose " + " or ".join(labels[t].lower() for t in LIGHT_TYPES) + "."
        ]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter the e-mail address of the person who will accept."]
    known = list(
        PartnershipIndicator.objects.filter(partnership=partnership).values_list("code", flat=True)
    )
    codes = [c.strip() for c in indicator_codes or known if c and c.strip()]
    unknown = sorted(set(codes) - set(known))
    if unknown:
        errors["indicator_codes"] = [f"Not indicators of {partnership.name}: {', '.join(unknown)}."]
    elif not codes:
        errors["indicator_codes"] = [
            f"{partnership.name} has no shared indicators yet; add one before inviting."
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, extra={"fields": errors}, code="invalid")
    now = timezone.now()
    light = LightPartnerInvitation.objects.filter(partnership=partnership)
    # Accepted invitations and those whose link still works count towards the limit.
    taken = (
        light.filter(status=LightInvitationStatus.ACCEPTED).count()
        + light.filter(status=LightInvitationStatus.PENDING, expires_at__gt=now).count()
    )
    if taken >= _limit("LIGHT_PARTNERS_PER_PARTNERSHIP"):
        raise Conflict(
            f"{partnership.name} has reached the platform's limit of "
            f"{_limit('LIGHT_PARTNERS_PER_PARTNERSHIP')} new partner bodies; ask the helpdesk "
            "to raise it.",
            code="light_partner_limit",
        )
    if light.filter(invited_at__gt=now - timedelta(days=1)).count() >= _limit(
        "LIGHT_PARTNER_INVITATIONS_PER_DAY"
    ):
        raise Conflict(
            f"{partnership.name} has sent {_limit('LIGHT_PARTNER_INVITATIONS_PER_DAY')} "
            "invitations in the last 24 hours, the most the platform allows; try again "
            "tomorrow.",
            code="light_invitation_rate",
        )
    if light.filter(email=email, status=LightInvitationStatus.PENDING, expires_at__gt=now).exists():
        raise Conflict(
            f"{email} already has an invitation to {partnership.name} that has not been accepted.",
            extra={"fields": {"email": ["Already invited."]}},
        )
    invitation = LightPartnerInvitation(
        partnership=partnership,
        body_name=body_name,
        body_type=body_type,
        email=email,
        contact_name=(contact_name or "").strip(),
        message=(message or "").strip(),
        indicator_codes=codes,
        purpose=(purpose or "").strip()
        or f"Reporting {partnership.name}'s shared indicators to the partnership.",
        nonce=secrets.token_hex(16),
        invited_by=actor.email,
        invited_by_name=actor.full_name or actor.email,
        invited_at=now,
        expires_at=now + timedelta(days=_limit("LIGHT_PARTNER_INVITATION_DAYS")),
    )
    clean_and_save(invitation)
    # E-mailed by the worker, through the outbox: a mail server or broker that is down must
    # not turn an invitation that has committed into an error page (nor lose the e-mail).
    # Queued in the public schema, where invitations live; the link is made by the worker,
    # so no token is stored in the outbox.
    from goldenthread.platform.core.outbox import queue_after_commit

    from ..tasks import send_light_partner_invitation

    queue_after_commit(
        send_light_partner_invitation,
        invitation.pk,
        base_url,
        schema_name=get_public_schema_name(),
    )
    return invitation


def light_invitation_send(*, invitation_id: int, base_url: str = "") -> bool:
    """E-mail the link of an invitation still waiting to be accepted to its address only
    (run by the worker, `tasks.send_light_partner_invitation`), once: False, sending nothing,
    when it was already mailed, or has since been accepted, withdrawn or has expired.

    The invitation is locked while the e-mail goes and marked mailed in the same transaction,
    so a second delivery of the task (the outbox re-sends what it could not confirm) or a
    second worker finds it mailed, and a failed send leaves it unmailed for the retry. Only a
    worker that dies between the mail server's acceptance and the commit sends a second link
    (either link works, and only once: accepting or withdrawing ends the invitation)."""
    with transaction.atomic():
        invitation = (
            LightPartnerInvitation.objects.select_for_update(of=("self",))
            .select_related("partnership__lead_organisation")
            .filter(pk=invitation_id, mailed_at__isnull=True)
            .first()
        )
        if (
            invitation is None
            or invitation.status != LightInvitationStatus.PENDING
            or invitation.expires_at <= timezone.now()
        ):
            return False
        partnership = invitation.partnership
        lead = partnership.lead_organisation
        link = base_url.rstrip("/") + join_path(token_for(invitation))
        body = render_to_string(
            "partnerships/emails/light_invitation.txt",
            {"invitation": invitation, "link": link, "lead": lead},
        )
        send_mail(
            f"{lead.name} invites {invitation.body_name} to {partnership.name}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
        invitation.mailed_at = timezone.now()
        invitation.save(update_fields=["mailed_at"])
    return True


def invitation_from_token(token: str, *, lock: bool = False) -> LightPartnerInvitation:
    """The pending invitation a link names, or a refusal saying why: altered, withdrawn or
    already used, or expired."""
    try:
        payload = signing.loads(
            token,
            salt=SALT,
            max_age=timedelta(days=_limit("LIGHT_PARTNER_INVITATION_DAYS") + 1),
        )
    except signing.SignatureExpired:
        raise Conflict("This invitation has expired.", code="invitation_expired") from None
    except signing.BadSignature:
        raise NotFound("This invitation link is not valid.") from None
    qs = LightPartnerInvitation.objects.select_related("partnership__lead_organisation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(pk=payload.get("i"), nonce=payload.get("n")).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    if invitation.status == LightInvitationStatus.ACCEPTED:
        raise Conflict("This invitation has already been accepted.", code="invitation_used")
    if invitation.status == LightInvitationStatus.WITHDRAWN:
        raise Conflict(
            "This invitation was withdrawn by the partnership.", code="invitation_withdrawn"
        )
    if invitation.expires_at <= timezone.now():
        raise Conflict("This invitation has expired.", code="invitation_expired")
    return invitation


def suggested_slug(name: str) -> str:
    """A free host name for the body: its name in lower case with hyphens, shortened, and
    numbered when taken (`little-snoring-parish-council-2`)."""
    base = slugify(name)[:38].strip("-") or "partner"
    if not base[0].isalpha():
        base = f"p-{base}"[:38]
    if len(base) < 3:
        base = f"{base}-partner"
    candidate, n = base, 1
    while candidate in RESERVED_SLUGS or Organisation.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@dataclass(frozen=True)
class LightPartnerJoined:
    organisation: Organisation
    administrator: User
    membership: PartnershipMember
    version: AgreementVersion
    sign_in_url: str


def _local_indicators(*, organisation: Organisation, actor: User, codes: list[str], partnership):
    """One PI per covered shared indicator, in the new body's schema, for it to report on."""
    from goldenthread.platform.indicators.models import Indicator
    from goldenthread.platform.indicators.services.indicators import indicator_create

    shared = PartnershipIndicator.objects.filter(partnership=partnership, code__in=codes)
    with schema_context(organisation.schema_name):
        for indicator in shared:
            if Indicator.objects.filter(code=indicator.code).exists():
                continue
            indicator_create(
                actor=actor,
                code=indicator.code,
                title=indicator.title,
                definition=indicator.definition,
                unit_kind="number",
                unit_label=indicator.unit_label,
                polarity=indicator.polarity,
                frequency=indicator.frequency,
                decimal_places=indicator.decimal_places,
                owner=actor,
            )


@transaction.atomic
def light_partner_accept(
    *,
    token: str,
    slug: str,
    full_name: str,
    password: str,
    accept_agreement: bool,
    name: str | None = None,
    url_scheme: str = "http",
    port: int | None = None,
) -> LightPartnerJoined:
    """Accept an invitation (see the module docstring). Every problem with the form is
    reported at once as a `ValidationError` keyed by field before anything is written."""
    from goldenthread.tenants.services import organisation_create, platform_audit_record

    invitation = invitation_from_token(token, lock=True)
    partnership = invitation.partnership
    lead = partnership.lead_organisation
    errors: dict[str, list[str]] = {}
    if not accept_agreement:
        errors["accept_agreement"] = [
            "Tick to accept the data-sharing agreement; the body cannot join without it."
        ]
    if not (full_name or "").strip():
        errors["full_name"] = ["Enter your name."]
    try:
        validate_password(password or "", User(email=invitation.email, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    slug = (slug or "").strip().lower()
    if slug and Organisation.objects.filter(slug=slug).exists():
        errors["slug"] = [f"The address {slug} is taken; choose another."]
    elif not slug:
        errors["slug"] = ["Choose the web address for your organisation."]
    if Organisation.objects.filter(
        is_light_partner=True, created_at__gt=timezone.now() - timedelta(days=1)
    ).count() >= _limit("LIGHT_PARTNERS_PER_DAY"):
        raise Conflict(
            "The platform has taken in as many new partner bodies as it can today; please "
            "try the same link again tomorrow.",
            code="light_partner_daily_limit",
        )
    if errors:
        raise ValidationError(errors)
    try:
        provisioned = organisation_create(
            name=(name or invitation.body_name).strip(),
            slug=slug,
            type=invitation.body_type,
            admin_email=invitation.email,
            admin_name=full_name,
            licensed_modules=list(LIGHT_MODULES),
            url_scheme=url_scheme,
            port=port,
            actor=f"light-partner:{invitation.email}",
            invite_administrator=False,
        )
    except ValidationError as exc:
        # organisation_create names the administrator's fields admin_*; the form names them
        # as the accepter sees them.
        renamed = {
            {"admin_name": "full_name", "admin_email": "email"}.get(k, k): v
            for k, v in exc.message_dict.items()
        }
        raise ValidationError(renamed) from None
    organisation = provisioned.organisation
    organisation.is_light_partner = True
    organisation.save(update_fields=["is_light_partner"])
    with schema_context(organisation.schema_name):
        administrator = User.objects.get(pk=provisioned.administrator.pk)
        administrator.roles = [str(r) for r in LIGHT_ADMIN_ROLES]
        administrator.set_password(password)
        administrator.save(update_fields=["roles", "password"])
    membership = PartnershipMember(
        partnership=partnership,
        organisation=organisation,
        role=MemberRole.MEMBER,
        signatory_emails=[invitation.email],
    )
    clean_and_save(membership)
    version = _agreement(invitation, organisation, administrator)
    _local_indicators(
        organisation=organisation,
        actor=administrator,
        codes=invitation.indicator_codes,
        partnership=partnership,
    )
    invitation.status = LightInvitationStatus.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.organisation = organisation
    invitation.agreement_version = version
    invitation.save(update_fields=["status", "accepted_at", "organisation", "agreement_version"])
    platform_audit_record(
        actor=invitation.email,
        action=PlatformAuditAction.LIGHT_PARTNER_CREATED,
        organisation=organisation,
        detail={
            "partnership": partnership.name,
            "lead": lead.name,
            "invited_by": invitation.invited_by,
            "accepted_by": invitation.email,
            "modules": organisation.licensed_modules,
        },
    )
    return LightPartnerJoined(
        organisation=organisation,
        administrator=administrator,
        membership=membership,
        version=version,
        sign_in_url=provisioned.sign_in_url,
    )


def _agreement(invitation, organisation, administrator) -> AgreementVersion:
    """The agreement the lead offered, between the lead and the new body, signed by both."""
    from .agreements import _activate

    partnership = invitation.partnership
    agreement = DataSharingAgreement(
        partnership=partnership, title=f"{partnership.name}: {organisation.name}"[:200]
    )
    clean_and_save(agreement)
    version = AgreementVersion(
        agreement=agreement,
        number=1,
        status=VersionStatus.AWAITING_ACCEPTANCE,
        indicator_codes=list(invitation.indicator_codes),
        fields=[SharedField.VALUES.value],
        purpose=invitation.purpose,
        lawful_basis=LawfulBasis.NOT_PERSONAL,
        retention_months=RETENTION_MONTHS,
        starts_on=timezone.localdate(),
        created_by=invitation.invited_by,
        sent_at=invitation.invited_at,
    )
    clean_and_save(version)
    version.parties.set([partnership.lead_organisation, organisation])
    AgreementAcceptance.objects.create(
        version=version,
        organisation=partnership.lead_organisation,
        signed_by_email=invitation.invited_by,
        signed_by_name=invitation.invited_by_name or invitation.invited_by,
        # The lead's administrator agreed to these terms when they sent the invitation.
        signed_at=invitation.invited_at,
    )
    AgreementAcceptance.objects.create(
        version=version,
        organisation=organisation,
        signed_by_email=administrator.email,
        signed_by_name=administrator.full_name or administrator.email,
        signed_at=timezone.now(),
    )
    _activate(version)
    return version


@transaction.atomic
def light_invitation_withdraw(
    *,
    invitation: LightPartnerInvitation,
    organisation: Organisation,
    actor: User,
    reason: str = "",
) -> LightPartnerInvitation:
    """The lead takes back an invitation not yet accepted; its link stops working."""
    require_lead_membership_admin(
        invitation.partnership, organisation, actor, "withdraw an invitation"
    )
    invitation = LightPartnerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != LightInvitationStatus.PENDING:
        raise Conflict(
            f"This invitation is {invitation.get_status_display().lower()}.", code="wrong_state"
        )
    invitation.status = LightInvitationStatus.WITHDRAWN
    invitation.withdraw_reason = (reason or "").strip()
    invitation.save(update_fields=["status", "withdraw_reason"])
    return invitation


@transaction.atomic
def contribution_submit(
    *,
    organisation: Organisation,
    actor: User,
    indicator: PartnershipIndicator,
    period_code: str,
    value,
):
    """A light organisation reports its figure for a shared indicator and period: entered
    and approved by its administrator in one step, then published (after commit, by the
    worker) under its agreement with the lead. Runs on the organisation's own host."""
    from goldenthread.platform.indicators.models import Indicator
    from goldenthread.platform.indicators.services import values, workflow

    if not organisation.is_light_partner:
        raise PermissionDenied(
            "Only light partner organisations submit here; your organisation enters values "
            "on its PIs' pages."
        )
    if connection.schema_name != organisation.schema_name:
        raise DomainError("Submit on your organisation's own host.")
    membership = require_member(indicator.partnership, organisation, actor)
    if membership.role == MemberRole.OBSERVER:
        raise PermissionDenied("Observers do not contribute figures.")
    pi = Indicator.objects.filter(code=indicator.code).first()
    if pi is None:
        raise NotFound(f"Your organisation has no PI for {indicator.code}.")
    if value in (None, ""):
        raise _field_error("value", "Enter the value.")
    row = values.value_enter(actor=actor, indicator=pi, period_code=period_code, value=value)
    row = workflow.value_submit(actor=actor, value=row)
    return workflow.value_approve(actor=actor, value=row)


__all__ = [
    "LightPartnerJoined",
    "contribution_submit",
    "invitation_from_token",
    "join_path",
    "light_invitation_send",
    "light_invitation_withdraw",
    "light_partner_accept",
    "light_partner_invite",
    "suggested_slug",
    "token_for",
]
