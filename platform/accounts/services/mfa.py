"""Multi-factor authentication: enrolment, checking a code at sign-in, new recovery codes,
removal by the user (with a current code or key) and reset by an administrator (audited, the
user told by e-mail). Rules in `domain.mfa`; the sign-in step counts failures through the
lockout's MFA door (`services.lockout`), which the pages call. Security keys and passkeys,
the other second factor, are in `services.webauthn`; recovery codes serve both.
"""

from __future__ import annotations

import hashlib
import time

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied

from ..domain import mfa as rules
from ..domain.choices import OrganisationSetting, UserAuditAction
from ..models import RecoveryCode, SecurityKey, TotpDevice, User
from ..permissions import require_administer_users
from ..selectors.mfa import NOT_ENROLLED, mfa_factors_in_words
from .organisation_settings import setting_change_record
from .sessions import user_sessions_end
from .users import user_audit_record
from .webauthn import KeyAssertion, security_key_authenticate

TOTP = "totp"
RECOVERY_CODE = "recovery_code"


def _hash(code: str) -> str:
    return hashlib.sha256(rules.normalise_recovery_code(code).encode()).hexdigest()


def _recovery_codes_replace(*, user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = rules.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_hash(code)) for code in codes]
    )
    return codes


def _wrong_code() -> DomainError:
    message = "That code is not right. Enter the 6-digit code your authenticator app shows now."
    return DomainError(message, extra={"fields": {"code": [message]}}, code="wrong_code")


@transaction.atomic
def mfa_enrol(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm the authenticator app holding `secret` with a code from it; returns the ten
    recovery codes, to be shown once (none when a security key already gave the person
    their codes)."""
    if TotpDevice.objects.select_for_update().filter(user=user).exists():
        raise Conflict("Multi-factor authentication is already set up.", code="mfa_enrolled")
    step = rules.matching_step(secret=secret, code=code, now=time.time(), after_step=0)
    if step is None:
        raise _wrong_code()
    now = timezone.now()
    TotpDevice.objects.create(
        user=user, secret=secret, confirmed_at=now, last_step=step, last_used_at=now
    )
    if SecurityKey.objects.filter(user=user).exists():
        return []
    return _recovery_codes_replace(user=user)


@transaction.atomic
def mfa_check(*, user: User, code: str) -> str | None:
    """Check a code typed at sign-in: TOTP (a step not yet used) or an unused recovery code,
    which is then spent. Returns which kind worked, or None."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if rules.looks_like_totp(code):
        if device is None:  # someone with security keys only has no app codes
            return None
        step = rules.matching_step(
            secret=device.secret, code=code, now=time.time(), after_step=device.last_step
        )
        if step is None:
            return None
        device.last_step, device.last_used_at = step, timezone.now()
        device.save(update_fields=["last_step", "last_used_at"])
        return TOTP
    # One UPDATE spends the code: two requests racing with the same code cannot both win.
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return RECOVERY_CODE if spent else None


def factor_require(
    *,
    user: User,
    code: str = "",
    assertion: KeyAssertion | None = None,
    address: str | None = None,
) -> None:
    """Proof that the person holds a second factor now, before a change to MFA itself: one
    of their security keys answering a fresh challenge, or a current code from their app (a
    recovery code is not enough: it is the spare, not the factor)."""
    if assertion is not None:
        security_key_authenticate(user=user, assertion=assertion, address=address)
        return
    if mfa_check(user=user, code=code) != TOTP:
        raise _wrong_code()


# The proof is checked before the change's own transaction, not inside it: a key refused as
# a possible copy is recorded, and that record must not be rolled back with the change.


def recovery_codes_regenerate(
    *, user: User, code: str = "", assertion: KeyAssertion | None = None
) -> list[str]:
    """New recovery codes (the old ones stop working), given a current TOTP code or key."""
    factor_require(user=user, code=code, assertion=assertion)
    with transaction.atomic():
        return _recovery_codes_replace(user=user)


def mfa_remove(*, user: User, code: str = "", assertion: KeyAssertion | None = None) -> None:
    """The user removes their authenticator app, proving they hold it (or one of their keys)
    now. Without security keys left, that turns MFA off, recovery codes included; if MFA is
    required of them, they must set it up again before going on (the pages see to that)."""
    factor_require(user=user, code=code, assertion=assertion)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        if not SecurityKey.objects.filter(user=user).exists():
            RecoveryCode.objects.filter(user=user).delete()


@transaction.atomic
def mfa_reset(*, actor: User, user: User, base_url: str) -> None:
    """An administrator clears a user's MFA (a lost phone): the user is signed out
    everywhere, must set it up again at their next sign-in (if it is required of them), is
    told by e-mail, and the reset is audited. Not for oneself: that is `mfa_remove`, which
    needs a current code."""
    require_administer_users(actor)
    if actor.pk == user.pk:
        raise PermissionDenied(
            "You cannot reset your own multi-factor authentication here: turn it off on your "
            "account page, or ask another administrator."
        )
    factors = mfa_factors_in_words(user=user)
    if factors == NOT_ENROLLED:
        raise Conflict(
            f"{user.email} has not set up multi-factor authentication.", code="mfa_not_enrolled"
        )
    TotpDevice.objects.filter(user=user).delete()
    SecurityKey.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    user_audit_record(
        actor=actor,
        action=UserAuditAction.MFA_RESET,
        user=user,
        old={"mfa": factors},
        new={"mfa": "not set up", "sessions_ended": user_sessions_end(user=user)},
    )
    from goldenthread.platform.core.outbox import queue_after_commit

    from ..tasks import send_mfa_reset_email

    queue_after_commit(send_mfa_reset_email, user.pk, base_url)


@transaction.atomic
def mfa_policy_set(*, actor: User, organisation, required_for_everyone: bool) -> None:
    """An administrator of the organisation requires MFA of everyone (or only of those who
    must always use it). Audited old → new in the organisation's schema when it changes."""
    require_administer_users(actor)
    # The row is read again, locked: two administrators saving at once are recorded in turn,
    # each with the value the other left.
    locked = type(organisation).objects.select_for_update().get(pk=organisation.pk)
    old = locked.mfa_required_for_everyone
    organisation.mfa_required_for_everyone = required_for_everyone
    if old == required_for_everyone:
        return
    locked.mfa_required_for_everyone = required_for_everyone
    locked.save(update_fields=["mfa_required_for_everyone"])
    setting_change_record(
        actor=actor,
        setting=OrganisationSetting.MFA_FOR_EVERYONE,
        old=old,
        new=required_for_everyone,
    )
