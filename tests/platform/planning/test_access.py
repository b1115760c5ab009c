"""Auditors: read-only, access with an end date (sign-in and existing sessions), every page
logged. Sessions of users who can no longer sign in are ended."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.planning.models import AuditorAccessLog


@pytest.fixture
def auditor(org_a, make_user):
    made = make_user(org_a, roles=["auditor"])
    with schema_context(org_a.schema_name):
        User.objects.filter(pk=made.user.pk).update(
            access_expires_at=timezone.now() + timedelta(days=30)
        )
    return made


def _expire(org, user):
    with schema_context(org.schema_name):
        User.objects.filter(pk=user.pk).update(
            access_expires_at=timezone.now() - timedelta(minutes=1)
        )


def _log_paths(org, user):
    with schema_context(org.schema_name):
        return list(
            AuditorAccessLog.objects.filter(user=user)
            .order_by("id")
            .values_list("method", "path", "status_code")
        )


def test_an_auditor_signs_in_before_the_end_date_but_not_after(org_a, auditor, client_for):
    form = {"username": auditor.email, "password": auditor.password}
    assert client_for(org_a).post("/accounts/sign-in/", form).status_code == 302
    _expire(org_a, auditor.user)
    refused = client_for(org_a).post("/accounts/sign-in/", form)
    assert refused.status_code == 200 and "Your access ended on" in refused.content.decode()


def test_an_existing_session_is_refused_once_access_ends(org_a, auditor, client_for):
    client = client_for(org_a, user=auditor.user)
    assert client.get("/planning/").status_code == 200
    _expire(org_a, auditor.user)
    response = client.get("/planning/")
    assert response.status_code == 403
    assert "Your access ended on" in response.content.decode()
    # The session is gone: even with the end date extended it does not come back.
    with schema_context(org_a.schema_name):
        User.objects.filter(pk=auditor.user.pk).update(access_expires_at=None)
    again = client.get("/planning/")
    assert again.status_code == 302 and "/accounts/sign-in/" in again["Location"]


def test_the_api_answers_an_expired_session_with_the_error_body(org_a, auditor, client_for):
    client = client_for(org_a, user=auditor.user)
    _expire(org_a, auditor.user)
    response = client.get("/api/v1/planning/my-items/")
    assert response.status_code == 403
    assert response.json()["code"] == "access_ended"


def test_every_page_an_auditor_opens_is_logged_even_refused_ones(org_a, auditor, client_for):
    client = client_for(org_a, user=auditor.user)
    client.get("/planning/")
    client.get("/planning/exceptions/?x=1")
    client.get("/planning/actions/999999/")
    assert _log_paths(org_a, auditor.user) == [
        ("GET", "/planning/", 200),
        ("GET", "/planning/exceptions/", 200),
        ("GET", "/planning/actions/999999/", 404),
    ]
    with schema_context(org_a.schema_name):
        assert AuditorAccessLog.objects.filter(user=auditor.user, query_string="x=1").exists()


def test_api_calls_with_an_auditors_key_are_logged(org_a, auditor, client_for):
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=auditor.user, name="audit")
    response = client_for(org_a).get(
        "/api/v1/planning/strategy/tree/", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    assert _log_paths(org_a, auditor.user) == [("GET", "/api/v1/planning/strategy/tree/", 200)]


def test_other_roles_are_not_logged(org_a, make_user, client_for):
    officer = make_user(org_a, roles=["performance_officer"])
    client_for(org_a, user=officer.user).get("/planning/")
    connection.set_tenant(org_a)
    assert not AuditorAccessLog.objects.filter(user=officer.user).exists()


def test_a_deactivated_users_session_is_ended(org_a, make_user, client_for):
    member = make_user(org_a, roles=["manager"])
    client = client_for(org_a, user=member.user)
    assert client.get("/planning/").status_code == 200
    with schema_context(org_a.schema_name):
        User.objects.filter(pk=member.user.pk).update(is_active=False)
    assert client.get("/planning/").status_code == 302
    with schema_context(org_a.schema_name):
        User.objects.filter(pk=member.user.pk).update(is_active=True)
    assert client.get("/planning/").status_code == 302
