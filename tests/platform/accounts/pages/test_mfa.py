"""Multi-factor authentication through real requests: enrolment, the second sign-in step with
TOTP codes computed here (pyotp) and recovery codes, the MFA lockout door, enforcement for
administrators, helpdesk staff and organisations that require it, and the administrator's
reset."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import (
    AuthenticationEvent,
    RecoveryCode,
    Role,
    TotpDevice,
    User,
    UserAuditEntry,
)
from goldenthread.platform.accounts.tasks import send_mfa_reset_email
from tests.fixtures.mfa import enrol, next_code
from tests.refusals import database_state

PASSWORD = "correct-horse-battery-staple"


def sign_in(client, email: str, password: str = PASSWORD, **data):
    return client.post("/accounts/sign-in/", {"username": email, "password": password, **data})


def is_signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def enter(client, code: str):
    return client.post("/accounts/sign-in/code/", {"code": code})


def events(organisation, **filters) -> list[str]:
    with schema_context(organisation.schema_name):
        return list(
            AuthenticationEvent.objects.filter(**filters)
            .order_by("created_at", "id")
            .values_list("kind", flat=True)
        )


@pytest.fixture
def enrolled(org_a, make_user, client_for):
    """A verifier of Alpha who has set up MFA: (user, secret, recovery codes)."""
    person = make_user(org_a, roles=[Role.VERIFIER]).user
    client = client_for(org_a, user=person)
    qr = client.get("/accounts/me/mfa/set-up/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert qr["Cache-Control"] == "no-store"
    secret, codes = enrol(client)
    return person, secret, codes


def test_enrolment_stores_the_app_and_only_hashes_of_the_recovery_codes(org_a, enrolled):
    person, secret, codes = enrolled
    with schema_context(org_a.schema_name):
        assert TotpDevice.objects.get(user=person).secret == secret
        hashes = set(RecoveryCode.objects.filter(user=person).values_list("code_hash", flat=True))
    assert len(hashes) == 10 and not hashes & set(codes)


def test_a_wrong_code_does_not_enrol(org_a, make_user, client_for):
    person = make_user(org_a).user
    client = client_for(org_a, user=person)
    client.get("/accounts/me/mfa/set-up/")
    refused = client.post("/accounts/me/mfa/set-up/", {"code": "000000"})
    assert refused.status_code == 400 and "not right" in refused.content.decode()
    with schema_context(org_a.schema_name):
        assert not TotpDevice.objects.filter(user=person).exists()


def test_sign_in_asks_for_a_code_after_the_password(org_a, enrolled, client_for):
    person, secret, _ = enrolled
    client = client_for(org_a)
    step = sign_in(client, person.email, next="/accounts/me/")
    assert step.status_code == 302 and step["Location"] == "/accounts/sign-in/code/"
    assert not is_signed_in(client)  # the password alone is not enough
    assert enter(client, "123456").status_code == 400
    assert not is_signed_in(client)
    done = enter(client, next_code(secret))
    assert done.status_code == 302 and done["Location"] == "/accounts/me/"
    assert is_signed_in(client)
    assert events(org_a, user=person) == ["password_accepted", "mfa_failed", "signed_in"]


def test_the_code_step_needs_a_right_password_first(org_a, enrolled, client_for):
    person, secret, _ = enrolled
    client = client_for(org_a)
    sign_in(client, person.email, password="wrong-password-entirely")
    assert enter(client, next_code(secret))["Location"] == "/accounts/sign-in/"
    assert not is_signed_in(client)


def test_a_code_is_refused_the_second_time(org_a, enrolled, client_for):
    person, secret, _ = enrolled
    code = next_code(secret)
    first = client_for(org_a)
    sign_in(first, person.email)
    assert enter(first, code).status_code == 302
    second = client_for(org_a)  # someone who saw the code, or the same browser again
    sign_in(second, person.email)
    assert enter(second, code).status_code == 400
    assert not is_signed_in(second)
    # The code used at enrolment is spent too.
    assert enter(second, pyotp.TOTP(secret).at(time.time() - 30)).status_code == 400


def test_codes_outside_the_window_are_refused(org_a, enrolled, client_for):
    person, secret, _ = enrolled
    client = client_for(org_a)
    sign_in(client, person.email)
    assert enter(client, pyotp.TOTP(secret).at(time.time() + 120)).status_code == 400
    assert enter(client, pyotp.TOTP(secret).at(time.time() - 120)).status_code == 400
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_once(org_a, enrolled, client_for):
    person, _, codes = enrolled
    client = client_for(org_a)
    sign_in(client, person.email)
    done = enter(client, codes[3].upper().replace("-", ""))  # typed loosely
    assert done.status_code == 302 and is_signed_in(client)
    assert "recovery_code_used" in events(org_a, user=person)
    again = client_for(org_a)
    sign_in(again, person.email)
    assert enter(again, codes[3]).status_code == 400
    assert not is_signed_in(again)
    assert enter(again, codes[4]).status_code == 302


def test_wrong_codes_lock_the_mfa_door(org_a, enrolled, client_for):
    person, secret, _ = enrolled
    client = client_for(org_a)
    sign_in(client, person.email)
    statuses = [enter(client, "000000").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    locked = enter(client, next_code(secret))  # the right code, during the lock
    assert locked.status_code == 429 and "Retry-After" in locked
    assert not is_signed_in(client)
    kinds = events(org_a, user=person)
    assert kinds.count("mfa_failed") == 5 and "locked" in kinds and "refused_while_locked" in kinds


def test_regenerating_recovery_codes_needs_a_code_and_replaces_them(org_a, enrolled, client_for):
    person, secret, old = enrolled
    client = client_for(org_a, user=person)
    assert (
        client.post("/accounts/me/mfa/recovery-codes/", {"regenerate-code": "000000"}).status_code
        == 400
    )
    made = client.post("/accounts/me/mfa/recovery-codes/", {"regenerate-code": next_code(secret)})
    assert made.status_code == 201
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", made.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = client_for(org_a)
    sign_in(other, person.email)
    assert enter(other, old[0]).status_code == 400
    assert enter(other, new[0]).status_code == 302


def test_turning_mfa_off_needs_a_current_code(org_a, enrolled, client_for):
    person, secret, codes = enrolled
    client = client_for(org_a, user=person)
    assert client.post("/accounts/me/mfa/turn-off/", {"remove-code": codes[0]}).status_code == 400
    assert client.post("/accounts/me/mfa/turn-off/", {"remove-code": "000000"}).status_code == 400
    with schema_context(org_a.schema_name):
        assert TotpDevice.objects.filter(user=person).exists()
    done = client.post("/accounts/me/mfa/turn-off/", {"remove-code": next_code(secret)})
    assert done.status_code == 302
    with schema_context(org_a.schema_name):
        assert not TotpDevice.objects.filter(user=person).exists()
        assert not RecoveryCode.objects.filter(user=person).exists()
    fresh = client_for(org_a)
    assert sign_in(fresh, person.email)["Location"] == "/"  # the password alone again


def test_an_administrator_must_enrol_before_reaching_anything(org_a, make_user, client_for):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    client = client_for(org_a)
    assert sign_in(client, admin.email)["Location"] == "/accounts/me/mfa/set-up/"
    for path in ("/", "/users/", "/accounts/me/", "/accounts/me/mfa/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/me/mfa/set-up/"
    assert client.post("/users/invite/", {"email": "x@alpha.example"})["Location"].endswith(
        "/set-up/"
    )
    secret, _ = enrol(client)
    assert client.get("/users/").status_code == 200
    # Next time: password, then code.
    again = client_for(org_a)
    assert sign_in(again, admin.email)["Location"] == "/accounts/sign-in/code/"
    assert enter(again, next_code(secret)).status_code == 302
    assert again.get("/users/").status_code == 200


def test_helpdesk_staff_must_enrol(public_org, make_user, client_for):
    staff = make_user(public_org, email="help@goldenthread.example", is_staff=True)
    client = client_for(None)
    response = sign_in(client, staff.user.email, next="/helpdesk/")
    assert response["Location"] == "/accounts/me/mfa/set-up/"
    assert client.get("/helpdesk/")["Location"] == "/accounts/me/mfa/set-up/"
    secret, _ = enrol(client)
    assert client.get("/helpdesk/").status_code == 200
    again = client_for(None)
    assert sign_in(again, staff.user.email)["Location"] == "/accounts/sign-in/code/"
    enter(again, next_code(secret))
    assert again.get("/helpdesk/").status_code == 200


def test_an_ordinary_user_need_not_enrol_unless_the_organisation_requires_it(
    org_a, make_user, client_for
):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    member = make_user(org_a, roles=[Role.MANAGER]).user
    assert sign_in(client_for(org_a), member.email)["Location"] == "/"
    admin_client = client_for(org_a, user=admin)
    assert (
        admin_client.post("/users/mfa-policy/", {"mfa_required_for_everyone": "on"}).status_code
        == 302
    )
    org_a.refresh_from_db()
    assert org_a.mfa_required_for_everyone
    assert sign_in(client_for(org_a), member.email)["Location"] == "/accounts/me/mfa/set-up/"
    # A non-administrator cannot change the policy.
    refused = client_for(org_a, user=member).post("/users/mfa-policy/", {})
    assert refused.status_code == 403
    org_a.refresh_from_db()
    assert org_a.mfa_required_for_everyone


def test_api_keys_are_not_asked_for_a_code(org_a, make_user, client_for):
    from goldenthread.platform.accounts.services import api_credential_issue

    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=admin, name="finance import")
    response = client_for(org_a).get("/api/v1/accounts/users/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_an_administrator_resets_a_users_mfa_audited_and_notified(
    org_a, enrolled, make_user, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    person, secret, _ = enrolled
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    their_session = client_for(org_a, user=person)
    listed = client_for(org_a, user=admin).get("/users/?q=" + person.email).content.decode()
    assert "<td>Authenticator app</td>" in listed
    exported = client_for(org_a, user=admin).get("/users/export.csv?q=" + person.email)
    assert exported.content.decode().splitlines()[1].split(",")[6] == "authenticator app"
    api = client_for(org_a, user=admin).get(f"/api/v1/accounts/users/{person.pk}/")
    assert api.json()["mfa"] == "authenticator app"
    with django_capture_on_commit_callbacks() as callbacks:
        done = client_for(org_a, user=admin).post(f"/users/{person.pk}/mfa-reset/")
    assert done.status_code == 302
    assert len(callbacks) == 1  # the e-mail goes out from a worker, after commit
    assert not is_signed_in(their_session)
    with schema_context(org_a.schema_name):
        assert not TotpDevice.objects.filter(user=person).exists()
        entry = UserAuditEntry.objects.get(user=person, action="mfa_reset")
        assert send_mfa_reset_email.run(person.pk, "http://alpha.localhost/") is True
    assert entry.actor_email == admin.email
    assert mailoutbox[-1].to == [person.email]
    assert "reset the multi-factor authentication" in mailoutbox[-1].body
    listed = client_for(org_a, user=admin).get("/users/?q=" + person.email).content.decode()
    assert "<td>Not set up</td>" in listed
    api = client_for(org_a, user=admin).get(f"/api/v1/accounts/users/{person.pk}/")
    assert api.json()["mfa"] == "not set up"


@pytest.mark.parametrize("who", ["non_admin", "other_organisation", "anonymous", "self"])
def test_resetting_mfa_is_refused_and_changes_nothing(
    org_a, org_b, enrolled, make_user, client_for, who
):
    person, _, _ = enrolled
    if who == "non_admin":
        client = client_for(org_a, user=make_user(org_a, roles=[Role.MANAGER]).user)
        expected = 403
    elif who == "other_organisation":
        client = client_for(org_b, user=make_user(org_b, roles=[Role.ORGANISATION_ADMIN]).user)
        expected = 404
    elif who == "anonymous":
        client = client_for(org_a)
        expected = 302
    else:  # an administrator resetting their own MFA without a code
        with schema_context(org_a.schema_name):
            User.objects.filter(pk=person.pk).update(roles=[Role.ORGANISATION_ADMIN])
        client = client_for(org_a, user=person)
        expected = 302
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)
    if who == "other_organisation":
        with schema_context(org_b.schema_name):
            # The same id in org B names nobody with MFA there.
            assert not TotpDevice.objects.filter(user_id=person.pk).exists()
    response = client.post(f"/users/{person.pk}/mfa-reset/")
    assert response.status_code == expected
    with schema_context(org_a.schema_name):
        assert TotpDevice.objects.filter(user=person).exists()
        assert not UserAuditEntry.objects.filter(action="mfa_reset").exists()
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    assert [t for t in changed if not t.endswith(("django_session", "auditoraccesslog"))] == []


def test_wrong_codes_on_the_account_page_count_at_the_mfa_door(org_a, enrolled, client_for):
    """A borrowed session cannot guess codes to turn MFA off."""
    person, secret, _ = enrolled
    client = client_for(org_a, user=person)
    statuses = [
        client.post("/accounts/me/mfa/turn-off/", {"remove-code": "000000"}).status_code
        for _ in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 429]
    locked = client.post("/accounts/me/mfa/turn-off/", {"remove-code": next_code(secret)})
    assert locked.status_code == 429 and "Retry-After" in locked
    with schema_context(org_a.schema_name):
        assert TotpDevice.objects.filter(user=person).exists()
    assert events(org_a, user=person).count("mfa_failed") == 5
