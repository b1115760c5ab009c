"""/accounts/me/: the user's roles and their own API keys."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import ApiCredential, hash_api_key
from goldenthread.platform.accounts.services import api_credential_issue
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse


def issued_key(response) -> str:
    match = re.search(r'value="(gt_[^"]+)" data-testid="new-api-key"', response.content.decode())
    assert match, "the new key is shown"
    return match.group(1)


def test_anonymous_visitors_are_sent_to_sign_in(org_a, client_for):
    for method, path in [
        ("get", "/accounts/me/"),
        ("post", "/accounts/me/api-keys/"),
        ("post", "/accounts/me/api-keys/1/revoke/"),
    ]:
        response = getattr(client_for(org_a), method)(path, {"name": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")


def test_the_page_shows_the_users_roles(org_a, make_user, client_for):
    member = make_user(org_a, roles=["performance_officer", "verifier"], full_name="Pat Officer")
    html = client_for(org_a, user=member.user).get("/accounts/me/").content.decode()
    assert "Pat Officer" in html
    assert "Performance officer" in html and "Verifier" in html
    assert "Alpha District Council" in html
    assert 'href="/accounts/me/" aria-current="page">Your account' in html


def test_staff_see_their_account_on_the_platform_host(public_org, make_user, client_for):
    staff = make_user(public_org, is_staff=True, email="help@goldenthread.example")
    html = client_for(None, user=staff.user).get("/accounts/me/").content.decode()
    assert "Platform staff (helpdesk)" in html


def test_issuing_a_key_shows_it_once_and_it_works(org_a, make_user, client_for):
    member = make_user(org_a, roles=["performance_officer"])
    client = client_for(org_a, user=member.user)

    response = client.post("/accounts/me/api-keys/", {"name": "Finance import"})

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    key = issued_key(response)
    assert key.startswith("gt_org_alpha_")
    with schema_context(org_a.schema_name):
        credential = ApiCredential.objects.get(user=member.user)
        assert credential.name == "Finance import"
        assert credential.key_hash == hash_api_key(key)  # only the hash is stored
    # The key authenticates as the user on this organisation's API
    me = client_for(org_a).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200 and me.json()["email"] == member.email
    # and is never shown again
    again = client.get("/accounts/me/").content.decode()
    assert key not in again
    assert "Finance import" in again and credential.prefix in again


def test_a_key_needs_a_name(org_a, make_user, client_for):
    member = make_user(org_a)
    response = client_for(org_a, user=member.user).post("/accounts/me/api-keys/", {"name": " "})
    assert response.status_code == 400
    assert "Enter what will use the key" in response.content.decode()
    # The problem is in a summary that takes focus and links to the name box.
    page = parse(response)
    (summary,) = summaries(page)
    assert summary_links(page, summary) == ["#id_name"] and "autofocus" in summary.attrs
    assert page.title.startswith("Error: Your account")
    assert_form_markup(page)
    with schema_context(org_a.schema_name):
        assert not ApiCredential.objects.filter(user=member.user).exists()


def test_revoking_a_key_stops_it_working(org_a, make_user, client_for):
    member = make_user(org_a)
    with schema_context(org_a.schema_name):
        credential, key = api_credential_issue(user=member.user, name="Old script")
    client = client_for(org_a, user=member.user)

    response = client.post(f"/accounts/me/api-keys/{credential.pk}/revoke/", follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The key &#x27;Old script&#x27; is revoked" in html
    assert "Revoked" in html
    refused = client_for(org_a).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert refused.status_code == 401
    # Revoking again says so and changes nothing
    with schema_context(org_a.schema_name):
        revoked_at = ApiCredential.objects.get(pk=credential.pk).revoked_at
    again = client.post(f"/accounts/me/api-keys/{credential.pk}/revoke/", follow=True)
    assert "already revoked" in again.content.decode()
    with schema_context(org_a.schema_name):
        assert ApiCredential.objects.get(pk=credential.pk).revoked_at == revoked_at


@pytest.mark.parametrize("owner", ["colleague", "other_organisation"])
def test_nobody_can_revoke_someone_elses_key(org_a, org_b, make_user, client_for, owner):
    # Given a key belonging to a colleague, or to a user of Beta with the same row id range
    home = org_a if owner == "colleague" else org_b
    holder = make_user(home)
    with schema_context(home.schema_name):
        credential, key = api_credential_issue(user=holder.user, name="Theirs")
    me = make_user(org_a)

    response = client_for(org_a, user=me.user).post(
        f"/accounts/me/api-keys/{credential.pk}/revoke/"
    )

    assert response.status_code == 404
    with schema_context(home.schema_name):
        assert ApiCredential.objects.get(pk=credential.pk).revoked_at is None
    assert (
        client_for(home).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    )


def test_the_page_lists_only_the_users_own_keys(org_a, make_user, client_for):
    colleague = make_user(org_a)
    with schema_context(org_a.schema_name):
        api_credential_issue(user=colleague.user, name="Colleague's robot")
    me = make_user(org_a)
    html = client_for(org_a, user=me.user).get("/accounts/me/").content.decode()
    assert "Colleague" not in html
    assert "You have no API keys." in html
