"""The organisation's security settings (idle timeout, MFA for everyone), changed on the
Security settings page and over REST (/api/v1/accounts/security-settings/): every change is
recorded old → new with who and when, shown to administrators, and refused to everyone else
with nothing changed."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import OrganisationSettingChange, Role, SessionSettings
from goldenthread.platform.accounts.services import api_credential_issue
from tests.refusals import database_state

PAGE = "/users/session-timeout/"
API = "/api/v1/accounts/security-settings/"


def changes(organisation) -> list[tuple[str, str, object, object]]:
    with schema_context(organisation.schema_name):
        return [
            (c.actor_email, c.setting, c.old["value"], c.new["value"])
            for c in OrganisationSettingChange.objects.order_by("at", "id")
        ]


def bearer(organisation, user) -> dict:
    with schema_context(organisation.schema_name):
        key = api_credential_issue(user=user, name="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_changes_on_the_page_are_recorded_and_shown(org_a, admin, client_for):
    client = client_for(org_a, user=admin)
    assert "No one has changed these settings yet" in client.get(PAGE).content.decode()
    assert client.post(PAGE, {"idle_timeout_minutes": "45"}).status_code == 302
    assert client.post(PAGE, {"idle_timeout_minutes": "45"}).status_code == 302  # unchanged
    saved = client.post(
        "/users/mfa-policy/", {"mfa_required_for_everyone": "on", "came_from": "settings"}
    )
    assert saved["Location"] == PAGE
    assert changes(org_a) == [
        (admin.email, "idle_timeout_minutes", 30, 45),
        (admin.email, "mfa_required_for_everyone", False, True),
    ]
    html = client.get(PAGE).content.decode()
    box = re.search(r'<input[^>]*name="mfa_required_for_everyone"[^>]*>', html)[0]
    assert "checked" in box  # the page shows the policy as it now is
    assert "<td>Idle timeout</td>" in html and "<td>30 minutes</td>" in html
    assert "<td>45 minutes</td>" in html
    assert "<td>required of administrators only</td>" in html
    assert "<td>required of everyone</td>" in html
    assert admin.email in html
    assert "mfa_required_for_everyone" not in html.split("<h2>Changes")[1]  # words, not codes


def test_the_page_has_labelled_fields_and_a_working_error_summary(org_a, admin, client_for):
    from tests.fixtures.accessibility import assert_form_markup
    from tests.fixtures.html import parse

    client = client_for(org_a, user=admin)
    for response in (client.get(PAGE), client.post(PAGE, {"idle_timeout_minutes": "5"})):
        page = parse(response)
        assert_form_markup(page)
        assert len(page.find_all("h1")) == 1
    assert 'name="mfa_required_for_everyone"' in client.get(PAGE).content.decode()


def test_a_refused_timeout_records_nothing(org_a, admin, client_for):
    assert (
        client_for(org_a, user=admin).post(PAGE, {"idle_timeout_minutes": "5"}).status_code == 400
    )
    assert changes(org_a) == []


def test_an_administrator_reads_and_changes_the_settings_by_api(org_a, admin, client_for):
    client = client_for(org_a)
    headers = bearer(org_a, admin)
    assert client.get(API, **headers).json() == {
        "idle_timeout_minutes": 30,
        "mfa_required_for_everyone": False,
    }
    done = client.patch(
        API,
        {"idle_timeout_minutes": 60, "mfa_required_for_everyone": True},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200
    assert done.json() == {"idle_timeout_minutes": 60, "mfa_required_for_everyone": True}
    org_a.refresh_from_db()
    assert org_a.mfa_required_for_everyone
    with schema_context(org_a.schema_name):
        assert SessionSettings.load().idle_timeout_minutes == 60
    history = client.get(f"{API}history/", **headers).json()["results"]
    assert [(h["setting"], h["old"], h["new"], h["actor_email"]) for h in history] == [
        ("mfa_required_for_everyone", {"value": False}, {"value": True}, admin.email),
        ("idle_timeout_minutes", {"value": 30}, {"value": 60}, admin.email),
    ]


def test_a_bad_timeout_by_api_changes_neither_setting(org_a, admin, client_for):
    response = client_for(org_a).patch(
        API,
        {"idle_timeout_minutes": 5, "mfa_required_for_everyone": True},
        content_type="application/json",
        **bearer(org_a, admin),
    )
    assert response.status_code == 400
    assert "idle_timeout_minutes" in response.json()["extra"]["fields"]
    org_a.refresh_from_db()
    assert not org_a.mfa_required_for_everyone
    assert changes(org_a) == []


@pytest.mark.parametrize(
    "who",
    ["anonymous", "other_organisation", *[r for r in Role.values if r != Role.ORGANISATION_ADMIN]],
)
def test_changing_the_settings_is_refused_and_changes_nothing(
    org_a, org_b, make_user, client_for, who
):
    if who == "anonymous":
        page_client, headers, api_status, page_status = client_for(org_a), {}, 401, 302
    elif who == "other_organisation":
        stranger = make_user(org_b, roles=[Role.ORGANISATION_ADMIN]).user
        headers, api_status = bearer(org_b, stranger), 401
        # Beta's administrator's session cookie sent to Alpha's host: not signed in there.
        page_client = client_for(org_b, user=stranger)
        page_client.defaults["HTTP_HOST"] = client_for(org_a).defaults["HTTP_HOST"]
        page_status = 302
    else:
        caller = make_user(org_a, roles=[who]).user
        headers, api_status = bearer(org_a, caller), 403
        page_client, page_status = client_for(org_a, user=caller), 403
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)
    body = {"idle_timeout_minutes": 600, "mfa_required_for_everyone": True}
    refused = client_for(org_a).patch(API, body, content_type="application/json", **headers)
    assert refused.status_code == api_status
    assert client_for(org_a).get(f"{API}history/", **headers).status_code == api_status
    assert page_client.post(PAGE, {"idle_timeout_minutes": "600"}).status_code == page_status
    assert (
        page_client.post("/users/mfa-policy/", {"mfa_required_for_everyone": "on"}).status_code
        == page_status
    )
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    assert [t for t in changed if not t.endswith(("django_session", "auditoraccesslog"))] == []
    assert changes(org_a) == []
