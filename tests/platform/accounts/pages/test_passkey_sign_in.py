"""Signing in with a passkey alone (no e-mail address, no password), through real requests
with a software authenticator's genuine answers: it goes through the sign-in door's lockout,
ends in an ordinary session and is recorded in the sign-in history."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import AuthenticationEvent, Role, User
from goldenthread.platform.accounts.selectors.sessions import describe
from tests.fixtures.webauthn import SoftwareAuthenticator

ALPHA_ORIGIN = "http://alpha.localhost"


def add_key(client, authenticator, *, origin=ALPHA_ORIGIN, name="Laptop passkey"):
    options = client.post("/accounts/me/mfa/keys/options/").content.decode()
    answer = authenticator.register(options, origin=origin)
    done = client.post("/accounts/me/mfa/keys/add/", {"name": name, "credential": answer})
    assert done.status_code == 201, done.content.decode()


def passkey(client, authenticator, *, origin=ALPHA_ORIGIN, next_url="", **sign):
    options = client.post("/accounts/sign-in/passkey/options/")
    assert options.status_code == 200, options.content
    assert options.json()["allowCredentials"] == []
    assert options.json()["userVerification"] == "required"
    answer = authenticator.sign(options.content.decode(), origin=origin, **sign)
    return client.post("/accounts/sign-in/passkey/", {"credential": answer, "next": next_url})


def is_signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def history(organisation, email: str) -> list[str]:
    with schema_context(organisation.schema_name):
        return [
            describe(event)
            for event in AuthenticationEvent.objects.filter(email=email).order_by(
                "created_at", "id"
            )
        ]


@pytest.fixture
def with_passkey(org_a, make_user, client_for):
    person = make_user(org_a, roles=[Role.MANAGER]).user
    authenticator = SoftwareAuthenticator()
    add_key(client_for(org_a, user=person), authenticator)
    return person, authenticator


def test_a_passkey_signs_in_without_a_password(org_a, with_passkey, client_for):
    person, authenticator = with_passkey
    client = client_for(org_a)
    page = client.get("/accounts/sign-in/").content.decode()
    assert "Use a passkey" in page and "webauthn.js" in page
    done = passkey(client, authenticator, next_url="/accounts/me/")
    assert done.status_code == 302 and done["Location"] == "/accounts/me/"
    assert is_signed_in(client)
    assert history(org_a, person.email)[-1] == "Signed in with a passkey"


def test_a_key_that_did_not_verify_the_person_does_not_sign_in(org_a, make_user, client_for):
    """A plain security key (no PIN or fingerprint) is a second factor only."""
    person = make_user(org_a, roles=[Role.MANAGER]).user
    authenticator = SoftwareAuthenticator(user_verified=False)
    add_key(client_for(org_a, user=person), authenticator)
    client = client_for(org_a)
    refused = passkey(client, authenticator)
    assert refused.status_code == 400 and not is_signed_in(client)
    assert history(org_a, person.email)[-1] == "Sign-in refused: the passkey was not accepted"


def test_a_passkey_of_another_organisation_is_refused(org_a, org_b, make_user, client_for):
    in_beta = make_user(org_b, roles=[Role.MANAGER]).user
    authenticator = SoftwareAuthenticator()
    add_key(client_for(org_b, user=in_beta), authenticator, origin="http://beta.localhost")
    client = client_for(org_a)
    refused = passkey(client, authenticator, rp_id="alpha.localhost")
    assert refused.status_code == 400 and "not registered here" in refused.content.decode()
    assert not is_signed_in(client)


def test_a_deactivated_person_cannot_sign_in_with_their_passkey(org_a, with_passkey, client_for):
    person, authenticator = with_passkey
    with schema_context(org_a.schema_name):
        User.objects.filter(pk=person.pk).update(is_active=False)
    client = client_for(org_a)
    refused = passkey(client, authenticator)
    assert refused.status_code == 400 and "cannot sign in" in refused.content.decode()
    assert not is_signed_in(client)


def test_an_answer_is_accepted_once(org_a, with_passkey, client_for):
    person, authenticator = with_passkey
    client = client_for(org_a)
    options = client.post("/accounts/sign-in/passkey/options/").content.decode()
    answer = authenticator.sign(options, origin=ALPHA_ORIGIN)
    assert client.post("/accounts/sign-in/passkey/", {"credential": answer}).status_code == 302
    other = client_for(org_a)
    replay = other.post("/accounts/sign-in/passkey/", {"credential": answer})
    assert replay.status_code == 400 and "already used" in replay.content.decode()
    assert not is_signed_in(other)


def test_a_locked_account_is_not_opened_by_its_passkey(org_a, with_passkey, client_for):
    person, authenticator = with_passkey
    client = client_for(org_a)
    for _ in range(10):
        client.post("/accounts/sign-in/", {"username": person.email, "password": "wrong-guess-1"})
    refused = passkey(client_for(org_a), authenticator)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert not is_signed_in(client)


def test_failed_passkeys_count_at_the_sign_in_door(org_a, with_passkey, client_for):
    person, authenticator = with_passkey
    client = client_for(org_a)
    statuses = [
        passkey(client, authenticator, origin="http://evil.localhost").status_code
        for _ in range(10)
    ]
    assert statuses[:9] == [400] * 9 and statuses[9] == 429
    locked = passkey(client, authenticator)  # the right passkey, during the lock
    assert locked.status_code == 429 and not is_signed_in(client)


def test_while_sso_is_required_only_the_break_glass_administrator_uses_a_passkey(
    org_a, make_user, client_for, oidc_provider
):
    """ "SSO required" turns off every way in but the identity provider's: a proven passkey is
    refused (and no session begins) for everyone but the break-glass administrator."""
    from tests.conftest import host_of
    from tests.fixtures.oidc import configure_oidc

    member = make_user(org_a, roles=[Role.MANAGER]).user
    administrator = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    theirs, glass = SoftwareAuthenticator(), SoftwareAuthenticator()
    add_key(client_for(org_a, user=member), theirs)
    add_key(client_for(org_a, user=administrator), glass)
    configure_oidc(
        org_a,
        oidc_provider,
        actor=administrator,
        base_urls=[f"http://{host_of(org_a)}"],
        sso_required=True,
        break_glass_user_id=administrator.pk,
    )

    client = client_for(org_a)
    refused = passkey(client, theirs, next_url="/accounts/me/")
    assert refused.status_code == 400
    assert "passkeys are turned off here" in refused.content.decode()
    assert not is_signed_in(client)
    assert history(org_a, member.email)[-1:] != ["Signed in with a passkey"]

    allowed = client_for(org_a)
    done = passkey(allowed, glass, next_url="/accounts/me/")
    assert done.status_code == 302
    assert history(org_a, administrator.email)[-1] == "Signed in with a passkey"

    # With SSO no longer required, the member's passkey opens again.
    configure_oidc(
        org_a,
        oidc_provider,
        actor=administrator,
        base_urls=[f"http://{host_of(org_a)}"],
        sso_required=False,
    )
    again = client_for(org_a)
    assert passkey(again, theirs, next_url="/accounts/me/").status_code == 302
    assert is_signed_in(again)
