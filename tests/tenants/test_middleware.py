"""Host routing: suspended organisations and unknown hosts get clear answers, never a
stack trace."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.tenants.services import organisation_resume, organisation_suspend


@pytest.fixture
def member_with_key(org_a, make_user):
    member = make_user(org_a, roles=["performance_officer"])
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=member.user, name="integration")
    return member, key


def test_a_suspended_organisation_shows_a_suspended_page_and_its_api_answers_403(
    org_a, org_b, fresh, member_with_key, client_for
):
    member, key = member_with_key
    signed_in = client_for(org_a, user=member.user)
    assert signed_in.get("/").status_code == 200

    # When Alpha is suspended
    organisation_suspend(organisation=fresh(org_a), reason="Unpaid invoice")

    # Then its pages (signed in or not) show the suspended page, without a stack trace
    for client, path in [
        (signed_in, "/"),
        (client_for(org_a), "/accounts/sign-in/"),
        (client_for(org_a), "/catalogue/"),
    ]:
        response = client.get(path)
        assert response.status_code == 403, path
        html = response.content.decode()
        assert "Alpha District Council is suspended" in html
        assert "Traceback" not in html
    # and its API answers 403 with the one error body, even with a valid key
    api = client_for(org_a).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 403
    assert api.json() == {
        "message": "Alpha District Council is suspended on Golden Thread.",
        "code": "organisation_suspended",
        "extra": {},
    }
    # while Beta is untouched, and the health check still answers
    assert client_for(org_b).get("/accounts/sign-in/").status_code == 200
    assert client_for(org_a).get("/healthz").status_code == 200

    # When Alpha is resumed, everything is back
    organisation_resume(organisation=fresh(org_a))
    assert signed_in.get("/").status_code == 200
    restored = client_for(org_a).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert restored.status_code == 200
    assert restored.json()["email"] == member.email


def test_an_unknown_host_gets_a_clear_404_page(db):
    response = Client(HTTP_HOST="nowhere.localhost").get("/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Organisation not found" in html
    assert "nowhere.localhost" in html
    assert "Traceback" not in html


@pytest.mark.parametrize("path", ["/api/v1/me/", "/graphql/"])
def test_an_unknown_host_gets_a_json_404_on_the_api(db, path):
    response = Client(HTTP_HOST="nowhere.localhost").get(path)
    assert response.status_code == 404
    assert response.json() == {
        "message": "No organisation is served at nowhere.localhost.",
        "code": "unknown_host",
        "extra": {},
    }


def test_the_helpdesk_is_not_routed_on_an_organisation_host(org_a, make_user, client_for):
    # Even a user flagged as staff inside an organisation's own schema has no console there.
    member = make_user(org_a, is_staff=True)
    response = client_for(org_a, user=member.user).get("/helpdesk/")
    assert response.status_code == 404
