"""Security keys and passkeys, with real WebAuthn data from a software authenticator
(`tests.fixtures.webauthn`) verified by py_webauthn through our services."""

from __future__ import annotations

import pyotp
import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import (
    AuthenticationEvent,
    AuthenticationEventKind,
    RecoveryCode,
    Role,
    SecurityKey,
    TotpDevice,
    UserAuditEntry,
)
from goldenthread.platform.accounts.selectors import mfa as mfa_selectors
from goldenthread.platform.accounts.services import mfa
from goldenthread.platform.accounts.services import webauthn as keys
from goldenthread.platform.core.errors import Conflict, DomainError, NotFound
from tests.fixtures.mfa import next_code
from tests.fixtures.webauthn import SoftwareAuthenticator

ALPHA = "alpha.localhost"
ALPHA_ORIGIN = "http://alpha.localhost:8000"


def register(user, authenticator, *, name="YubiKey", rp_id=ALPHA, origin=ALPHA_ORIGIN):
    options, challenge = keys.registration_options(user=user, rp_id=rp_id)
    answer = authenticator.register(options, origin=origin)
    ceremony = keys.Ceremony(challenge=challenge, rp_id=rp_id, origin=origin)
    return keys.security_key_register(user=user, name=name, credential=answer, ceremony=ceremony)


def assertion(user, authenticator, *, rp_id=ALPHA, origin=ALPHA_ORIGIN, **sign):
    options, challenge = keys.authentication_options(user=user, rp_id=rp_id)
    answer = authenticator.sign(options, origin=origin, **sign)
    return keys.KeyAssertion(
        credential=answer, ceremony=keys.Ceremony(challenge=challenge, rp_id=rp_id, origin=origin)
    )


@pytest.fixture
def person(org_a, make_user):
    return make_user(org_a, roles=[Role.MANAGER]).user


def test_a_first_key_turns_mfa_on_and_gives_recovery_codes(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        key, codes = register(person, authenticator)
        assert len(codes) == 10 and RecoveryCode.objects.filter(user=person).count() == 10
        assert key.name == "YubiKey" and key.sign_count == 1
        assert mfa_selectors.mfa_enrolled(user=person)
        assert mfa_selectors.mfa_factors_in_words(user=person) == "1 security key"
        event = AuthenticationEvent.objects.get(user=person)
        assert event.kind == AuthenticationEventKind.SECURITY_KEY_ADDED
        assert event.detail == {"key": "YubiKey"}
        # A second key keeps the codes already given.
        _, more = register(person, SoftwareAuthenticator(), name="Laptop passkey")
        assert more == [] and RecoveryCode.objects.filter(user=person).count() == 10
        assert mfa_selectors.mfa_factors_in_words(user=person) == "2 security keys"


def test_signing_in_with_a_key_moves_its_counter_on(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, authenticator)
        key = keys.security_key_authenticate(
            user=person, assertion=assertion(person, authenticator)
        )
        assert key.sign_count == 2 and key.last_used_at is not None
        keys.security_key_authenticate(user=person, assertion=assertion(person, authenticator))
        assert SecurityKey.objects.get(user=person).sign_count == 3


def test_a_passkey_without_a_counter_is_accepted_every_time(org_a, person):
    authenticator = SoftwareAuthenticator(counts=False)
    with schema_context(org_a.schema_name):
        register(person, authenticator)
        for _ in range(2):
            keys.security_key_authenticate(user=person, assertion=assertion(person, authenticator))
        assert SecurityKey.objects.get(user=person).sign_count == 0


@pytest.mark.parametrize(
    "where",
    [
        {"origin": "http://beta.localhost:8000"},  # a page on another host
        {"origin": "https://alpha.localhost:8000"},  # another scheme
        {"rp_id": "beta.localhost"},  # a key made for another site
    ],
)
def test_a_registration_for_another_origin_or_rp_id_is_refused(org_a, person, where):
    with schema_context(org_a.schema_name):
        options, challenge = keys.registration_options(user=person, rp_id=ALPHA)
        answer = SoftwareAuthenticator().register(
            options, origin=where.get("origin", ALPHA_ORIGIN), rp_id=where.get("rp_id")
        )
        ceremony = keys.Ceremony(challenge=challenge, rp_id=ALPHA, origin=ALPHA_ORIGIN)
        with pytest.raises(DomainError) as refused:
            keys.security_key_register(
                user=person, name="Key", credential=answer, ceremony=ceremony
            )
        assert "not added" in refused.value.message
        assert not SecurityKey.objects.filter(user=person).exists()
        assert not RecoveryCode.objects.filter(user=person).exists()
        assert not AuthenticationEvent.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    "where", [{"origin": "http://beta.localhost:8000"}, {"sign_rp_id": "beta.localhost"}]
)
def test_an_assertion_for_another_origin_or_rp_id_is_refused(org_a, person, where):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, authenticator)
        options, challenge = keys.authentication_options(user=person, rp_id=ALPHA)
        answer = authenticator.sign(
            options, origin=where.get("origin", ALPHA_ORIGIN), rp_id=where.get("sign_rp_id")
        )
        proof = keys.KeyAssertion(
            credential=answer,
            ceremony=keys.Ceremony(challenge=challenge, rp_id=ALPHA, origin=ALPHA_ORIGIN),
        )
        with pytest.raises(DomainError, match="not right"):
            keys.security_key_authenticate(user=person, assertion=proof)
        key = SecurityKey.objects.get(user=person)
        assert key.sign_count == 1 and key.last_used_at is None


