"""Sign-in and sign-out on organisation hosts and the platform host."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.fixtures.mfa import ENROL, enrol

PASSWORD = "correct-horse-battery-staple"


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/sign-in/", {"username": email, "password": password})


def is_signed_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


@pytest.mark.parametrize("host", ["organisation", "platform"])
def test_the_sign_in_page_is_served_on_every_host(org_a, client_for, host):
    client = client_for(org_a if host == "organisation" else None)
    response = client.get("/accounts/sign-in/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="id_username">E-mail address' in html
    assert ("Sign in to Alpha District Council" in html) == (host == "organisation")


def test_a_user_signs_in_and_out_on_their_organisations_host(org_a, make_user, client_for):
    member = make_user(org_a, email="Officer@Alpha.example")
    client = client_for(org_a)

    response = sign_in(client, "officer@alpha.example")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)

    signed_out = client.post("/accounts/sign-out/")
    assert signed_out.status_code == 302
    assert signed_out["Location"] == "/accounts/sign-in/"
    assert not is_signed_in(client)
    assert member.user.email == "officer@alpha.example"


def test_staff_sign_in_on_the_platform_host(public_org, make_user, client_for):
    staff = make_user(public_org, email="help@goldenthread.example", is_staff=True)
    client = client_for(None)
    response = client.post(
        "/accounts/sign-in/?next=/helpdesk/",
        {"username": staff.email, "password": PASSWORD, "next": "/helpdesk/"},
    )
    assert response["Location"] == ENROL  # helpdesk staff must set up MFA first
    assert client.get("/helpdesk/")["Location"] == ENROL
    enrol(client)
    assert client.get("/helpdesk/").status_code == 200


@pytest.mark.parametrize("direction", ["a_on_b", "b_on_a", "a_on_platform"])
def test_a_user_of_another_organisation_does_not_exist_here(
    org_a, org_b, make_user, client_for, direction
):
    home, away = {
        "a_on_b": (org_a, org_b),
        "b_on_a": (org_b, org_a),
        "a_on_platform": (org_a, None),
    }[direction]
    member = make_user(home, email="traveller@example.com")
    client = client_for(away)

    response = sign_in(client, member.email)

    assert response.status_code == 200
    assert "The e-mail address or password is not right" in response.content.decode()
    assert not is_signed_in(client)


def test_a_platform_staff_user_cannot_sign_in_to_an_organisation(
    org_a, public_org, make_user, client_for
):
    staff = make_user(public_org, email="help@goldenthread.example", is_staff=True)
    client = client_for(org_a)
    assert sign_in(client, staff.email).status_code == 200
    assert not is_signed_in(client)


def test_expired_access_is_refused_with_a_clear_message(org_a, make_user, client_for):
    ended = timezone.now() - timedelta(days=1)
    auditor = make_user(org_a, roles=["auditor"], access_expires_at=ended)
    client = client_for(org_a)

    response = sign_in(client, auditor.email)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your access ended on" in html
    assert not is_signed_in(client)


def test_expired_access_is_not_revealed_without_the_right_password(org_a, make_user, client_for):
    auditor = make_user(org_a, access_expires_at=timezone.now() - timedelta(days=1))
    response = sign_in(client_for(org_a), auditor.email, password="wrong-password")
    html = response.content.decode()
    assert "The e-mail address or password is not right" in html
    assert "Your access ended" not in html


def test_access_that_has_not_yet_ended_works(org_a, make_user, client_for):
    auditor = make_user(org_a, access_expires_at=timezone.now() + timedelta(days=30))
    client = client_for(org_a)
    assert sign_in(client, auditor.email).status_code == 302
    assert is_signed_in(client)


def test_a_session_ends_when_access_expires(org_a, make_user, client_for):
    from django_tenants.utils import schema_context

    auditor = make_user(org_a, access_expires_at=timezone.now() + timedelta(days=30))
    client = client_for(org_a)
    sign_in(client, auditor.email)
    assert is_signed_in(client)

    with schema_context(org_a.schema_name):
        auditor.user.access_expires_at = timezone.now() - timedelta(seconds=1)
        auditor.user.save(update_fields=["access_expires_at"])

    assert not is_signed_in(client)
