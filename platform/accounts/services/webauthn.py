"""Security keys and passkeys as a second factor: registering, signing in with one, and
removing one. The cryptography is py_webauthn's (`webauthn`); the rules are in
`domain.webauthn`; the challenge is issued here and kept by the pages in the session.

Every ceremony is checked against the challenge issued for it, the RP ID and the origin of
the host being used (`Ceremony`). A key is looked up only among the signing-in user's own
keys in the current schema: another person's key, or a key of another organisation, is "not
one of your keys". Registration and removal are recorded as authentication events, and a
counter that went backwards is refused and recorded as a possible copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from goldenthread.platform.core.errors import Conflict, DomainError, NotFound

from ..domain import webauthn as rules
from ..models import AuthenticationEventKind, SecurityKey, TotpDevice, User
from ..selectors.mfa import mfa_required
from .authentication_events import authentication_event_record

RP_NAME = "Golden Thread"
TIMEOUT_MS = rules.CHALLENGE_SECONDS * 1000


@dataclass(frozen=True)
class Ceremony:
    """Where a WebAuthn ceremony takes place: the challenge the server issued for it and the
    RP ID and origin of the host it was issued on. The browser signs all three."""

    challenge: bytes
    rp_id: str
    origin: str


@dataclass(frozen=True)
class KeyAssertion:
    """A key's answer (`navigator.credentials.get()`, as JSON) to a ceremony: proof that the
    person holds one of their keys now."""

    credential: str
    ceremony: Ceremony


def _refused(message: str, *, code: str = "security_key_refused") -> DomainError:
    return DomainError(message, extra={"fields": {"credential": [message]}}, code=code)


def _user_handle(user: User) -> str:
    """The id the authenticator keeps for this account: random-looking, stable for the user
    (the same for all of their keys), and not their e-mail address."""
    existing = SecurityKey.objects.filter(user=user).values_list("user_handle", flat=True).first()
    if existing:
        return existing
    digest = salted_hmac(
        "goldenthread.accounts.webauthn.user_handle", f"{connection.schema_name}:{user.pk}"
    ).digest()
    return bytes_to_base64url(digest)


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    known = {transport.value for transport in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(key.credential_id),
            transports=[AuthenticatorTransport(t) for t in key.transports if t in known],
        )
        for key in SecurityKey.objects.filter(user=user)
    ]


def registration_options(*, user: User, rp_id: str) -> tuple[str, bytes]:
    """Options for `navigator.credentials.create()` (JSON) and the challenge in them. User
    verification and a discoverable credential (a passkey) are preferred, not required, so
    a plain security key works too; the user's existing keys are excluded."""
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=user.email,
        user_id=base64url_to_bytes(_user_handle(user)),
        user_display_name=user.full_name or user.email,
        timeout=TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    return options_to_json(options), options.challenge


def authentication_options(*, user: User, rp_id: str) -> tuple[str, bytes]:
    """Options for `navigator.credentials.get()` naming the user's keys, and the challenge."""
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), options.challenge


def security_key_register(
    *, user: User, name: str, credential: str, ceremony: Ceremony, address: str | None = None
) -> tuple[SecurityKey, list[str]]:
    """Verify the authenticator's answer to `registration_options` and keep the key. When it
    is the person's first factor, their ten recovery codes are made and returned (to be shown
    once); otherwise the list is empty."""
    from .mfa import _recovery_codes_replace

    name = rules.clean_name(name)
    problem = rules.name_problem(name)
    if problem:
        raise DomainError(problem, extra={"fields": {"name": [problem]}}, code="invalid")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=ceremony.challenge,
            expected_rp_id=ceremony.rp_id,
            expected_origin=ceremony.origin,
        )
    except WebAuthnException as error:
        raise _refused(
            "The security key's answer could not be checked, so it was not added. Try again."
        ) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one registration at a time
        if SecurityKey.objects.filter(user=user, name__iexact=name).exists():
            message = f"You already have a key called {name}. Choose another name."
            raise DomainError(message, extra={"fields": {"name": [message]}}, code="name_taken")
        if SecurityKey.objects.filter(credential_id=credential_id).exists():
            raise Conflict("That security key is already registered.", code="key_registered")
        first_factor = not (
            TotpDevice.objects.filter(user=user).exists()
            or SecurityKey.objects.filter(user=user).exists()
        )
        key = SecurityKey.objects.create(
            user=user,
            name=name,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            user_handle=_user_handle(user),
            transports=_transports(credential),
            backed_up=verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE,
        )
        authentication_event_record(
            kind=AuthenticationEventKind.SECURITY_KEY_ADDED,
            email=user.email,
            address=address,
            user=user,
            detail={"key": name},
        )
        codes = _recovery_codes_replace(user=user) if first_factor else []
    return key, codes


def _transports(credential: str) -> list[str]:
    try:
        transports = json.loads(credential)["response"].get("transports") or []
    except (ValueError, KeyError, TypeError, AttributeError):
        return []
    return [str(t)[:20] for t in transports if isinstance(t, str)][:8]