def test_an_answer_to_an_earlier_challenge_is_refused(org_a, person):
    """A replayed answer: signed for a challenge that is not the one issued now."""
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, authenticator)
        old = assertion(person, authenticator)
        keys.security_key_authenticate(user=person, assertion=old)
        _, new_challenge = keys.authentication_options(user=person, rp_id=ALPHA)
        replay = keys.KeyAssertion(
            credential=old.credential,
            ceremony=keys.Ceremony(challenge=new_challenge, rp_id=ALPHA, origin=ALPHA_ORIGIN),
        )
        with pytest.raises(DomainError, match="not right"):
            keys.security_key_authenticate(user=person, assertion=replay)
        assert SecurityKey.objects.get(user=person).sign_count == 2


def test_the_same_answer_twice_is_refused_by_its_counter_and_recorded(org_a, person):
    """Should a challenge ever be accepted twice, the counter still catches the replay."""
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, authenticator)
        proof = assertion(person, authenticator)
        keys.security_key_authenticate(user=person, assertion=proof)
        with pytest.raises(DomainError, match="may have been copied"):
            keys.security_key_authenticate(user=person, assertion=proof)


def test_a_counter_that_goes_backwards_is_refused_and_recorded_as_a_possible_copy(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, authenticator)
        keys.security_key_authenticate(
            user=person, assertion=assertion(person, authenticator, sign_count=10)
        )
        with pytest.raises(DomainError) as refused:
            keys.security_key_authenticate(
                user=person, assertion=assertion(person, authenticator, sign_count=5)
            )
        assert refused.value.code == "security_key_cloned"
        key = SecurityKey.objects.get(user=person)
        assert key.sign_count == 10
        event = AuthenticationEvent.objects.get(kind=AuthenticationEventKind.SECURITY_KEY_CLONED)
        assert event.user == person
        assert event.detail == {"key": "YubiKey", "stored_count": 10, "received_count": 5}


def test_another_persons_key_is_refused(org_a, person, make_user):
    other = make_user(org_a, roles=[Role.MANAGER]).user
    theirs = SoftwareAuthenticator()
    mine = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, mine)
        register(other, theirs)
        options, challenge = keys.authentication_options(user=person, rp_id=ALPHA)
        answer = theirs.sign(options, origin=ALPHA_ORIGIN)
        proof = keys.KeyAssertion(
            credential=answer,
            ceremony=keys.Ceremony(challenge=challenge, rp_id=ALPHA, origin=ALPHA_ORIGIN),
        )
        with pytest.raises(DomainError, match="not one of yours"):
            keys.security_key_authenticate(user=person, assertion=proof)
        assert SecurityKey.objects.get(user=other).sign_count == 1


