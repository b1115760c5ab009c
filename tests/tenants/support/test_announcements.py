"""Announcements: published by helpdesk staff, shown on every page of the affected hosts
within their window only, in words with a role; dismissible per person when allowed."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from goldenthread.tenants.support.models import Announcement

# Committed data of other tests (the reflow walk's) may hold announcements of their own.
STAFF = "helpdesk@goldenthread.example"


def _publish(staff_client, **fields):
    now = timezone.localtime()
    data = {
        "kind": "maintenance",
        "title": "Planned maintenance on Saturday",
        "body": "The service is unavailable from 08:00 to 10:00.",
        "organisation": "",
        "starts_at": (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "dismissible": "on",
        **fields,
    }
    return staff_client.post("/helpdesk/support/announcements/", data)


def test_only_helpdesk_staff_publish(org_a, make_user, client_for, public_org):
    someone = make_user(public_org, email="not-staff@goldenthread.example")
    client = client_for(None, user=someone.user)
    assert _publish(client).status_code == 403
    assert not Announcement.objects.filter(created_by=STAFF).exists()


def test_a_platform_wide_announcement_shows_on_every_organisations_pages_in_its_window(
    org_a, org_b, make_user, client_for, staff_client
):
    assert _publish(staff_client).status_code == 302
    alice = client_for(org_a, user=make_user(org_a, roles=["performance_officer"]).user)
    bob = client_for(org_b, user=make_user(org_b, roles=["manager"]).user)
    for client, path in ((alice, "/"), (alice, "/indicators/"), (bob, "/planning/actions/")):
        html = client.get(path).content.decode()
        assert 'role="status" data-testid="announcement"' in html
        assert "Planned maintenance: Planned maintenance on Saturday" in html
    # Outside its window it is gone.
    Announcement.objects.filter(created_by=STAFF).update(
        starts_at=timezone.now() + timedelta(hours=1)
    )
    assert 'data-testid="announcement"' not in alice.get("/").content.decode()
    Announcement.objects.filter(created_by=STAFF).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    assert 'data-testid="announcement"' not in alice.get("/").content.decode()


def test_an_organisations_announcement_is_shown_to_it_only(
    org_a, org_b, make_user, client_for, staff_client
):
    assert (
        _publish(
            staff_client, organisation=org_a.pk, kind="new_feature", title="Forecasts"
        ).status_code
        == 302
    )
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    bob = client_for(org_b, user=make_user(org_b, roles=["manager"]).user)
    assert "New feature: Forecasts" in alice.get("/").content.decode()
    assert "Forecasts" not in bob.get("/").content.decode()


def test_a_person_dismisses_it_for_themselves_only(org_a, make_user, client_for, staff_client):
    _publish(staff_client)
    announcement = Announcement.objects.get(created_by=STAFF)
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    carol = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    dismissed = alice.post(
        f"/support/announcements/{announcement.pk}/dismiss/", {"next": "/indicators/"}
    )
    assert dismissed.status_code == 302 and dismissed["Location"] == "/indicators/"
    assert "Planned maintenance on Saturday" not in alice.get("/").content.decode()
    assert "Planned maintenance on Saturday" in carol.get("/").content.decode()


def test_one_that_may_not_be_dismissed_stays(org_a, make_user, client_for, staff_client):
    _publish(staff_client, dismissible="")
    announcement = Announcement.objects.get(created_by=STAFF)
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    assert "Dismiss" not in alice.get("/").content.decode()
    alice.post(f"/support/announcements/{announcement.pk}/dismiss/")
    assert "Planned maintenance on Saturday" in alice.get("/").content.decode()


def test_bad_windows_are_refused_in_words(staff_client):
    now = timezone.localtime()
    response = _publish(
        staff_client,
        starts_at=now.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()
    assert not Announcement.objects.filter(created_by=STAFF).exists()


def test_taking_one_down_hides_it_at_once(org_a, make_user, client_for, staff_client):
    _publish(staff_client)
    announcement = Announcement.objects.get(created_by=STAFF)
    assert (
        staff_client.post(f"/helpdesk/support/announcements/{announcement.pk}/end/").status_code
        == 302
    )
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    assert "Planned maintenance on Saturday" not in alice.get("/").content.decode()