def security_key_authenticate(
    *,
    user: User,
    assertion: KeyAssertion,
    address: str | None = None,
    require_user_verification: bool = False,
) -> SecurityKey:
    """Check that `assertion` was made by one of `user`'s keys for this ceremony. The key's
    counter and last use are updated. Refused (DomainError): an answer that does not verify
    (or, when required, whose authenticator did not verify the person by PIN or biometrics),
    a key that is not the user's here, and a counter that went backwards (also recorded as a
    possible copy of the key, whatever the caller then does)."""
    try:
        parsed = parse_authentication_credential_json(assertion.credential)
    except WebAuthnException as error:
        raise _refused("The security key's answer could not be read. Try again.") from error
    credential_id = bytes_to_base64url(parsed.raw_id)
    ceremony = assertion.ceremony
    with transaction.atomic():
        key = (
            SecurityKey.objects.select_for_update()
            .filter(user=user, credential_id=credential_id)
            .first()
        )
        if key is None:
            raise _refused("That security key is not one of yours here.", code="unknown_key")
        handle = parsed.response.user_handle
        if handle and bytes_to_base64url(handle) != key.user_handle:
            raise _refused("That security key is not one of yours here.", code="unknown_key")
        try:
            verified = verify_authentication_response(
                credential=parsed,
                expected_challenge=ceremony.challenge,
                expected_rp_id=ceremony.rp_id,
                expected_origin=ceremony.origin,
                credential_public_key=bytes(key.public_key),
                # The counter is compared below, after the signature is known to be good, so
                # that a regression can be told apart from a bad answer and recorded.
                credential_current_sign_count=0,
                require_user_verification=require_user_verification,
            )
        except WebAuthnException as error:
            raise _refused("The security key's answer was not right. Try again.") from error
        stored = key.sign_count
        regressed = rules.counter_regressed(stored=stored, received=verified.new_sign_count)
        if not regressed:
            key.sign_count = verified.new_sign_count
            key.last_used_at = timezone.now()
            key.backed_up = verified.credential_backed_up
            key.save(update_fields=["sign_count", "last_used_at", "backed_up"])
            return key
    authentication_event_record(
        kind=AuthenticationEventKind.SECURITY_KEY_CLONED,
        email=user.email,
        address=address,
        user=user,
        detail={"key": key.name, "stored_count": stored, "received_count": verified.new_sign_count},
    )
    raise _refused(
        f"Your key {key.name} was refused: it may have been copied. Use another way to sign "
        "in, and remove that key from your account.",
        code="security_key_cloned",
    )


def security_key_remove(
    *,
    user: User,
    key_id: int,
    code: str = "",
    assertion: KeyAssertion | None = None,
    address: str | None = None,
) -> SecurityKey:
    """The user removes one of their keys, proving it is them now with a code from their
    authenticator app or with one of their keys (`mfa.factor_require`). The last second
    factor of someone who must use MFA cannot be removed (they add another first). Removing
    the last factor of someone else turns MFA off, recovery codes included."""
    from .mfa import factor_require

    key = SecurityKey.objects.filter(user=user, pk=key_id).first()
    if key is None:
        raise NotFound("You have no security key with that id.")
    factor_require(user=user, code=code, assertion=assertion, address=address)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        has_app = TotpDevice.objects.filter(user=user).exists()
        others = SecurityKey.objects.filter(user=user).filter(~Q(pk=key.pk)).count()
        if not has_app and not others and mfa_required(user=user):
            raise Conflict(
                f"{key.name} is your only way to complete multi-factor authentication, which "
                "your account must use. Add another key or an authenticator app first.",
                code="last_factor",
            )
        key.delete()
        if not has_app and not others:
            from ..models import RecoveryCode

            RecoveryCode.objects.filter(user=user).delete()
        authentication_event_record(
            kind=AuthenticationEventKind.SECURITY_KEY_REMOVED,
            email=user.email,
            address=address,
            user=user,
            detail={"key": key.name},
        )
    return key


def passkey_options(*, rp_id: str) -> tuple[str, bytes]:
    """Options for signing in with a passkey alone: no e-mail address is asked, so no key
    is named (the authenticator offers the discoverable credentials it holds for this host),
    and the authenticator must verify the person (PIN or biometrics): the passkey is then two
    factors in one, something held and something known or been."""
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options), options.challenge


def passkey_claimed_owner(*, credential: str) -> User | None:
    """Whose passkey the answer says it is (unverified): the lockout needs the account
    before the answer is checked, as the password form has the e-mail address typed."""
    try:
        parsed = parse_authentication_credential_json(credential)
    except WebAuthnException:
        return None
    key = (
        SecurityKey.objects.select_related("user")
        .filter(credential_id=bytes_to_base64url(parsed.raw_id))
        .first()
    )
    return key.user if key is not None else None


def passkey_authenticate(*, assertion: KeyAssertion, address: str | None = None) -> User:
    """Sign-in without a password: the passkey's answer names its account (its user handle),
    which must be the key's owner in this schema, active and within any end date; the
    authenticator must have verified the person. Returns the user to sign in."""
    try:
        parsed = parse_authentication_credential_json(assertion.credential)
    except WebAuthnException as error:
        raise _refused("The passkey's answer could not be read. Try again.") from error
    if not parsed.response.user_handle:
        raise _refused("That key cannot sign you in on its own. Sign in with your password.")
    owner = passkey_claimed_owner(credential=assertion.credential)
    if owner is None:
        raise _refused(
            "That passkey is not registered here. Sign in with your password.", code="unknown_key"
        )
    security_key_authenticate(
        user=owner, assertion=assertion, address=address, require_user_verification=True
    )
    if not owner.is_active or owner.access_has_expired:
        raise _refused(
            "This account cannot sign in. Ask your organisation's administrator.",
            code="inactive",
        )
    return owner