def test_a_key_of_another_organisation_is_refused(org_a, org_b, person, make_user):
    """Registered on beta's host, in beta's schema: unknown in alpha even for the right RP."""
    in_beta = make_user(org_b, roles=[Role.MANAGER]).user
    authenticator = SoftwareAuthenticator()
    with schema_context(org_b.schema_name):
        register(
            in_beta, authenticator, rp_id="beta.localhost", origin="http://beta.localhost:8000"
        )
    with schema_context(org_a.schema_name):
        register(person, SoftwareAuthenticator())
        options, challenge = keys.authentication_options(user=person, rp_id=ALPHA)
        answer = authenticator.sign(options, origin=ALPHA_ORIGIN, rp_id=ALPHA)
        proof = keys.KeyAssertion(
            credential=answer,
            ceremony=keys.Ceremony(challenge=challenge, rp_id=ALPHA, origin=ALPHA_ORIGIN),
        )
        with pytest.raises(DomainError, match="not one of yours"):
            keys.security_key_authenticate(user=person, assertion=proof)


def test_the_same_key_cannot_be_registered_twice(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, authenticator)
        options, challenge = keys.registration_options(user=person, rp_id=ALPHA)
        # The browser is told not to make it again ...
        assert '"excludeCredentials": [{' in options
        # ... and a client that ignores that is refused here.
        again = authenticator.register(
            options, origin=ALPHA_ORIGIN, credential_id=authenticator.credentials[0].credential_id
        )
        ceremony = keys.Ceremony(challenge=challenge, rp_id=ALPHA, origin=ALPHA_ORIGIN)
        with pytest.raises(Conflict, match="already registered"):
            keys.security_key_register(
                user=person, name="Again", credential=again, ceremony=ceremony
            )
        assert SecurityKey.objects.filter(user=person).count() == 1


def test_a_key_name_is_required_and_unique_for_its_owner(org_a, person):
    with schema_context(org_a.schema_name):
        register(person, SoftwareAuthenticator(), name="YubiKey")
        for name, words in (("  ", "Enter a name"), ("yubikey", "already have a key called")):
            with pytest.raises(DomainError, match=words):
                register(person, SoftwareAuthenticator(), name=name)
        assert SecurityKey.objects.filter(user=person).count() == 1


