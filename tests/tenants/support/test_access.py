"""Consented support access: no grant, no data; a grant lets the named staff member in, read
only unless it says otherwise, for its time, logged where the organisation sees it; revoking
stops the next request; break-glass needs a reason and a second staff member and e-mails
the organisation's administrators."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import PermissionDenied
from goldenthread.tenants.support.models import SupportAccess, SupportAccessLogEntry
from goldenthread.tenants.support.services.access import (
    break_glass_approve,
    break_glass_request,
    handoff_issue,
)
from goldenthread.tenants.support.tasks import notify_break_glass_opened
from tests.conftest import host_of
from tests.support import outbox_messages, run_outbox_messages


def _log(org):
    return list(
        SupportAccessLogEntry.objects.filter(organisation=org)
        .order_by("id")
        .values_list("method", "path", "status_code", "refused")
    )


# --- no grant, no data ---------------------------------------------------------------------


def test_without_a_grant_the_console_offers_nothing_and_the_host_reads_nothing(
    org_a, staff, staff_client
):
    page = staff_client.get("/helpdesk/support/access/")
    assert page.status_code == 200
    assert "No organisation has granted you access" in page.content.decode()
    # The staff member's own session means nothing on the organisation's host.
    staff_client.defaults["HTTP_HOST"] = host_of(org_a)
    assert staff_client.get("/indicators/").status_code == 302
    assert staff_client.get("/api/v1/indicators/").status_code in (401, 403)


def test_a_forged_or_unknown_hand_off_is_refused(org_a):
    visitor = Client(HTTP_HOST=host_of(org_a))
    response = visitor.get("/support/enter/not-a-real-token/")
    assert response.status_code == 403
    assert "not valid" in response.content.decode()
    assert visitor.get("/indicators/").status_code == 302  # still nobody


def test_another_staff_member_cannot_use_a_grant_naming_someone_else(
    org_a, grant, staff2, staff2_client, open_on_host
):
    access = grant()
    visitor, response, path = open_on_host(staff2_client, access)
    assert visitor is None and path is None
    assert response.status_code == 302  # back to the console, with the refusal
    with pytest.raises(PermissionDenied):
        handoff_issue(actor=staff2.user, access_id=access.pk)


# --- a read-only grant ------------------------------------------------------------------------


def test_a_grant_lets_the_named_staff_in_read_only_under_a_banner_and_logs_everything(
    org_a, grant, staff_client, open_on_host, admin_a_client
):
    access = grant()
    visitor, entered, path = open_on_host(staff_client, access)
    assert entered.status_code == 302 and entered["Location"] == "/"

    home = visitor.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert 'data-testid="support-banner"' in html
    assert "read only" in html and "Golden Thread helpdesk" in html
    assert visitor.get("/indicators/").status_code == 200
    assert visitor.get("/api/v1/indicators/").status_code == 200

    # Every write is refused centrally: a page, REST, and a GraphQL mutation; queries pass.
    page_write = visitor.post("/notifications/read-all/")
    assert page_write.status_code == 403
    assert "read only" in page_write.content.decode()
    rest_write = visitor.post(
        "/api/v1/notifications/read-all/", content_type="application/json", data={}
    )
    assert rest_write.status_code == 403
    assert rest_write.json()["code"] == "support_read_only"
    mutation = visitor.post(
        "/graphql/",
        data=json.dumps({"query": "mutation { anything { ok } }"}),
        content_type="application/json",
    )
    assert mutation.status_code == 403
    query = visitor.post(
        "/graphql/", data=json.dumps({"query": "{ __typename }"}), content_type="application/json"
    )
    assert query.status_code == 200
    # No API key for a visitor, whatever the grant.
    assert visitor.post("/accounts/me/api-keys/", {"name": "x"}).status_code == 403

    log = _log(org_a)
    assert ("GET", "/indicators/", 200, False) in log
    assert ("POST", "/notifications/read-all/", 403, True) in log
    assert ("POST", "/api/v1/notifications/read-all/", 403, True) in log
    assert ("POST", "/graphql/", 403, True) in log
    assert ("POST", "/graphql/", 200, False) in log

    # The organisation sees the log: page and REST.
    page = admin_a_client.get("/support/access/log/")
    assert page.status_code == 200
    assert "/notifications/read-all/" in page.content.decode()
    assert "Refused" in page.content.decode()
    api = admin_a_client.get("/api/v1/support/access/log/")
    assert api.status_code == 200
    assert api.json()["count"] == len(log)
    assert {row["refused"] for row in api.json()["results"]} == {True, False}


def test_the_hand_off_is_one_time_and_for_its_organisation_only(
    org_a, org_b, grant, staff_client, open_on_host
):
    access = grant()
    # Spent on Beta's host: refused there, and not spendable on Alpha afterwards either.
    visitor, entered, path = open_on_host(staff_client, access, organisation=org_b)
    assert entered.status_code == 403
    assert Client(HTTP_HOST=host_of(org_a)).get(path).status_code == 403
    # A fresh one works once on Alpha, never twice.
    visitor, entered, path = open_on_host(staff_client, access)
    assert entered.status_code == 302
    assert Client(HTTP_HOST=host_of(org_a)).get(path).status_code == 403


def test_an_expired_hand_off_is_refused(org_a, grant, staff, staff_client):
    from goldenthread.tenants.support.models import SupportHandoff

    access = grant()
    token, _ = handoff_issue(actor=staff.user, access_id=access.pk)
    SupportHandoff.objects.filter(access=access).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Client(HTTP_HOST=host_of(org_a)).get(f"/support/enter/{token}/").status_code == 403


def test_revoking_stops_the_very_next_request(
    org_a, grant, staff_client, open_on_host, admin_a_client
):
    access = grant()
    visitor, _, _ = open_on_host(staff_client, access)
    assert visitor.get("/indicators/").status_code == 200
    revoked = admin_a_client.post(f"/support/access/{access.pk}/revoke/")
    assert revoked.status_code == 302
    refused = visitor.get("/indicators/")
    assert refused.status_code == 403
    assert "ended or was revoked" in refused.content.decode()
    # The session is gone: the next request is simply not signed in.
    assert visitor.get("/indicators/").status_code == 302
    assert ("GET", "/indicators/", 403, True) in _log(org_a)
    # And the console no longer hands off.
    assert staff_client.post(f"/helpdesk/support/access/{access.pk}/open/")["Location"] == (
        "/helpdesk/support/access/"
    )


def test_an_expired_grant_refuses_the_next_request(org_a, grant, staff_client, open_on_host):
    access = grant()
    visitor, _, _ = open_on_host(staff_client, access)
    SupportAccess.objects.filter(pk=access.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert visitor.get("/indicators/").status_code == 403
    assert visitor.get("/api/v1/indicators/").status_code in (401, 403)


def test_a_write_grant_lets_changes_through_and_logs_them(org_a, grant, staff_client, open_on_host):
    access = grant(allow_write=True)
    visitor, _, _ = open_on_host(staff_client, access)
    home = visitor.get("/").content.decode()
    assert "(read only)" not in home
    assert visitor.post("/notifications/read-all/").status_code == 302
    assert ("POST", "/notifications/read-all/", 302, False) in _log(org_a)


def test_the_visitors_account_is_never_an_administrator_and_receives_no_mail(
    org_a, grant, staff, staff_client, open_on_host
):
    open_on_host(staff_client, grant())
    with schema_context(org_a.schema_name):
        account = User.objects.get(email__endswith="@support.goldenthread.invalid")
    assert account.email == f"helpdesk-{staff.user.pk}@support.goldenthread.invalid"
    assert "org_admin" not in account.roles
    assert not account.has_usable_password()
    # Signing in with it by password is impossible; only a hand-off opens it.
    sign_in = Client(HTTP_HOST=host_of(org_a)).post(
        "/accounts/sign-in/", {"username": account.email, "password": ""}
    )
    assert sign_in.status_code != 302


# --- who may grant ----------------------------------------------------------------------------


def test_only_administrators_grant_and_the_page_uses_words(
    org_a, staff, make_user, client_for, admin_a_client
):
    officer = make_user(org_a, roles=["performance_officer"])
    officer_client = client_for(org_a, user=officer.user)
    assert officer_client.get("/support/access/").status_code == 403
    assert (
        officer_client.post(
            "/api/v1/support/access/",
            {
                "staff_id": staff.user.pk,
                "ends_at": (timezone.now() + timedelta(hours=2)).isoformat(),
            },
            content_type="application/json",
        ).status_code
        == 403
    )
    assert not SupportAccess.objects.filter(organisation=org_a).exists()

    page = admin_a_client.get("/support/access/")
    assert page.status_code == 200
    assert "helpdesk@goldenthread.example" in page.content.decode()
    made = admin_a_client.post(
        "/support/access/", {"staff": staff.user.pk, "duration": "8", "reason": "Ticket 42"}
    )
    assert made.status_code == 302
    access = SupportAccess.objects.get(organisation=org_a)
    assert not access.allow_write
    assert access.is_live()
    listing = admin_a_client.get("/support/access/").content.decode()
    assert "Read only" in listing and "Live" in listing


def test_grants_by_rest_name_active_staff_and_a_bounded_time(org_a, staff, admin_a_client):
    too_long = admin_a_client.post(
        "/api/v1/support/access/",
        {"staff_id": staff.user.pk, "ends_at": (timezone.now() + timedelta(days=30)).isoformat()},
        content_type="application/json",
    )
    assert too_long.status_code == 400
    assert "at most 14 days" in too_long.json()["message"]
    nobody = admin_a_client.post(
        "/api/v1/support/access/",
        {"staff_id": 999999, "ends_at": (timezone.now() + timedelta(hours=2)).isoformat()},
        content_type="application/json",
    )
    assert nobody.status_code == 400
    made = admin_a_client.post(
        "/api/v1/support/access/",
        {
            "staff_id": staff.user.pk,
            "ends_at": (timezone.now() + timedelta(hours=2)).isoformat(),
            "allow_write": True,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["access_label"] == "Read and change"
    assert made.json()["state"] == "Live"
    revoked = admin_a_client.post(f"/api/v1/support/access/{made.json()['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["state"] == "Revoked"
    assert (
        admin_a_client.post(f"/api/v1/support/access/{made.json()['id']}/revoke/").status_code
        == 409
    )


def test_another_organisations_grant_is_not_found_here(
    org_a, org_b, make_user, grant, admin_a_client
):
    admin_b = make_user(org_b, roles=["org_admin"])
    access_b = grant(organisation=org_b, admin=admin_b)
    assert admin_a_client.post(f"/api/v1/support/access/{access_b.pk}/revoke/").status_code == 404
    assert admin_a_client.get("/api/v1/support/access/").json()["count"] == 0
    assert SupportAccess.objects.get(pk=access_b.pk).revoked_at is None


# --- break-glass ------------------------------------------------------------------------------


def test_break_glass_needs_a_written_reason_and_bounded_hours(org_a, staff):
    from goldenthread.platform.core.errors import DomainError

    with pytest.raises(DomainError, match="reason"):
        break_glass_request(actor=staff.user, organisation=org_a, reason="urgent", hours=2)
    with pytest.raises(DomainError, match="1 to 4 hours"):
        break_glass_request(
            actor=staff.user, organisation=org_a, reason="Council cannot sign in at all", hours=9
        )
    assert not SupportAccess.objects.filter(organisation=org_a).exists()


def test_break_glass_with_one_staff_member_opens_nothing(org_a, staff, staff_client, open_on_host):
    asked = staff_client.post(
        "/helpdesk/support/access/",
        {"organisation": org_a.pk, "reason": "The council's only admin is locked out", "hours": 2},
    )
    assert asked.status_code == 302
    access = SupportAccess.objects.get(organisation=org_a)
    assert not access.is_live()
    # Approving one's own request is refused; the hand-off is refused while it waits.
    staff_client.post(f"/helpdesk/support/access/{access.pk}/approve/")
    access.refresh_from_db()
    assert access.approved_at is None
    with pytest.raises(PermissionDenied, match="second"):
        break_glass_approve(actor=staff.user, access_id=access.pk)
    visitor, _, _ = open_on_host(staff_client, access)
    assert visitor is None
    assert mail.outbox == []
    assert outbox_messages(notify_break_glass_opened, access.pk) == []  # nobody to tell


def test_break_glass_approved_by_a_second_staff_member_opens_for_hours_and_tells_the_admins(
    org_a,
    admin_a,
    make_user,
    staff,
    staff_client,
    staff2_client,
    open_on_host,
    django_capture_on_commit_callbacks,
):
    make_user(org_a, roles=["performance_officer"], email="officer@alpha.example")
    access = break_glass_request(
        actor=staff.user,
        organisation=org_a,
        reason="The council's only admin is locked out before a deadline",
        hours=2,
    )
    with django_capture_on_commit_callbacks():
        approved = staff2_client.post(f"/helpdesk/support/access/{access.pk}/approve/")
    assert approved.status_code == 302
    access.refresh_from_db()
    assert access.is_live()
    assert access.ends_at - access.approved_at == timedelta(hours=2)
    assert access.approved_by_email == "second@goldenthread.example"
    # The administrators are told by the worker (queued in the public schema)
    assert mail.outbox == []
    [queued] = outbox_messages(notify_break_glass_opened, access.pk)
    assert queued.schema_name == "public"
    run_outbox_messages(notify_break_glass_opened, access.pk)
    [message] = mail.outbox
    assert admin_a.user.email in message.to
    assert "officer@alpha.example" not in message.to
    assert "locked out before a deadline" in message.body
    assert "second@goldenthread.example" in message.body

    visitor, entered, _ = open_on_host(staff_client, access)
    assert entered.status_code == 302
    html = visitor.get("/").content.decode()
    assert "Emergency access (break-glass)".lower() in html.lower()
    assert visitor.post("/notifications/read-all/").status_code == 403  # read only
