"""Choosing a password through a one-time link ends the user's other sessions and, when they
tick the box, their API keys; the platform audit log records it. Nothing else changes."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.accounts.services.emails import password_reset_url
from goldenthread.platform.accounts.services.sessions import user_sessions_end
from goldenthread.tenants.models import PlatformAuditAction, PlatformAuditEvent
from tests.support import choose_password_through_link

NEW_PASSWORD = "a-long-new-password-42"


@pytest.fixture
def member_with_sessions_and_key(org_a, make_user, client_for):
    """A user signed in in two browsers with one API key, and a colleague likewise."""
    member, colleague = make_user(org_a), make_user(org_a)
    browsers = [client_for(org_a, user=member.user) for _ in range(2)]
    colleague_browser = client_for(org_a, user=colleague.user)
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=member.user, name="integration")
        _, colleague_key = api_credential_issue(user=colleague.user, name="integration")
    return {
        "member": member,
        "browsers": browsers,
        "key": key,
        "colleague_browser": colleague_browser,
        "colleague_key": colleague_key,
    }


def reset_link(organisation, user) -> str:
    with schema_context(organisation.schema_name):
        return password_reset_url(user=user, base_url=f"http://{organisation.slug}.localhost")


def key_works(client_for, organisation, key: str) -> bool:
    response = client_for(organisation).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    return response.status_code == 200


def signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def test_choosing_a_password_ends_every_other_session_but_keeps_keys_unless_asked(
    org_a, client_for, member_with_sessions_and_key
):
    given = member_with_sessions_and_key
    assert all(signed_in(b) for b in given["browsers"])

    choose_password_through_link(
        client_for(org_a), reset_link(org_a, given["member"].user), NEW_PASSWORD
    )

    assert not any(signed_in(b) for b in given["browsers"])
    assert key_works(client_for, org_a, given["key"])  # not asked to revoke
    # The colleague is untouched.
    assert signed_in(given["colleague_browser"])
    assert key_works(client_for, org_a, given["colleague_key"])
    event = PlatformAuditEvent.objects.get(action=PlatformAuditAction.ACCOUNT_PASSWORD_SET)
    assert (event.actor, event.organisation) == (given["member"].email, org_a)
    assert event.detail == {
        "user": given["member"].email,
        "sessions_ended": 2,
        "api_keys_revoked": 0,
        "api_keys_revocation_asked": False,
    }
    assert NEW_PASSWORD not in str(event.detail)


def test_ticking_the_box_also_revokes_all_their_api_keys(
    org_a, client_for, member_with_sessions_and_key
):
    given = member_with_sessions_and_key
    client = client_for(org_a)
    link = reset_link(org_a, given["member"].user)
    form_page = client.get(link.removeprefix("http://alpha.localhost"), follow=True)
    assert "Also revoke all my API keys" in form_page.content.decode()
    form_path = form_page.redirect_chain[-1][0]

    chosen = client.post(
        form_path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "revoke_api_keys": "on"},
    )

    assert chosen.status_code == 302
    assert not key_works(client_for, org_a, given["key"])
    assert key_works(client_for, org_a, given["colleague_key"])
    event = PlatformAuditEvent.objects.get(action=PlatformAuditAction.ACCOUNT_PASSWORD_SET)
    assert (event.detail["api_keys_revoked"], event.detail["api_keys_revocation_asked"]) == (
        1,
        True,
    )
    # And the new password signs in.
    assert (
        client.post(
            "/accounts/sign-in/", {"username": given["member"].email, "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_a_refused_form_changes_nothing(org_a, client_for, member_with_sessions_and_key):
    given = member_with_sessions_and_key
    client = client_for(org_a)
    form_page = client.get(
        reset_link(org_a, given["member"].user).removeprefix("http://alpha.localhost"), follow=True
    )
    refused = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": "different", "revoke_api_keys": "on"},
    )

    assert refused.status_code == 200
    assert all(signed_in(b) for b in given["browsers"])
    assert key_works(client_for, org_a, given["key"])
    assert not PlatformAuditEvent.objects.filter(
        action=PlatformAuditAction.ACCOUNT_PASSWORD_SET
    ).exists()


def test_ending_sessions_keeps_the_one_asked_for(org_a, make_user, client_for):
    member = make_user(org_a)
    keep, other = client_for(org_a, user=member.user), client_for(org_a, user=member.user)
    with schema_context(org_a.schema_name):
        ended = user_sessions_end(
            user=member.user, keep_session_key=keep.cookies["sessionid"].value
        )
        assert ended == 1
        assert Session.objects.filter(session_key=keep.cookies["sessionid"].value).exists()
    assert signed_in(keep) and not signed_in(other)
