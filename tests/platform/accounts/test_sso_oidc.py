"""Single sign-on by OpenID Connect against a real provider (django-oauth-toolkit in its own
server process, `tests/fixtures/oidc.py`): who gets in, who is refused and why, "SSO
required" with its break-glass administrator, and answers that fail the checks."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
from django_tenants.utils import schema_context

from tests.conftest import host_of
from tests.fixtures.oidc import IdpBrowser, configure_oidc

PASSWORD = "correct-horse-battery-staple"
START = "/accounts/sso/start/"


def unique_email(slug: str = "alpha") -> str:
    return f"sso-{uuid.uuid4().hex[:8]}@{slug}.example"


@pytest.fixture
def administrator(org_a, make_user):
    return make_user(org_a, roles=["org_admin"]).user


@pytest.fixture
def oidc_on(org_a, oidc_provider, administrator):
    """Alpha with OpenID Connect on (invited users only); returns a function to change more."""

    def turn_on(**changes):
        return configure_oidc(
            org_a,
            oidc_provider,
            actor=administrator,
            base_urls=[f"http://{host_of(org_a)}"],
            **changes,
        )

    turn_on()
    return turn_on


def sso(client, provider, *, email: str, groups=(), start: str = START):
    """The whole flow: our button, the provider's login form, back to our callback."""
    provider.add_user(email=email, groups=groups)
    started = client.get(start)
    assert started.status_code == 302, started.content.decode()
    back = IdpBrowser().sign_in_and_authorize(started["Location"], username=email)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def signed_in_email(client) -> str | None:
    response = client.get("/accounts/me/")
    if response.status_code != 200:
        return None
    return response.context["user"].email


def events(organisation, kind: str):
    from goldenthread.platform.accounts.models import AuthenticationEvent

    with schema_context(organisation.schema_name):
        return list(AuthenticationEvent.objects.filter(kind=kind).order_by("id"))


