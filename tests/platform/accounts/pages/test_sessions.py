"""Sessions on an organisation's host: idle timeout, absolute lifetime, the warning's status
and keep-alive, "sign out everywhere" (by the person and by their administrator), and the
sign-in history. Real requests through the test client; the session clock is moved back by
editing the stored session, as time passing would."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.domain.sessions import LAST_SEEN_AT, SIGNED_IN_AT
from goldenthread.platform.accounts.models import (
    AuthenticationEvent,
    Role,
    SessionSettings,
    UserAuditEntry,
)
from tests.fixtures.mfa import enrol
from tests.platform.accounts.test_sign_in import PASSWORD, sign_in
from tests.refusals import database_state

MINUTE = 60


def age(client, organisation, *, idle: float = 0, since_sign_in: float = 0) -> None:
    """Pretend `idle` seconds passed since the last request and `since_sign_in` since the
    sign-in."""
    with schema_context(organisation.schema_name):
        session = client.session
        session[LAST_SEEN_AT] = float(session[LAST_SEEN_AT]) - idle
        session[SIGNED_IN_AT] = float(session[SIGNED_IN_AT]) - max(idle, since_sign_in)
        session.save()


def signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def sessions_of(organisation, user) -> int:
    with schema_context(organisation.schema_name):
        return sum(
            1
            for session in Session.objects.all()
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
        )


@pytest.fixture
def officer(org_a, make_user):
    return make_user(org_a, roles=[Role.PERFORMANCE_OFFICER]).user


@pytest.fixture
def signed_in_client(org_a, officer, client_for):
    client = client_for(org_a)
    assert sign_in(client, officer.email).status_code == 302
    return client


# --- idle timeout and absolute lifetime -------------------------------------------------


def test_a_session_idle_past_the_default_30_minutes_is_ended_with_a_message(
    org_a, signed_in_client
):
    age(signed_in_client, org_a, idle=31 * MINUTE)
    response = signed_in_client.get("/indicators/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/sign-in/?next=/indicators/"
    assert "left for 30 minutes without activity" in response.content.decode()
    assert not signed_in(signed_in_client)


def test_an_active_session_is_kept_and_its_activity_recorded(org_a, signed_in_client):
    age(signed_in_client, org_a, idle=25 * MINUTE)
    assert signed_in(signed_in_client)
    age(signed_in_client, org_a, idle=25 * MINUTE)  # 50 minutes since sign-in, never 30 idle
    assert signed_in(signed_in_client)
    with schema_context(org_a.schema_name):
        assert time.time() - signed_in_client.session[LAST_SEEN_AT] < MINUTE


def test_the_idle_timeout_is_the_organisations_setting(org_a, org_b, make_user, client_for):
    with schema_context(org_a.schema_name):
        SessionSettings.objects.update_or_create(id=1, defaults={"idle_timeout_minutes": 10})
    alpha, beta = make_user(org_a).user, make_user(org_b).user
    alpha_client, beta_client = client_for(org_a), client_for(org_b)
    sign_in(alpha_client, alpha.email)
    sign_in(beta_client, beta.email)
    age(alpha_client, org_a, idle=11 * MINUTE)
    age(beta_client, org_b, idle=11 * MINUTE)
    assert not signed_in(alpha_client)
    assert signed_in(beta_client)  # Beta keeps the default 30 minutes


def test_an_idle_session_on_the_api_answers_401_in_the_error_body(org_a, signed_in_client):
    assert signed_in_client.get("/api/v1/indicators/").status_code == 200
    age(signed_in_client, org_a, idle=31 * MINUTE)
    response = signed_in_client.get("/api/v1/indicators/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_ended"
    assert "30 minutes" in response.json()["message"]


def test_the_absolute_lifetime_ends_even_an_active_session(org_a, signed_in_client, settings):
    age(signed_in_client, org_a, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME_SECONDS - 60)
    assert signed_in(signed_in_client)
    age(signed_in_client, org_a, since_sign_in=61)
    response = signed_in_client.get("/accounts/me/", follow=True)
    assert "signed in more than 12 hours ago" in response.content.decode()
    assert not signed_in(signed_in_client)


def test_the_absolute_lifetime_applies_to_staff_on_the_platform_host(
    public_org, make_user, client_for, settings
):
    staff = make_user(public_org, is_staff=True).user
    client = client_for(None)
    sign_in(client, staff.email)
    enrol(client)  # helpdesk staff set up MFA before anything else
    age(client, public_org, idle=3 * 3600)  # no idle timeout on the platform host
    assert client.get("/helpdesk/").status_code == 200
    age(client, public_org, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME_SECONDS)
    assert client.get("/helpdesk/").status_code == 302


# --- the warning's status and keep-alive ------------------------------------------------


def test_asking_how_long_is_left_does_not_keep_the_session_alive(org_a, signed_in_client):
    age(signed_in_client, org_a, idle=20 * MINUTE)
    status = signed_in_client.get("/accounts/me/session/", HTTP_ACCEPT="application/json")
    assert status.status_code == 200
    assert 9 * MINUTE <= status.json()["seconds_left"] <= 10 * MINUTE
    assert status.json()["warning_seconds"] == 5 * MINUTE
    age(signed_in_client, org_a, idle=11 * MINUTE)
    ended = signed_in_client.get("/accounts/me/session/", HTTP_ACCEPT="application/json")
    assert ended.status_code == 401


def test_stay_signed_in_keeps_the_session(org_a, signed_in_client):
    age(signed_in_client, org_a, idle=27 * MINUTE)
    kept = signed_in_client.post("/accounts/me/session/keep-alive/")
    assert kept.status_code == 200
    assert kept.json()["seconds_left"] >= 29 * MINUTE
    age(signed_in_client, org_a, idle=27 * MINUTE)  # 54 minutes since sign-in
    assert signed_in(signed_in_client)


def test_keep_alive_needs_the_csrf_token_and_a_session(org_a, signed_in_client, client_for):
    from django.test import Client

    strict = Client(HTTP_HOST=signed_in_client.defaults["HTTP_HOST"], enforce_csrf_checks=True)
    strict.cookies = signed_in_client.cookies
    assert strict.post("/accounts/me/session/keep-alive/").status_code == 403
    anonymous = client_for(org_a).post("/accounts/me/session/keep-alive/")
    assert anonymous.status_code == 401


def test_pages_carry_the_warning_script_without_inline_code(org_a, signed_in_client):
    html = signed_in_client.get("/accounts/me/").content.decode()
    assert 'src="/static/accounts/session-timeout.js"' in html
    assert 'data-keep-alive-url="/accounts/me/session/keep-alive/"' in html
    assert 'data-seconds-left="' in html


def test_the_warning_script_is_not_on_anonymous_pages(org_a, client_for):
    assert "session-timeout.js" not in client_for(org_a).get("/accounts/sign-in/").content.decode()


# --- sign out everywhere ----------------------------------------------------------------


def test_sign_out_everywhere_ends_the_persons_other_sessions_and_this_one(
    org_a, officer, make_user, client_for, signed_in_client
):
    laptop = client_for(org_a)
    sign_in(laptop, officer.email)
    colleague = make_user(org_a).user
    colleague_client = client_for(org_a)
    sign_in(colleague_client, colleague.email)
    assert sessions_of(org_a, officer) == 2

    response = signed_in_client.post("/accounts/me/sign-out-everywhere/", follow=True)
    assert "You are signed out everywhere (2 sessions ended)" in response.content.decode()
    assert not signed_in(signed_in_client)
    assert not signed_in(laptop)
    assert signed_in(colleague_client)  # nobody else's
    assert sessions_of(org_a, officer) == 0
    with schema_context(org_a.schema_name):
        event = AuthenticationEvent.objects.filter(user=officer).first()
        assert event.kind == "signed_out_everywhere"


def test_sign_out_everywhere_is_for_signed_in_people_only(org_a, client_for):
    response = client_for(org_a).post("/accounts/me/sign-out-everywhere/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_an_administrator_signs_a_user_out_everywhere_audited(
    org_a, admin, officer, client_for, signed_in_client
):
    admin_client = client_for(org_a, user=admin)
    response = admin_client.post(f"/users/{officer.pk}/sign-out-everywhere/", follow=True)
    assert f"{officer.email} is signed out everywhere (1 session ended)" in (
        response.content.decode()
    )
    assert not signed_in(signed_in_client)
    assert signed_in(admin_client)
    with schema_context(org_a.schema_name):
        entry = UserAuditEntry.objects.get(user=officer, action="signed_out_everywhere")
        assert entry.actor == admin and entry.new == {"sessions_ended": 1}
    assert "Signed out everywhere" in admin_client.get(f"/users/{officer.pk}/").content.decode()


def test_a_non_administrator_cannot_sign_others_out(
    org_a, officer, make_user, client_for, signed_in_client
):
    # Every role but administrator and auditor (whose every request is logged, by design).
    roles = [r for r in Role.values if r not in (Role.ORGANISATION_ADMIN, Role.AUDITOR)]
    other = make_user(org_a, roles=roles).user
    other_client = client_for(org_a, user=other)
    before = database_state(org_a.schema_name)
    response = other_client.post(f"/users/{officer.pk}/sign-out-everywhere/")
    assert response.status_code == 403
    assert database_state(org_a.schema_name) == before
    assert signed_in(signed_in_client)


def test_another_organisations_administrator_cannot_sign_anyone_out(
    org_a, org_b, officer, make_user, client_for, signed_in_client
):
    beta_admin = make_user(org_b, roles=[Role.ORGANISATION_ADMIN]).user
    response = client_for(org_b, user=beta_admin).post(f"/users/{officer.pk}/sign-out-everywhere/")
    assert response.status_code == 404  # no such user in Beta
    # Beta's session cookie means nothing on Alpha's host.
    beta_client = client_for(org_b, user=beta_admin)
    beta_client.defaults["HTTP_HOST"] = signed_in_client.defaults["HTTP_HOST"]
    refused = beta_client.post(f"/users/{officer.pk}/sign-out-everywhere/")
    assert refused.status_code == 302 and "sign-in" in refused["Location"]
    assert signed_in(signed_in_client)


def test_anonymous_cannot_sign_anyone_out(org_a, officer, client_for, signed_in_client):
    response = client_for(org_a).post(f"/users/{officer.pk}/sign-out-everywhere/")
    assert response.status_code == 302
    assert signed_in(signed_in_client)


# --- the idle timeout setting -----------------------------------------------------------


def test_an_administrator_changes_the_idle_timeout(org_a, admin, client_for):
    client = client_for(org_a, user=admin)
    page = client.get("/users/session-timeout/")
    assert page.status_code == 200 and 'value="30"' in page.content.decode()
    too_short = client.post("/users/session-timeout/", {"idle_timeout_minutes": "2"})
    assert too_short.status_code == 400
    assert client.post("/users/session-timeout/", {"idle_timeout_minutes": "45"}).status_code == 302
    with schema_context(org_a.schema_name):
        assert SessionSettings.load().idle_timeout_minutes == 45


def test_only_administrators_change_the_idle_timeout(org_a, officer, client_for):
    client = client_for(org_a, user=officer)
    assert client.get("/users/session-timeout/").status_code == 403
    response = client.post("/users/session-timeout/", {"idle_timeout_minutes": "600"})
    assert response.status_code == 403
    with schema_context(org_a.schema_name):
        assert SessionSettings.load().idle_timeout_minutes == 30
    anonymous = client_for(org_a).post("/users/session-timeout/", {"idle_timeout_minutes": "600"})
    assert anonymous.status_code == 302


# --- sign-in history --------------------------------------------------------------------


def test_the_person_sees_their_sign_ins_failures_and_locks_in_words(
    org_a, officer, make_user, client_for, settings
):
    client = client_for(org_a)
    sign_in(client, officer.email, "not-the-password")
    sign_in(client, officer.email, PASSWORD)
    someone = make_user(org_a).user
    sign_in(client_for(org_a), someone.email, "wrong")
    html = client.get("/accounts/me/").content.decode()
    assert "Your recent sign-ins" in html
    assert "Sign-in refused: wrong e-mail address or password" in html
    assert html.count("Sign-in refused") == 1  # not the other person's failure
    assert ">Signed in<" in html
    assert "sign_in_failed" not in html


def test_the_administrator_sees_a_users_sign_ins_on_their_page(org_a, admin, officer, client_for):
    sign_in(client_for(org_a), officer.email, "not-the-password")
    html = client_for(org_a, user=admin).get(f"/users/{officer.pk}/").content.decode()
    assert "Recent sign-ins" in html
    assert "Sign-in refused: wrong e-mail address or password" in html


def test_a_non_administrator_cannot_see_anothers_sign_ins(org_a, officer, make_user, client_for):
    sign_in(client_for(org_a), officer.email, "not-the-password")
    other = make_user(org_a, roles=[Role.MANAGER]).user
    response = client_for(org_a, user=other).get(f"/users/{officer.pk}/")
    assert response.status_code == 403
    assert "wrong e-mail address" not in response.content.decode()


def test_an_administrator_signing_themself_out_everywhere_lands_on_sign_in(
    org_a, admin, client_for
):
    client = client_for(org_a, user=admin)
    response = client.post(f"/users/{admin.pk}/sign-out-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
    assert not signed_in(client)


def test_api_keys_have_no_session_and_no_idle_timeout(org_a, officer, client_for):
    from goldenthread.platform.accounts.services import api_credential_issue

    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=officer, name="Nightly load")
    client = client_for(org_a)
    response = client.get("/api/v1/indicators/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_an_ended_session_goes_to_sign_in_even_while_mfa_enrolment_is_pending(
    org_a, make_user, client_for, settings
):
    # Given an administrator who signed in with a password and must now set up MFA
    admin = make_user(org_a, roles=["org_admin"]).user
    client = client_for(org_a)
    sign_in(client, admin.email)
    assert client.get("/indicators/")["Location"] == "/accounts/me/mfa/set-up/"

    # When the session is older than the absolute lifetime
    age(client, org_a, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME_SECONDS)

    # Then the session has ended: sign in again, not a way on to enrolment
    response = client.get("/indicators/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