def test_removing_a_key_needs_a_current_factor(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        key, codes = register(person, authenticator)
        register(person, SoftwareAuthenticator(), name="Spare")
        for refused in ({"code": codes[0]}, {"code": "123456"}, {}):
            with pytest.raises(DomainError):
                keys.security_key_remove(user=person, key_id=key.pk, **refused)
        assert SecurityKey.objects.filter(pk=key.pk).exists()
        keys.security_key_remove(
            user=person, key_id=key.pk, assertion=assertion(person, authenticator)
        )
        assert list(SecurityKey.objects.filter(user=person).values_list("name", flat=True)) == [
            "Spare"
        ]
        assert AuthenticationEvent.objects.filter(
            user=person,
            kind=AuthenticationEventKind.SECURITY_KEY_REMOVED,
            detail={"key": "YubiKey"},
        ).exists()


def test_removing_the_last_key_turns_mfa_off_when_it_is_not_required(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        key, _ = register(person, authenticator)
        keys.security_key_remove(
            user=person, key_id=key.pk, assertion=assertion(person, authenticator)
        )
        assert not mfa_selectors.mfa_enrolled(user=person)
        assert not RecoveryCode.objects.filter(user=person).exists()


def test_the_last_factor_of_an_administrator_cannot_be_removed(org_a, make_user):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        key, _ = register(admin, authenticator)
        with pytest.raises(Conflict, match="only way"):
            keys.security_key_remove(
                user=admin, key_id=key.pk, assertion=assertion(admin, authenticator)
            )
        assert SecurityKey.objects.filter(pk=key.pk).exists()
        assert RecoveryCode.objects.filter(user=admin).count() == 10
        # With the app as well, the key can go.
        secret = pyotp.random_base32(32)
        assert mfa.mfa_enrol(user=admin, secret=secret, code=pyotp.TOTP(secret).now()) == []
        keys.security_key_remove(user=admin, key_id=key.pk, code=next_code(secret))
        assert mfa_selectors.mfa_factors_in_words(user=admin) == "authenticator app"
        assert RecoveryCode.objects.filter(user=admin).count() == 10


def test_another_persons_key_cannot_be_removed(org_a, person, make_user):
    other = make_user(org_a, roles=[Role.MANAGER]).user
    mine = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        register(person, mine)
        theirs, _ = register(other, SoftwareAuthenticator())
        with pytest.raises(NotFound):
            keys.security_key_remove(
                user=person, key_id=theirs.pk, assertion=assertion(person, mine)
            )
        assert SecurityKey.objects.filter(pk=theirs.pk).exists()


def test_a_recovery_code_works_for_someone_with_keys_only(org_a, person):
    with schema_context(org_a.schema_name):
        _, codes = register(person, SoftwareAuthenticator())
        assert mfa.mfa_check(user=person, code="123456") is None
        assert mfa.mfa_check(user=person, code=codes[0]) == mfa.RECOVERY_CODE


def test_removing_the_app_keeps_recovery_codes_while_keys_remain(org_a, person):
    secret = pyotp.random_base32(32)
    with schema_context(org_a.schema_name):
        codes = mfa.mfa_enrol(user=person, secret=secret, code=pyotp.TOTP(secret).now())
        assert len(codes) == 10
        _, more = register(person, SoftwareAuthenticator())
        assert more == []
        mfa.mfa_remove(user=person, code=next_code(secret))
        assert not TotpDevice.objects.filter(user=person).exists()
        assert RecoveryCode.objects.filter(user=person).count() == 10


def test_new_recovery_codes_with_a_key(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        _, old = register(person, authenticator)
        new = mfa.recovery_codes_regenerate(user=person, assertion=assertion(person, authenticator))
        assert set(new).isdisjoint(old)
        assert mfa.mfa_check(user=person, code=old[0]) is None


def test_an_administrators_reset_removes_keys_too(org_a, person, make_user):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    with schema_context(org_a.schema_name):
        register(person, SoftwareAuthenticator())
        register(person, SoftwareAuthenticator(), name="Laptop passkey")
        mfa.mfa_reset(actor=admin, user=person, base_url="http://alpha.localhost/")
        assert not SecurityKey.objects.filter(user=person).exists()
        assert not RecoveryCode.objects.filter(user=person).exists()
        entry = UserAuditEntry.objects.get(user=person)
        assert entry.old == {"mfa": "2 security keys"}


def test_a_copied_key_offered_to_confirm_a_change_is_recorded_and_changes_nothing(org_a, person):
    authenticator = SoftwareAuthenticator()
    with schema_context(org_a.schema_name):
        _, codes = register(person, authenticator)
        keys.security_key_authenticate(
            user=person, assertion=assertion(person, authenticator, sign_count=10)
        )
        with pytest.raises(DomainError, match="may have been copied"):
            mfa.recovery_codes_regenerate(
                user=person, assertion=assertion(person, authenticator, sign_count=3)
            )
        assert AuthenticationEvent.objects.filter(
            user=person, kind=AuthenticationEventKind.SECURITY_KEY_CLONED
        ).exists()
        assert mfa.mfa_check(user=person, code=codes[0]) == mfa.RECOVERY_CODE  # old codes stand
