"""The helpdesk REST API (#15 item 10): helpdesk API keys issued only after MFA, refused to
everyone else, on the platform host only; provisioning, suspension, modules and usage through
it, each audited as the console's; and its own OpenAPI document."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import ApiCredential
from goldenthread.platform.accounts.services import api_credential_issue, staff_lead_set
from goldenthread.platform.accounts.services.mfa import mfa_enrol
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.helpdesk.api_keys import helpdesk_api_key_issue
from goldenthread.tenants.models import (
    HelpdeskApiKey,
    Module,
    Organisation,
    PlatformAuditAction,
    PlatformAuditEvent,
)
from tests.openapi import operations

BASE = "/api/helpdesk/v1"


def enrol(user) -> str:
    secret = pyotp.random_base32(32)
    with schema_context("public"):
        mfa_enrol(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    return secret


def next_code(secret: str) -> str:
    # The enrolment spent the current step; the next one is inside the accepted window.
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.fixture
def enrolled_staff(staff):
    return staff.user, enrol(staff.user)


@pytest.fixture
def staff_key(enrolled_staff):
    user, secret = enrolled_staff
    _, key = helpdesk_api_key_issue(user=user, name="script", code=next_code(secret))
    return key


@pytest.fixture
def lead_key(public_org, make_user):
    user = make_user(public_org, is_staff=True, email="lead@goldenthread.example").user
    staff_lead_set(email=user.email)
    secret = enrol(user)
    _, key = helpdesk_api_key_issue(user=user, name="lead script", code=next_code(secret))
    return key


@pytest.fixture
def api(client_for):
    def call(method: str, path: str, key: str | None, organisation=None, **data):
        client = client_for(organisation)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        send = getattr(client, method)
        if method == "get":
            return send(BASE + path, **headers)
        return send(BASE + path, data, content_type="application/json", **headers)

    return call


# --- issue: only after MFA -------------------------------------------------------------------


def test_a_key_is_issued_only_against_a_current_authenticator_code(enrolled_staff):
    user, secret = enrolled_staff
    with pytest.raises(DomainError) as wrong:
        helpdesk_api_key_issue(user=user, name="script", code="000000")
    assert wrong.value.code == "wrong_code"
    credential, key = helpdesk_api_key_issue(user=user, name="script", code=next_code(secret))
    assert key.startswith("gt_public_")
    assert HelpdeskApiKey.objects.filter(credential=credential, proved_with="totp").exists()
    assert PlatformAuditEvent.objects.filter(
        action=PlatformAuditAction.HELPDESK_API_KEY_ISSUED, actor=user.email
    ).exists()


def test_staff_without_mfa_cannot_have_a_key_at_all(staff):
    with pytest.raises(DomainError) as refused:
        helpdesk_api_key_issue(user=staff.user, name="script", code="123456")
    assert refused.value.code == "mfa_not_enrolled"
    with schema_context("public"):
        assert not ApiCredential.objects.filter(user=staff.user).exists()


def test_a_user_who_is_not_staff_cannot_have_a_key(public_org, make_user):
    person = make_user(public_org, email="not-staff@goldenthread.example").user
    secret = enrol(person)
    with pytest.raises(DomainError, match="Only helpdesk staff"):
        helpdesk_api_key_issue(user=person, name="x", code=next_code(secret))


def test_the_console_issues_a_key_against_a_code_and_shows_it_once(enrolled_staff, client_for):
    user, secret = enrolled_staff
    client = client_for(None, user=user)
    refused = client.post("/helpdesk/api-keys/", {"name": "script", "code": "111111"})
    assert refused.status_code == 400
    assert "code is not right" in refused.content.decode()
    issued = client.post("/helpdesk/api-keys/", {"name": "script", "code": next_code(secret)})
    assert issued.status_code == 201
    key = re.search(r'<code class="secret">(gt_public_[^<]+)</code>', issued.content.decode())[1]
    assert len(key) > 40
    assert key not in client.get("/helpdesk/api-keys/").content.decode()


# --- refusals -------------------------------------------------------------------------------


def test_no_key_is_refused(api, public_org):
    response = api("get", "/organisations/", None)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_public_key_issued_without_mfa_is_refused(api, staff):
    with schema_context("public"):
        _, plain = api_credential_issue(user=staff.user, name="plain")
    response = api("get", "/organisations/", plain)
    assert response.status_code == 403
    assert "not a helpdesk API key" in response.json()["message"]


def test_a_tenant_users_key_is_refused_on_the_platform_host(api, org_a, make_user, public_org):
    admin = make_user(org_a, roles=["org_admin"], is_staff=True).user
    with schema_context(org_a.schema_name):
        _, tenant_key = api_credential_issue(user=admin, name="tenant")
    response = api("get", "/organisations/", tenant_key)
    assert response.status_code == 401
    assert "another organisation" in response.json()["message"]


def test_the_api_is_not_on_an_organisation_host(api, org_a, staff_key):
    assert api("get", "/organisations/", staff_key, organisation=org_a).status_code == 404


def test_suspended_staff_and_revoked_keys_are_refused(api, staff, staff_key):
    assert api("get", "/organisations/", staff_key).status_code == 200
    with schema_context("public"):
        staff.user.is_active = False
        staff.user.save(update_fields=["is_active"])
    assert api("get", "/organisations/", staff_key).status_code == 401


def test_a_revoked_helpdesk_key_stops_at_once(api, staff, staff_key, client_for):
    with schema_context("public"):
        credential = ApiCredential.objects.get(user=staff.user)
    client_for(None, user=staff.user).post(f"/helpdesk/api-keys/{credential.pk}/revoke/")
    assert api("get", "/organisations/", staff_key).status_code == 401


def test_staff_who_lost_staff_status_are_refused(api, staff, staff_key):
    with schema_context("public"):
        staff.user.is_staff = False
        staff.user.save(update_fields=["is_staff"])
    assert api("get", "/organisations/", staff_key).status_code == 403


def test_changing_modules_needs_a_lead(api, staff_key, org_a):
    response = api("put", f"/organisations/{org_a.slug}/modules/", staff_key, modules=[])
    assert response.status_code == 403


# --- what it does ---------------------------------------------------------------------------


def test_the_list_says_types_statuses_and_modules_in_words(api, staff_key, org_a):
    rows = {row["slug"]: row for row in api("get", "/organisations/", staff_key).json()}
    alpha = rows["alpha"]
    assert alpha["type_label"] == "District council"
    assert alpha["status_label"] == "Active"
    assert {"code": "planning", "label": "Plans, actions and risks"} in alpha["modules"]
    assert "platform" not in rows


def test_provision_suspend_and_resume_through_the_api_are_audited(
    api, staff_key, staff, assert_nothing_provisioned
):
    bad = api(
        "post",
        "/organisations/",
        staff_key,
        name="Gamma",
        slug="gamma-api",
        type="district",
        admin_email="not-an-address",
        admin_name="Ann",
    )
    assert bad.status_code == 400
    assert_nothing_provisioned("gamma-api")
    made = api(
        "post",
        "/organisations/",
        staff_key,
        name="Gamma District Council",
        slug="gamma-api",
        type="district",
        licensed_modules=["performance", "partnerships"],
        admin_email="ann@gamma.example",
        admin_name="Ann Admin",
    )
    assert made.status_code == 201, made.json()
    assert [m["code"] for m in made.json()["modules"]] == ["performance", "partnerships"]
    suspended = api("post", "/organisations/gamma-api/suspend/", staff_key, reason="Unpaid")
    assert suspended.json()["status_label"] == "Suspended"
    again = api("post", "/organisations/gamma-api/suspend/", staff_key, reason="Unpaid")
    assert again.status_code == 409
    assert api("post", "/organisations/gamma-api/resume/", staff_key).json()["status"] == "active"
    actions = list(
        PlatformAuditEvent.objects.filter(organisation__slug="gamma-api")
        .order_by("created_at", "id")
        .values_list("action", "actor")
    )
    assert actions == [
        ("organisation.provisioned", staff.user.email),
        ("organisation.suspended", staff.user.email),
        ("organisation.resumed", staff.user.email),
    ]


def test_a_lead_changes_modules_and_the_audit_log_has_before_and_after(
    api, lead_key, org_a, client_for, make_user
):
    response = api(
        "put", f"/organisations/{org_a.slug}/modules/", lead_key, modules=["partnerships"]
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=org_a.pk).licensed_modules == ["partnerships"]
    event = PlatformAuditEvent.objects.get(
        organisation=org_a, action=PlatformAuditAction.ORGANISATION_MODULES_CHANGED
    )
    assert event.actor == "lead@goldenthread.example"
    assert event.detail == {"before": list(Module.values), "after": ["partnerships"]}
    # and it takes effect at once on the organisation's host
    admin = make_user(org_a, roles=["org_admin"]).user
    assert client_for(org_a, user=admin).get("/planning/strategy/").status_code == 404
    # an unknown module is refused by name, nothing changes
    bad = api("put", f"/organisations/{org_a.slug}/modules/", lead_key, modules=["astrology"])
    assert bad.status_code == 400
    assert "astrology" in bad.json()["message"]
    assert Organisation.objects.get(pk=org_a.pk).licensed_modules == ["partnerships"]


def test_the_usage_endpoint_gives_counts_for_every_organisation(api, staff_key, org_a, org_b):
    response = api("get", "/usage/", staff_key)
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()}
    assert {"alpha", "beta"} <= set(rows)
    alpha = rows["alpha"]
    assert set(alpha) == {
        "slug",
        "name",
        "active_users_30_days",
        "active_users_90_days",
        "users",
        "last_sign_in",
        "indicators",
        "values_this_quarter",
        "database_bytes",
        "file_bytes",
        "api_calls_30_days",
        "figures_as_of",
    }
    assert alpha["database_bytes"] > 0
    one = api("get", f"/organisations/{org_a.slug}/usage/", staff_key).json()
    # One organisation's figures are the same kept figures as the list's, of the same time.
    assert one == alpha


# --- OpenAPI --------------------------------------------------------------------------------


def test_the_helpdesk_api_has_its_own_openapi_document_without_warnings(client_for, public_org):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    response = client_for(None).get(f"{BASE}/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    complaints = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    assert complaints == []
    ops = list(operations(schema))
    assert len(ops) >= 8
    for route, _method, operation in ops:
        assert route.startswith(BASE + "/")
        assert operation["tags"] == ["helpdesk"]
        assert operation["operationId"].startswith("helpdesk_")
        assert operation["summary"].strip()
    assert f"{BASE}/organisations/{{slug}}/modules/" in schema["paths"]
    # the organisation API's document does not list the helpdesk's
    site = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert not [path for path in site["paths"] if path.startswith("/api/helpdesk/")]
    assert settings.PLATFORM_DOMAIN
