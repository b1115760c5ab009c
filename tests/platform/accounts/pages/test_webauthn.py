"""Security keys and passkeys through real requests: the pages' JSON options, a software
authenticator's genuine answers (`tests.fixtures.webauthn`), the ceremony kept in the
session, the second sign-in step, enforcement and the MFA door."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import (
    AuthenticationEvent,
    RecoveryCode,
    Role,
    SecurityKey,
)
from tests.fixtures.mfa import enrol, next_code
from tests.fixtures.webauthn import SoftwareAuthenticator

PASSWORD = "correct-horse-battery-staple"
ALPHA_ORIGIN = "http://alpha.localhost"


def add_key(client, authenticator, *, name="YubiKey", origin=ALPHA_ORIGIN, **register):
    options = client.post("/accounts/me/mfa/keys/options/")
    assert options.status_code == 200 and options["Cache-Control"] == "no-store"
    answer = authenticator.register(options.content.decode(), origin=origin, **register)
    return client.post("/accounts/me/mfa/keys/add/", {"name": name, "credential": answer})


def sign_in(client, email: str):
    return client.post("/accounts/sign-in/", {"username": email, "password": PASSWORD})


def key_step(client, authenticator, *, origin=ALPHA_ORIGIN, **sign):
    options = client.post("/accounts/sign-in/key/options/")
    assert options.status_code == 200, options.content
    answer = authenticator.sign(options.content.decode(), origin=origin, **sign)
    return client.post("/accounts/sign-in/key/", {"credential": answer}), answer


def is_signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def kinds(organisation, user) -> list[str]:
    with schema_context(organisation.schema_name):
        return list(
            AuthenticationEvent.objects.filter(user=user)
            .order_by("created_at", "id")
            .values_list("kind", flat=True)
        )


@pytest.fixture
def with_key(org_a, make_user, client_for):
    """A manager of Alpha who added a key through the pages: (user, authenticator, codes)."""
    person = make_user(org_a, roles=[Role.MANAGER]).user
    authenticator = SoftwareAuthenticator()
    done = add_key(client_for(org_a, user=person), authenticator)
    assert done.status_code == 201, done.content.decode()
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.content.decode())
    assert len(codes) == 10
    return person, authenticator, codes


def test_the_options_name_this_host_and_the_person_not_their_address(org_a, make_user, client_for):
    person = make_user(org_a).user
    options = client_for(org_a, user=person).post("/accounts/me/mfa/keys/options/").json()
    assert options["rp"]["id"] == "alpha.localhost"
    assert options["user"]["name"] == person.email
    assert person.email not in options["user"]["id"]
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["attestation"] == "none"


def test_a_key_is_added_and_signs_in_as_the_second_step(org_a, with_key, client_for):
    person, authenticator, _ = with_key
    client = client_for(org_a)
    assert sign_in(client, person.email)["Location"] == "/accounts/sign-in/code/"
    step = client.get("/accounts/sign-in/code/").content.decode()
    assert "Use your security key" in step and "webauthn.js" in step
    assert not is_signed_in(client)
    done, _ = key_step(client, authenticator)
    assert done.status_code == 302 and done["Location"] == "/"
    assert is_signed_in(client)
    assert kinds(org_a, person) == ["security_key_added", "password_accepted", "signed_in"]
    with schema_context(org_a.schema_name):
        assert SecurityKey.objects.get(user=person).last_used_at is not None


def test_a_recovery_code_signs_in_someone_with_keys_only(org_a, with_key, client_for):
    person, _, codes = with_key
    client = client_for(org_a)
    sign_in(client, person.email)
    assert client.post("/accounts/sign-in/code/", {"code": codes[0]}).status_code == 302
    assert is_signed_in(client)


def test_a_challenge_answers_once(org_a, with_key, client_for):
    person, authenticator, _ = with_key
    first = client_for(org_a)
    sign_in(first, person.email)
    _, answer = key_step(first, authenticator)
    again = client_for(org_a)
    sign_in(again, person.email)
    again.post("/accounts/sign-in/key/options/")  # a new challenge: the old answer is not for it
    replayed = again.post("/accounts/sign-in/key/", {"credential": answer})
    assert replayed.status_code == 400 and not is_signed_in(again)
    # Posted again without new options, there is no challenge left at all.
    stale = again.post("/accounts/sign-in/key/", {"credential": answer})
    assert (
        stale.status_code == 400 and "took too long or was already used" in stale.content.decode()
    )
    assert not is_signed_in(again)


def test_the_key_step_needs_a_right_password_first(org_a, with_key, client_for):
    person, _, _ = with_key
    client = client_for(org_a)
    client.post("/accounts/sign-in/", {"username": person.email, "password": "wrong-one-here"})
    options = client.post("/accounts/sign-in/key/options/")
    assert options.status_code == 401 and options.json()["code"] == "sign_in_again"
    assert client.post("/accounts/sign-in/key/", {"credential": "{}"})["Location"] == (
        "/accounts/sign-in/"
    )


def test_a_key_from_another_host_is_refused(org_a, with_key, client_for):
    person, authenticator, _ = with_key
    client = client_for(org_a)
    sign_in(client, person.email)
    refused, _ = key_step(client, authenticator, origin="http://beta.localhost")
    assert refused.status_code == 400 and not is_signed_in(client)
    assert "mfa_failed" in kinds(org_a, person)


def test_wrong_key_answers_lock_the_mfa_door(org_a, with_key, client_for):
    person, authenticator, _ = with_key
    client = client_for(org_a)
    sign_in(client, person.email)
    statuses = [
        key_step(client, authenticator, origin="http://evil.localhost")[0].status_code
        for _ in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 429]
    locked, _ = key_step(client, authenticator)  # the right key, during the lock
    assert locked.status_code == 429 and "Retry-After" in locked
    assert not is_signed_in(client)


def test_a_copied_key_is_refused_at_sign_in_and_recorded(org_a, with_key, client_for):
    person, authenticator, _ = with_key
    client = client_for(org_a)
    sign_in(client, person.email)
    key_step(client, authenticator, sign_count=50)
    again = client_for(org_a)
    sign_in(again, person.email)
    refused, _ = key_step(again, authenticator, sign_count=7)
    assert refused.status_code == 400 and "may have been copied" in refused.content.decode()
    assert not is_signed_in(again)
    assert "security_key_cloned" in kinds(org_a, person)


def test_an_administrator_held_on_enrolment_may_add_a_key_instead(org_a, make_user, client_for):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    client = client_for(org_a)
    assert sign_in(client, admin.email)["Location"] == "/accounts/me/mfa/set-up/"
    assert client.get("/users/")["Location"] == "/accounts/me/mfa/set-up/"
    page = client.get("/accounts/me/mfa/keys/add/")
    assert page.status_code == 200 and "must use multi-factor" in page.content.decode()
    authenticator = SoftwareAuthenticator()
    assert add_key(client, authenticator, name="Laptop passkey").status_code == 201
    assert client.get("/users/").status_code == 200
    listed = client.get("/users/?q=" + admin.email).content.decode()
    assert "<td>1 security key</td>" in listed
    # Next time: password, then the key.
    again = client_for(org_a)
    assert sign_in(again, admin.email)["Location"] == "/accounts/sign-in/code/"
    assert key_step(again, authenticator)[0].status_code == 302
    assert again.get("/users/").status_code == 200


def test_helpdesk_staff_add_a_key_for_the_public_host(public_org, make_user, client_for):
    staff = make_user(public_org, email="keys@goldenthread.example", is_staff=True).user
    client = client_for(None)
    sign_in(client, staff.email)
    origin = f"http://{settings.PLATFORM_DOMAIN}"
    options = client.post("/accounts/me/mfa/keys/options/").json()
    assert options["rp"]["id"] == settings.PLATFORM_DOMAIN
    authenticator = SoftwareAuthenticator()
    assert add_key(client, authenticator, origin=origin).status_code == 201
    assert client.get("/helpdesk/").status_code == 200
    again = client_for(None)
    sign_in(again, staff.email)
    assert key_step(again, authenticator, origin=origin)[0].status_code == 302
    assert again.get("/helpdesk/").status_code == 200


def test_a_second_key_and_the_app_show_in_the_mfa_column(org_a, with_key, client_for, admin):
    person, _, _ = with_key
    client = client_for(org_a, user=person)
    assert add_key(client, SoftwareAuthenticator(), name="Laptop passkey").status_code == 302
    # The app as well: no new recovery codes, they came with the first key.
    page = client.get("/accounts/me/mfa/set-up/").content.decode()
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', page)[1]
    done = client.post("/accounts/me/mfa/set-up/", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and done["Location"] == "/accounts/me/mfa/"
    manage = client.get("/accounts/me/mfa/").content.decode()
    assert "YubiKey" in manage and "Laptop passkey" in manage
    assert "authenticator app, 2 security keys" in manage
    listed = client_for(org_a, user=admin).get("/users/?q=" + person.email).content.decode()
    assert "<td>Authenticator app, 2 security keys</td>" in listed
    api = client_for(org_a, user=admin).get(f"/api/v1/accounts/users/{person.pk}/").json()
    assert api["mfa"] == "authenticator app, 2 security keys"


def test_a_key_is_removed_after_confirming_with_a_key(org_a, with_key, client_for):
    person, authenticator, _ = with_key
    client = client_for(org_a, user=person)
    with schema_context(org_a.schema_name):
        key = SecurityKey.objects.get(user=person)
    page = client.get(f"/accounts/me/mfa/keys/{key.pk}/remove/")
    assert page.status_code == 200 and "Remove the key YubiKey" in page.content.decode()
    refused = client.post(f"/accounts/me/mfa/keys/{key.pk}/remove/", {"code": "123456"})
    assert refused.status_code == 400
    options = client.post("/accounts/me/mfa/confirm/options/").content.decode()
    answer = authenticator.sign(options, origin=ALPHA_ORIGIN)
    done = client.post(f"/accounts/me/mfa/keys/{key.pk}/remove/", {"credential": answer})
    assert done.status_code == 302 and done["Location"] == "/accounts/me/mfa/"
    with schema_context(org_a.schema_name):
        assert not SecurityKey.objects.filter(user=person).exists()
        assert not RecoveryCode.objects.filter(user=person).exists()  # MFA is off now
    assert kinds(org_a, person)[-1] == "security_key_removed"


def test_the_last_key_of_an_administrator_stays(org_a, make_user, client_for):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    client = client_for(org_a, user=admin)
    authenticator = SoftwareAuthenticator()
    add_key(client, authenticator)
    with schema_context(org_a.schema_name):
        key = SecurityKey.objects.get(user=admin)
    page = client.get(f"/accounts/me/mfa/keys/{key.pk}/remove/").content.decode()
    assert "cannot be removed yet" in page and "Remove the key with" not in page
    options = client.post("/accounts/me/mfa/confirm/options/").content.decode()
    answer = authenticator.sign(options, origin=ALPHA_ORIGIN)
    refused = client.post(f"/accounts/me/mfa/keys/{key.pk}/remove/", {"credential": answer})
    assert refused.status_code == 400 and "only way" in refused.content.decode()
    with schema_context(org_a.schema_name):
        assert SecurityKey.objects.filter(pk=key.pk).exists()


def test_another_persons_key_cannot_be_seen_or_removed(org_a, with_key, make_user, client_for):
    person, _, _ = with_key
    other = make_user(org_a, roles=[Role.MANAGER]).user
    with schema_context(org_a.schema_name):
        key = SecurityKey.objects.get(user=person)
    client = client_for(org_a, user=other)
    secret, _ = enrol(client)
    assert client.get(f"/accounts/me/mfa/keys/{key.pk}/remove/").status_code == 404
    refused = client.post(f"/accounts/me/mfa/keys/{key.pk}/remove/", {"code": next_code(secret)})
    assert refused.status_code == 404
    with schema_context(org_a.schema_name):
        assert SecurityKey.objects.filter(pk=key.pk).exists()


def test_anonymous_visitors_get_no_options(org_a, client_for):
    client = client_for(org_a)
    assert client.post("/accounts/me/mfa/keys/options/").status_code == 302
    assert client.post("/accounts/me/mfa/confirm/options/").status_code == 302
    assert client.post("/accounts/sign-in/key/options/").status_code == 401


def test_new_recovery_codes_confirmed_with_a_key(org_a, with_key, client_for):
    person, authenticator, old = with_key
    client = client_for(org_a, user=person)
    options = client.post("/accounts/me/mfa/confirm/options/").content.decode()
    answer = authenticator.sign(options, origin=ALPHA_ORIGIN)
    made = client.post("/accounts/me/mfa/recovery-codes/", {"regenerate-credential": answer})
    assert made.status_code == 201
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", made.content.decode())
    assert len(new) == 10 and not set(new) & set(old)


def test_the_administrators_reset_removes_keys(org_a, with_key, client_for, admin):
    person, _, _ = with_key
    done = client_for(org_a, user=admin).post(f"/users/{person.pk}/mfa-reset/")
    assert done.status_code == 302
    with schema_context(org_a.schema_name):
        assert not SecurityKey.objects.filter(user=person).exists()
    fresh = client_for(org_a)
    assert sign_in(fresh, person.email)["Location"] == "/"