def test_an_invited_user_signs_in_through_the_provider(
    org_a, oidc_on, oidc_provider, make_user, client_for
):
    member = make_user(org_a, email=unique_email(), roles=["data_provider"]).user
    client = client_for(org_a)

    # The sign-in page offers the provider
    page = client.get("/accounts/sign-in/").content.decode()
    assert "Sign in with Test Provider" in page

    # The address at the provider differs in case only: still the same person
    response = sso(client, oidc_provider, email=member.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_email(client) == member.email

    [event] = events(org_a, "sso_signed_in")
    assert event.user_id == member.pk
    assert event.detail == {"door": "sso", "protocol": "oidc"}
    # The person's sign-in history says it in words
    assert (
        "Signed in by single sign-on (OpenID Connect)"
        in client.get("/accounts/me/").content.decode()
    )
    from goldenthread.platform.accounts.models import SsoLink

    with schema_context(org_a.schema_name):
        link = SsoLink.objects.get(user=member)
    assert link.issuer == oidc_provider.issuer
    assert link.subject  # the provider's subject for this person


def test_a_person_who_was_not_invited_is_refused_and_nothing_is_created(
    org_a, oidc_on, oidc_provider, client_for
):
    from goldenthread.platform.accounts.models import User

    email = unique_email()
    client = client_for(org_a)
    response = sso(client, oidc_provider, email=email)

    assert response.status_code == 403
    assert "Your council has not given you access" in response.content.decode()
    assert "administrator" in response.content.decode()
    assert signed_in_email(client) is None
    with schema_context(org_a.schema_name):
        assert not User.objects.filter(email=email).exists()
    [event] = events(org_a, "sso_refused")
    assert event.email == email
    assert event.detail["reason"] == "not_invited"
    from goldenthread.platform.accounts.selectors.sessions import describe

    assert (
        describe(event)
        == "Refused at single sign-on (OpenID Connect): not invited to this organisation"
    )


def test_a_user_of_another_organisation_cannot_sign_in_here(
    org_a, org_b, oidc_on, oidc_provider, make_user, client_for
):
    theirs = make_user(org_b, email=unique_email("beta")).user
    client = client_for(org_a)
    response = sso(client, oidc_provider, email=theirs.email)
    assert response.status_code == 403
    assert signed_in_email(client) is None
    assert events(org_a, "sso_refused")[0].detail["reason"] == "not_invited"


def test_a_deactivated_user_is_refused(
    org_a, oidc_on, oidc_provider, make_user, client_for, administrator
):
    from goldenthread.platform.accounts.services.users import user_deactivate

    member = make_user(org_a, email=unique_email()).user
    with schema_context(org_a.schema_name):
        user_deactivate(actor=administrator, user=member)
    client = client_for(org_a)
    response = sso(client, oidc_provider, email=member.email)
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert signed_in_email(client) is None
    assert events(org_a, "sso_refused")[0].detail["reason"] == "deactivated"


def test_just_in_time_creation_gives_the_default_role_and_mapped_roles_only(
    org_a, oidc_on, oidc_provider, client_for
):
    from goldenthread.platform.accounts.models import User, UserAuditEntry

    oidc_on(
        jit_enabled=True,
        jit_default_role="data_provider",
        group_role_mapping={"verifiers": ["verifier"], "admins": ["org_admin"]},
    )
    email = unique_email()
    client = client_for(org_a)
    response = sso(client, oidc_provider, email=email, groups=["verifiers", "choir"])
    assert response.status_code == 302
    assert signed_in_email(client) == email
    with schema_context(org_a.schema_name):
        user = User.objects.get(email=email)
        assert user.roles == ["data_provider", "verifier"]  # not org_admin: not in that group
        assert not user.has_usable_password()
        entry = UserAuditEntry.objects.get(user=user)
    assert entry.action == "created_by_sso"
    assert entry.new["roles"] == ["data_provider", "verifier"]


def test_a_person_created_just_in_time_is_an_administrator_only_when_a_group_says_so(
    org_a, oidc_on, oidc_provider, client_for
):
    from goldenthread.platform.accounts.models import User

    oidc_on(jit_enabled=True, group_role_mapping={"admins": ["org_admin"]})
    email = unique_email()
    response = sso(client_for(org_a), oidc_provider, email=email, groups=["admins"])
    # An administrator must set up MFA before anything else
    assert response["Location"] == "/accounts/me/mfa/set-up/"
    with schema_context(org_a.schema_name):
        assert User.objects.get(email=email).roles == ["org_admin"]


def test_a_user_with_mfa_still_gives_their_code_after_single_sign_on(
    org_a, oidc_on, oidc_provider, make_user, client_for
):
    from django.utils import timezone

    from goldenthread.platform.accounts.models import TotpDevice

    member = make_user(org_a, email=unique_email()).user
    with schema_context(org_a.schema_name):
        TotpDevice.objects.create(
            user=member, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now()
        )
    client = client_for(org_a)
    response = sso(client, oidc_provider, email=member.email)
    assert response["Location"] == "/accounts/sign-in/code/"
    assert signed_in_email(client) is None  # not yet: the code step signs in
    assert events(org_a, "sso_accepted")[0].user_id == member.pk


def test_sso_required_turns_passwords_off_except_for_the_break_glass_administrator(
    org_a,
    oidc_on,
    oidc_provider,
    make_user,
    client_for,
    administrator,
    django_capture_on_commit_callbacks,
):
    member = make_user(org_a, email=unique_email()).user
    oidc_on(sso_required=True, break_glass_user_id=administrator.pk)

    # The sign-in page leads with the provider; the password form is behind a small link
    page = client_for(org_a).get("/accounts/sign-in/").content.decode()
    assert "Sign in with Test Provider" in page
    assert 'name="password"' not in page
    assert "Break-glass administrator: sign in with a password" in page

    # A right password is refused for everyone else...
    client = client_for(org_a)
    refused = client.post("/accounts/sign-in/", {"username": member.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "passwords are turned off" in refused.content.decode()
    assert signed_in_email(client) is None
    # ...and so is a password reset (the answer is the same, but no e-mail goes), while the
    # break-glass administrator's reset still goes
    with django_capture_on_commit_callbacks() as member_callbacks:
        answer = client.post("/accounts/password-reset/", {"email": member.email})
    with django_capture_on_commit_callbacks() as glass_callbacks:
        client.post("/accounts/password-reset/", {"email": administrator.email})
    assert answer.status_code == 200
    assert len(member_callbacks) == 0
    assert len(glass_callbacks) == 1

    # ...but single sign-on works for them
    assert sso(client, oidc_provider, email=member.email).status_code == 302
    assert signed_in_email(client) == member.email

    # The break-glass administrator still signs in with their password
    glass = client_for(org_a)
    response = glass.post(
        "/accounts/sign-in/", {"username": administrator.email, "password": PASSWORD}
    )
    # (signed in, and held on MFA enrolment as every administrator is until they set it up)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/mfa/set-up/"
    assert glass.get("/accounts/me/mfa/set-up/").context["user"] == administrator


def test_the_break_glass_administrator_cannot_be_deactivated_or_demoted_while_sso_is_required(
    org_a, oidc_on, make_user, administrator
):
    from goldenthread.platform.accounts.services.users import user_deactivate, user_update
    from goldenthread.platform.core.errors import Conflict

    other_admin = make_user(org_a, roles=["org_admin"]).user
    oidc_on(sso_required=True, break_glass_user_id=administrator.pk)
    with schema_context(org_a.schema_name):
        with pytest.raises(Conflict, match="break-glass administrator"):
            user_deactivate(actor=other_admin, user=administrator)
        with pytest.raises(Conflict, match="break-glass administrator"):
            user_update(actor=other_admin, user=administrator, roles=["data_provider"])
        administrator.refresh_from_db()
        assert administrator.is_active and administrator.roles == ["org_admin"]


@pytest.mark.parametrize("tamper", ["state", "nonce"])
def test_a_callback_with_the_wrong_state_or_nonce_signs_nobody_in(
    org_a, oidc_on, oidc_provider, make_user, client_for, tamper
):
    member = make_user(org_a, email=unique_email()).user
    oidc_provider.add_user(email=member.email)
    client = client_for(org_a)
    started = client.get(START)
    back = urlsplit(IdpBrowser().sign_in_and_authorize(started["Location"], username=member.email))
    query = back.query
    if tamper == "state":
        query = query.replace("state=", "state=x")
    else:  # the session's nonce no longer matches the one in the provider's ID token
        session = client.session
        session["sso_oidc_pending"]["nonce"] = "another-nonce"
        session.save()
    response = client.get(f"{back.path}?{query}")
    assert response.status_code == 403
    assert "failed our security checks" in response.content.decode()
    assert signed_in_email(client) is None
    [event] = events(org_a, "sso_refused")
    assert event.detail["reason"] == "invalid_response"
    assert event.detail["check"] == tamper


def test_a_callback_cannot_be_replayed(org_a, oidc_on, oidc_provider, make_user, client_for):
    member = make_user(org_a, email=unique_email()).user
    oidc_provider.add_user(email=member.email)
    client = client_for(org_a)
    back = urlsplit(
        IdpBrowser().sign_in_and_authorize(client.get(START)["Location"], username=member.email)
    )
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    stranger = client_for(org_a)  # the same code and state in another browser
    assert stranger.get(f"{back.path}?{back.query}").status_code == 403
    assert signed_in_email(stranger) is None


def test_under_sso_required_a_set_password_link_sets_no_password(
    org_a, oidc_on, make_user, client_for, administrator
):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tests.fixtures.accessibility import assert_form_markup
    from tests.fixtures.html import parse

    member = make_user(org_a, email=unique_email()).user
    oidc_on(sso_required=True, break_glass_user_id=administrator.pk)
    client = client_for(org_a)
    with schema_context(org_a.schema_name):
        uid = urlsafe_base64_encode(force_bytes(member.pk))
        token = default_token_generator.make_token(member)
    form = client.get(f"/accounts/password-reset/{uid}/{token}/", follow=True)
    new = "a-long-new-password-for-nobody"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 200
    assert "you do not need a password" in response.content.decode()
    with schema_context(org_a.schema_name):
        member.refresh_from_db()
        assert not member.check_password(new)
    # The sign-in page's break-glass form is labelled like every form
    assert_form_markup(parse(client.get("/accounts/sign-in/?password=1")))


def test_a_locked_account_is_refused_at_single_sign_on_too(
    org_a, oidc_on, oidc_provider, make_user, client_for
):
    from goldenthread.platform.accounts.services import lockout

    member = make_user(org_a, email=unique_email()).user
    with schema_context(org_a.schema_name):
        lock = None
        while lock is None:  # wrong passwords until the account locks
            lock = lockout.failure_record(door=lockout.SIGN_IN, email=member.email, address=None)
    client = client_for(org_a)
    response = sso(client, oidc_provider, email=member.email)
    assert response.status_code == 403
    assert "too many sign-in attempts for this account" in response.content.decode()
    assert signed_in_email(client) is None
    assert events(org_a, "refused_while_locked")[0].user_id == member.pk


def test_an_unusable_address_from_the_provider_is_refused_even_with_just_in_time_creation(
    org_a, oidc_on, client_for
):
    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.accounts.services.sso.sign_in import (
        SsoRefused,
        VouchedIdentity,
        sso_user_resolve,
    )

    oidc_on(jit_enabled=True)
    with schema_context(org_a.schema_name):
        before = User.objects.count()
        with pytest.raises(SsoRefused) as refused:
            sso_user_resolve(
                identity=VouchedIdentity(
                    protocol="oidc", issuer="https://idp/", subject="1", email="not an address"
                ),
                address="203.0.113.9",
            )
        assert refused.value.reason == "no_email"
        assert User.objects.count() == before


def test_a_different_identity_with_a_linked_users_address_is_refused_until_unlinked(
    org_a, oidc_on, oidc_provider, make_user, client_for, administrator
):
    from goldenthread.platform.accounts.models import SsoLink

    member = make_user(org_a, email=unique_email()).user
    with schema_context(org_a.schema_name):  # linked earlier to someone else at the provider
        SsoLink.objects.create(
            user=member, protocol="oidc", issuer=oidc_provider.issuer, subject="someone-else"
        )
    client = client_for(org_a)
    refused = sso(client, oidc_provider, email=member.email)
    assert refused.status_code == 403
    assert "linked to a different identity" in refused.content.decode()
    assert signed_in_email(client) is None
    assert events(org_a, "sso_refused")[0].detail["reason"] == "other_identity"

    # A non-administrator cannot unlink; the administrator can, from the user's page
    officer = make_user(org_a, roles=["performance_officer"]).user
    unlink = f"/users/{member.pk}/sso-unlink/"
    assert client_for(org_a, user=officer).post(unlink).status_code == 403
    admin_client = client_for(org_a, user=administrator)
    page = admin_client.get(f"/users/{member.pk}/")
    assert "Linked to <code>someone-else</code>" in page.content.decode()
    assert admin_client.post(unlink).status_code == 302
    with schema_context(org_a.schema_name):
        assert not SsoLink.objects.filter(user=member).exists()
        from goldenthread.platform.accounts.models import UserAuditEntry

        entry = UserAuditEntry.objects.get(user=member, action="sso_unlinked")
    assert entry.old["subject"] == "someone-else"

    # Now their own identity signs in and is linked
    assert sso(client, oidc_provider, email=member.email).status_code == 302
    assert signed_in_email(client) == member.email


def test_the_invitation_names_the_provider_and_under_sso_required_sends_no_password_link(
    org_a, oidc_on, administrator, make_user
):
    from django.core import mail

    from goldenthread.platform.accounts.services.emails import send_invitation

    member = make_user(org_a, email=unique_email()).user
    with schema_context(org_a.schema_name):
        send_invitation(user=member, base_url="http://alpha.example/")
        oidc_on(sso_required=True, break_glass_user_id=administrator.pk)
        send_invitation(user=member, base_url="http://alpha.example/")
    optional, required = mail.outbox[-2].body, mail.outbox[-1].body
    assert 'choose "Sign in with Test Provider"' in optional
    assert "/accounts/password-reset/" in optional  # passwords still allowed
    assert 'choose "Sign in with Test Provider"' in required
    assert "/accounts/password-reset/" not in required
    assert "You do not need a password" in required
