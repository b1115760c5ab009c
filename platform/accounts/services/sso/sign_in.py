"""The one door both single sign-on protocols go through once the identity provider has
vouched for a person (OIDC: a verified ID token; SAML: a verified assertion).

Security-relevant. The protocol layer proves WHO the provider says this is; this module
decides whether that person may come in HERE, in the current organisation's schema:

* the organisation's configuration must be on, for this protocol;
* the e-mail address (ignoring case) must be an active user of this organisation whose
  access has not ended, or, with just-in-time creation on, becomes one (default role plus
  mapped roles, audited);
* a sign-in lock on the account or the client address refuses, as at the password door
  (`services.lockout`).

Every refusal is an `AuthenticationEvent` (`sso_refused`, with the reason); success is
recorded by the page that signs the person in (after the MFA hooks decide whether a code is
still needed). Users are per schema, so a person of another organisation simply is not
found here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from goldenthread.platform.core.errors import Conflict, DomainError

from ...domain import sso as rules
from ...domain.choices import SsoProtocol, SsoRefusal, UserAuditAction
from ...domain.sso import REFUSAL_MESSAGES
from ...models import AuthenticationEventKind, SsoConfiguration, SsoLink, User
from ...permissions import require_administer_users
from .. import lockout
from ..authentication_events import authentication_event_record
from ..users import user_audit_record


@dataclass(frozen=True)
class VouchedIdentity:
    """What the identity provider said, after the protocol layer checked its signature,
    issuer, audience, time and replay. `issuer` + `subject` name the person at the provider;
    `subject` must be stable for that person (OIDC `sub`, a SAML persistent NameID), or empty
    when the provider gives none (a transient NameID): then no binding is kept."""

    protocol: str
    issuer: str
    subject: str
    email: str
    name: str = ""
    groups: tuple[str, ...] = field(default_factory=tuple)


class SsoRefused(DomainError):
    """The person may not sign in here; `reason` is an `SsoRefusal`."""

    status_code = 403

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(message or REFUSAL_MESSAGES[reason], code=reason)
        self.reason = reason


def sso_refusal_record(
    *,
    reason: str,
    protocol: str,
    email: str = "",
    address: str | None,
    detail: dict | None = None,
) -> SsoRefused:
    """Record a refused single sign-on and return the error to raise. Also used by the
    protocol layers for answers that failed their checks (`SsoRefusal.INVALID_RESPONSE`)."""
    email = rules.normalised_email(email)
    authentication_event_record(
        kind=AuthenticationEventKind.SSO_REFUSED,
        email=email,
        address=address,
        user=User.objects.filter(email__iexact=email).first() if email else None,
        detail={"door": "sso", "protocol": protocol, "reason": reason, **(detail or {})},
    )
    return SsoRefused(reason)


def sso_user_resolve(*, identity: VouchedIdentity, address: str | None) -> User:
    """The user this vouched-for person signs in as, or `SsoRefused` (recorded). Makes or
    updates the person's `SsoLink`, and creates the user when just-in-time creation is on."""
    config = SsoConfiguration.load()
    email = rules.normalised_email(identity.email)

    def refuse(reason: str) -> SsoRefused:
        return sso_refusal_record(
            reason=reason, protocol=identity.protocol, email=email, address=address
        )

    if config.protocol == SsoProtocol.OFF or config.protocol != identity.protocol:
        raise refuse(SsoRefusal.NOT_CONFIGURED)
    if not _is_address(email):
        raise refuse(SsoRefusal.NO_EMAIL)
    lock = lockout.lock_for(door=lockout.SIGN_IN, email=email, address=address)
    if lock is not None:
        lockout.refusal_record(lock=lock, email=email, address=address)
        raise SsoRefused(SsoRefusal.LOCKED, lock.message)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not config.jit_enabled:
            raise refuse(SsoRefusal.NOT_INVITED)
        user = _create_just_in_time(config=config, identity=identity, email=email)
    elif not user.is_active:
        raise refuse(SsoRefusal.DEACTIVATED)
    elif user.access_has_expired:
        raise refuse(SsoRefusal.ACCESS_ENDED)
    # The first identity to sign in as a user is bound to it: the same provider presenting
    # the same e-mail for a different subject (an address moved to another person, or one a
    # person could set themselves) is refused until an administrator unlinks the old one.
    link = SsoLink.objects.filter(user=user).first()
    # An empty subject means the provider gives no stable one (a SAML transient NameID):
    # nothing to bind to.
    same_provider = link is not None and link.issuer == identity.issuer[:500]
    if (
        same_provider
        and link.subject
        and identity.subject
        and link.subject != identity.subject[:500]
    ):
        raise refuse(SsoRefusal.OTHER_IDENTITY)
    _link(user=user, identity=identity)
    return user


def _is_address(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return len(email) <= 254


@transaction.atomic
def _create_just_in_time(
    *, config: SsoConfiguration, identity: VouchedIdentity, email: str
) -> User:
    roles = rules.roles_for_new_user(
        default_role=config.jit_default_role,
        groups=identity.groups,
        mapping=config.group_role_mapping or {},
    )
    # No usable password: this person signs in by single sign-on (or sets a password from a
    # reset e-mail, where the organisation allows passwords).
    user = User.objects.create_user(email, None, full_name=(identity.name or email)[:200])
    user.roles = roles
    user.save(update_fields=["roles"])
    user_audit_record(
        actor=None,
        action=UserAuditAction.CREATED_BY_SSO,
        user=user,
        old=None,
        new={"roles": roles, "protocol": identity.protocol, "groups": sorted(identity.groups)},
    )
    return user


@transaction.atomic
def sso_link_remove(*, actor: User, user: User) -> None:
    """An administrator unlinks a user's identity at the provider (their account there was
    replaced): the next single sign-on with their e-mail address links afresh. Audited."""
    require_administer_users(actor)
    link = SsoLink.objects.filter(user=user).first()
    if link is None:
        raise Conflict(f"{user.email} is not linked to an identity.", code="not_linked")
    link.delete()
    user_audit_record(
        actor=actor,
        action=UserAuditAction.SSO_UNLINKED,
        user=user,
        old={"issuer": link.issuer, "subject": link.subject},
        new=None,
    )


def _link(*, user: User, identity: VouchedIdentity) -> None:
    now = timezone.now()
    SsoLink.objects.update_or_create(
        user=user,
        defaults={
            "protocol": identity.protocol,
            "issuer": identity.issuer[:500],
            "subject": identity.subject[:500],
            "last_signed_in_at": now,
        },
        create_defaults={
            "protocol": identity.protocol,
            "issuer": identity.issuer[:500],
            "subject": identity.subject[:500],
            "first_signed_in_at": now,
            "last_signed_in_at": now,
        },
    )
