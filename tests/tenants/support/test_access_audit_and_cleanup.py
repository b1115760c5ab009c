"""Support access in the platform audit log (grant, revocation, break-glass asked, approved,
ended), and the helpdesk visitor's account deactivated once the access ends: at revocation,
at the visitor's next request, and by the hourly cleanup in each organisation's schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import PermissionDenied
from goldenthread.tenants.models import PlatformAuditEvent
from goldenthread.tenants.support.models import SupportAccess
from goldenthread.tenants.support.services.access import (
    access_revoke,
    break_glass_approve,
    break_glass_request,
    ended_accesses_close,
    grant_create,
)


def _actions(org):
    return list(
        PlatformAuditEvent.objects.filter(organisation=org, action__startswith="support.")
        .order_by("id")
        .values_list("action", "actor")
    )


def _account(org, staff):
    with schema_context(org.schema_name):
        return User.objects.get(email=f"helpdesk-{staff.user.pk}@support.goldenthread.invalid")


def _expire(access):
    SupportAccess.objects.filter(pk=access.pk).update(ends_at=timezone.now() - timedelta(seconds=1))


# --- the platform audit log -------------------------------------------------------------------


def test_a_grant_and_its_revocation_are_in_the_audit_log_and_on_the_console_in_words(
    org_a, admin_a, admin_a_client, grant, staff, staff_client
):
    access = grant(allow_write=True)
    assert admin_a_client.post(f"/support/access/{access.pk}/revoke/").status_code == 302

    assert _actions(org_a) == [
        ("support.access_granted", admin_a.user.email),
        ("support.access_revoked", admin_a.user.email),
    ]
    granted = PlatformAuditEvent.objects.get(organisation=org_a, action="support.access_granted")
    assert granted.detail["staff_email"] == staff.user.email
    assert granted.detail["allow_write"] is True

    page = staff_client.get(f"/helpdesk/organisations/{org_a.slug}/").content.decode()
    assert "Support access granted" in page and "Support access revoked" in page
    assert "Read and change" in page  # the detail in words, not `True`
    assert "support.access_granted" not in page


def test_a_refused_grant_or_revocation_writes_nothing(
    org_a, make_user, staff, grant, client_for, staff2
):
    officer = make_user(org_a, roles=["performance_officer"])
    with schema_context(org_a.schema_name), pytest.raises(PermissionDenied):
        grant_create(
            actor=officer.user,
            organisation=org_a,
            staff_id=staff.user.pk,
            ends_at=timezone.now() + timedelta(hours=2),
        )
    access = grant()
    before = _actions(org_a)
    # Another staff member cannot end a grant naming someone else.
    with pytest.raises(PermissionDenied):
        access_revoke(actor=staff2.user, organisation=org_a, access_id=access.pk)
    assert _actions(org_a) == before
    assert client_for(org_a, user=officer.user).post(
        f"/support/access/{access.pk}/revoke/"
    ).status_code in (403, 404)
    assert _actions(org_a) == before
    assert SupportAccess.objects.get(pk=access.pk).revoked_at is None


def test_break_glass_asked_approved_and_ended_are_each_recorded_with_their_actor(
    org_a, staff, staff2, staff_client
):
    access = break_glass_request(
        actor=staff.user,
        organisation=org_a,
        reason="The council's only administrator is locked out",
        hours=2,
    )
    # Approving one's own request is refused and records nothing.
    with pytest.raises(PermissionDenied):
        break_glass_approve(actor=staff.user, access_id=access.pk)
    break_glass_approve(actor=staff2.user, access_id=access.pk)
    access_revoke(actor=staff.user, organisation=org_a, access_id=access.pk)

    assert _actions(org_a) == [
        ("support.break_glass_requested", staff.user.email),
        ("support.break_glass_approved", staff2.user.email),
        ("support.break_glass_ended", staff.user.email),
    ]
    asked = PlatformAuditEvent.objects.get(action="support.break_glass_requested")
    assert asked.detail["reason"] == "The council's only administrator is locked out"
    page = staff_client.get(f"/helpdesk/organisations/{org_a.slug}/").content.decode()
    for label in ("Emergency access requested", "Emergency access approved"):
        assert label in page
    assert "Emergency access ended" in page and "Revoked" in page


def test_break_glass_that_runs_out_is_recorded_as_ended_once(org_a, staff, staff2):
    access = break_glass_request(
        actor=staff.user,
        organisation=org_a,
        reason="Figures must be corrected before publication",
        hours=1,
    )
    break_glass_approve(actor=staff2.user, access_id=access.pk)
    assert ended_accesses_close(organisation=org_a) == 0  # still live: nothing happens
    _expire(access)
    assert ended_accesses_close(organisation=org_a) == 1
    assert ended_accesses_close(organisation=org_a) == 0
    ended = PlatformAuditEvent.objects.filter(action="support.break_glass_ended")
    assert [(e.actor, e.detail["how"]) for e in ended] == [("system:expiry", "expired")]


def test_a_waiting_break_glass_request_is_not_closed_by_the_cleanup(org_a, staff):
    access = break_glass_request(
        actor=staff.user,
        organisation=org_a,
        reason="Figures must be corrected before publication",
        hours=1,
    )
    assert ended_accesses_close(organisation=org_a) == 0
    assert SupportAccess.objects.get(pk=access.pk).closed_at is None


# --- the helpdesk visitor's account -----------------------------------------------------------


def test_revoking_deactivates_the_visitors_account_and_a_new_grant_reopens_it(
    org_a, grant, staff, staff_client, open_on_host, admin_a_client
):
    access = grant()
    visitor, _, _ = open_on_host(staff_client, access)
    assert _account(org_a, staff).is_active
    admin_a_client.post(f"/support/access/{access.pk}/revoke/")
    assert not _account(org_a, staff).is_active
    assert visitor.get("/indicators/").status_code in (302, 403)

    again, entered, _ = open_on_host(staff_client, grant())
    assert entered.status_code == 302
    assert _account(org_a, staff).is_active
    assert again.get("/indicators/").status_code == 200


def test_an_expired_grant_deactivates_the_account_at_the_next_request(
    org_a, grant, staff, staff_client, open_on_host
):
    access = grant()
    visitor, _, _ = open_on_host(staff_client, access)
    _expire(access)
    assert _account(org_a, staff).is_active  # nothing has noticed yet
    assert visitor.get("/indicators/").status_code == 403
    assert not _account(org_a, staff).is_active
    assert SupportAccess.objects.get(pk=access.pk).closed_at is not None


def test_another_live_grant_of_the_same_staff_member_keeps_the_account(
    org_a, grant, staff, staff_client, open_on_host, admin_a
):
    first = grant(hours=2)
    open_on_host(staff_client, first)
    grant(hours=24)
    with schema_context(org_a.schema_name):
        access_revoke(actor=admin_a.user, organisation=org_a, access_id=first.pk)
    assert _account(org_a, staff).is_active


def test_the_cleanup_deactivates_accounts_of_visitors_who_never_came_back(
    org_a, grant, staff, staff_client, open_on_host
):
    from goldenthread.platform.celery_app import app
    from goldenthread.platform.core.licensing import ALWAYS, module_of_task
    from goldenthread.tenants.support.tasks import close_ended_support_accesses

    entry = app.conf.beat_schedule["close-ended-support-accesses"]
    assert entry["kwargs"]["task_name"] == close_ended_support_accesses.name
    assert module_of_task(app.tasks[close_ended_support_accesses.name]) == ALWAYS

    access = grant()
    open_on_host(staff_client, access)
    _expire(access)
    with schema_context("public"):
        assert close_ended_support_accesses() is None  # the fan-out skips the public schema
    assert _account(org_a, staff).is_active
    with schema_context(org_a.schema_name):
        assert close_ended_support_accesses() == 1
    assert not _account(org_a, staff).is_active


def test_the_user_list_marks_the_helpdesk_support_account(
    org_a, grant, staff, staff_client, open_on_host, admin_a_client
):
    open_on_host(staff_client, grant())
    html = admin_a_client.get("/users/").content.decode()
    assert "Helpdesk support account" in html
    row = html[html.index("Helpdesk support account") :].split("</tr>")[0]
    assert "(invited)" not in row
