"""The helpdesk REST API's support endpoints: announcements, the request queue and
break-glass, with the console's rules (a second approver, a written reason), refused without
a helpdesk key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from goldenthread.tenants.helpdesk.api_keys import helpdesk_api_key_issue
from goldenthread.tenants.support.models import Announcement, SupportAccess, SupportRequest
from goldenthread.tenants.support.tasks import notify_break_glass_opened, notify_support_reply
from tests.support import outbox_messages, run_outbox_messages
from tests.tenants.test_helpdesk_api import BASE, enrol, next_code


def _key(user) -> str:
    secret = enrol(user)
    _, key = helpdesk_api_key_issue(user=user, name="script", code=next_code(secret))
    return key


@pytest.fixture
def call(client_for, public_org):
    def send(method: str, path: str, key: str | None, **data):
        client = client_for(None)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        if method == "get":
            return client.get(BASE + path, data, **headers)
        return getattr(client, method)(
            BASE + path, data, content_type="application/json", **headers
        )

    return send


def test_without_a_key_nothing_is_served_or_changed(call, org_a):
    assert call("get", "/requests/", None).status_code == 401
    assert (
        call(
            "post", "/break-glass/", None, organisation="alpha", reason="x" * 30, hours=1
        ).status_code
        == 401
    )
    assert not SupportAccess.objects.filter(organisation=org_a).exists()


def test_announcements_through_the_api(call, staff, org_a, make_user, client_for):
    key = _key(staff.user)
    now = timezone.now()
    made = call(
        "post",
        "/announcements/",
        key,
        kind="new_feature",
        title="Year-end forecasts",
        organisation="alpha",
        starts_at=(now - timedelta(minutes=1)).isoformat(),
        ends_at=(now + timedelta(days=1)).isoformat(),
    )
    assert made.status_code == 201, made.content
    assert made.json()["kind_label"] == "New feature"
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    assert "New feature: Year-end forecasts" in alice.get("/").content.decode()
    bad = call(
        "post", "/announcements/", key, kind="new_feature", title="x",
        starts_at=now.isoformat(), ends_at=(now - timedelta(hours=1)).isoformat(),
    )  # fmt: skip
    assert bad.status_code == 400
    assert "must end after it starts" in bad.json()["message"]
    ended = call("post", f"/announcements/{made.json()['id']}/end/", key)
    assert ended.status_code == 200
    assert "Year-end forecasts" not in alice.get("/").content.decode()
    assert Announcement.objects.filter(title="x").count() == 0


def test_triage_through_the_api_tells_the_requester(
    call, staff, org_a, make_user, client_for, django_capture_on_commit_callbacks
):
    key = _key(staff.user)
    alice = client_for(
        org_a, user=make_user(org_a, roles=["manager"], email="al@alpha.example").user
    )
    alice.post(
        "/api/v1/support/requests/",
        {"kind": "support", "subject": "Report fails", "description": "Pack stops at 90%"},
        content_type="application/json",
    )
    row = SupportRequest.objects.get(organisation=org_a)
    listed = call("get", "/requests/", key, kind="support", status="received").json()
    assert [item["id"] for item in listed if item["id"] == row.pk] == [row.pk]
    assert listed[0]["status_label"]
    with django_capture_on_commit_callbacks():
        answered = call("post", f"/requests/{row.pk}/answer/", key, status="resolved", body="Fixed")
    assert answered.status_code == 200
    assert answered.json()["status_label"] == "Resolved"
    assert run_outbox_messages(notify_support_reply) == [True]  # as the worker would
    assert [m.to for m in mail.outbox] == [["al@alpha.example"]]
    assert alice.get(f"/api/v1/support/requests/{row.pk}/").json()["status_label"] == "Resolved"


def test_break_glass_through_the_api_needs_a_second_staff_member(
    call, staff, org_a, make_user, public_org, django_capture_on_commit_callbacks
):
    make_user(org_a, roles=["org_admin"], email="boss@alpha.example")
    first = _key(staff.user)
    other = make_user(public_org, email="other@goldenthread.example", is_staff=True)
    second = _key(other.user)
    short = call("post", "/break-glass/", first, organisation="alpha", reason="now", hours=1)
    assert short.status_code == 400
    asked = call(
        "post", "/break-glass/", first, organisation="alpha",
        reason="The only administrator is locked out", hours=2,
    )  # fmt: skip
    assert asked.status_code == 201
    pk = asked.json()["id"]
    assert asked.json()["state"] == "Waiting for a second approver"
    own = call("post", f"/break-glass/{pk}/approve/", first)
    assert own.status_code == 403
    assert outbox_messages(notify_break_glass_opened, pk) == []  # refused: nobody to tell
    with django_capture_on_commit_callbacks():
        approved = call("post", f"/break-glass/{pk}/approve/", second)
    assert approved.status_code == 200
    assert approved.json()["state"] == "Live"
    run_outbox_messages(notify_break_glass_opened, pk)  # as the worker would
    assert any("boss@alpha.example" in message.to for message in mail.outbox)
    assert call("post", f"/break-glass/{pk}/approve/", second).status_code == 409
    listed = call("get", "/support-access/", first).json()
    assert any(item["id"] == pk and item["state"] == "Live" for item in listed)


def test_an_unknown_organisation_is_not_found_and_nothing_is_made(call, staff):
    key = _key(staff.user)
    now = timezone.now()

    announced = call(
        "post", "/announcements/", key, kind="new_feature", title="Nowhere",
        organisation="no-such-council",
        starts_at=now.isoformat(), ends_at=(now + timedelta(days=1)).isoformat(),
    )  # fmt: skip
    asked = call(
        "post", "/break-glass/", key, organisation="no-such-council",
        reason="The only administrator is locked out", hours=2,
    )  # fmt: skip
    blank = call(
        "post", "/break-glass/", key, organisation="",
        reason="The only administrator is locked out", hours=2,
    )  # fmt: skip

    assert (announced.status_code, asked.status_code, blank.status_code) == (404, 404, 400)
    assert not Announcement.objects.filter(title="Nowhere").exists()
    assert not SupportAccess.objects.exists()


def test_an_announcement_without_an_organisation_is_for_everyone(call, staff):
    key = _key(staff.user)
    now = timezone.now()

    made = call(
        "post", "/announcements/", key, kind="new_feature", title="Everyone",
        starts_at=now.isoformat(), ends_at=(now + timedelta(days=1)).isoformat(),
    )  # fmt: skip

    assert made.status_code == 201 and made.json()["organisation"] is None
    assert Announcement.objects.get(title="Everyone").organisation_id is None
