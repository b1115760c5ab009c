"""A person's notifications, on pages and over REST: their own only (another person's id is
not found, exactly like one that does not exist), marked read, counted in the navigation."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.indicators.services.workflow import value_send_back
from goldenthread.platform.notifications.models import Notification
from goldenthread.platform.notifications.services.notify import Event, notify

from .support import submitted

API = "/api/v1/notifications/"


@pytest.fixture
def sent_back(in_alpha, people, make_indicator):
    """A value of Pat's sent back by Vera: Pat has one notification, Vera one (submitted)."""
    pi = make_indicator(code="INBOX 1", title="Missed bins", verifier=people.verifier)
    value_send_back(actor=people.verifier, value=submitted(people, pi), reason="Wrong quarter")
    return Notification.objects.get(kind="value_sent_back")


def key_for(organisation, user) -> str:
    with schema_context(organisation.schema_name):
        return api_credential_issue(user=user, name="inbox")[1]


def test_the_list_shows_my_notifications_with_the_reason(org_a, people, client_for, sent_back):
    page = client_for(org_a, user=people.provider).get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sent back to you: Missed bins (INBOX 1)" in html and "Wrong quarter" in html
    assert "Waiting for your approval" not in html  # Vera's, not Pat's
    assert '<span class="nav-count">1<span class="visually-hidden"> unread</span></span>' in html


def test_opening_one_marks_it_read_and_goes_to_the_value(org_a, people, client_for, sent_back):
    client = client_for(org_a, user=people.provider)
    answer = client.get(f"/notifications/{sent_back.pk}/")
    assert answer.status_code == 302 and answer.url == sent_back.link
    with schema_context(org_a.schema_name):
        sent_back.refresh_from_db()
        assert sent_back.read_at is not None
    assert "Unread only" in client.get("/notifications/?show=unread").content.decode()


def test_another_persons_notification_is_not_found_on_pages(org_a, people, client_for, sent_back):
    client = client_for(org_a, user=people.verifier)
    assert client.get(f"/notifications/{sent_back.pk}/").status_code == 404
    assert client.post(f"/notifications/{sent_back.pk}/read/").status_code == 404
    with schema_context(org_a.schema_name):
        sent_back.refresh_from_db()
        assert sent_back.read_at is None


def test_signed_out_people_are_sent_to_sign_in(org_a, client_for, sent_back):
    answer = client_for(org_a).get("/notifications/")
    assert answer.status_code == 302 and "sign-in" in answer.url


def test_mark_all_read(org_a, people, client_for, sent_back):
    client = client_for(org_a, user=people.provider)
    assert client.post("/notifications/read-all/").status_code == 302
    with schema_context(org_a.schema_name):
        assert not Notification.objects.filter(
            recipient=people.provider, read_at__isnull=True
        ).exists()
        # Vera's own stays unread.
        assert Notification.objects.filter(recipient=people.verifier, read_at__isnull=True).exists()


# --- REST -------------------------------------------------------------------------------------


def test_rest_lists_only_my_notifications(org_a, people, client_for, sent_back):
    key = key_for(org_a, people.provider)
    client = client_for(org_a)
    answer = client.get(API, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["kind"] == "value_sent_back" and item["reason"] == "Wrong quarter"
    assert item["kind_label"] == "A value of mine was sent back" and item["read_at"] is None
    count = client.get(API + "unread-count/", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert count == {"unread": 1}
    done = client.post(f"{API}{sent_back.pk}/read/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert done.status_code == 200 and done.json()["read_at"]
    assert client.get(f"{API}?unread=true", HTTP_AUTHORIZATION=f"Bearer {key}").json()["count"] == 0


def test_rest_refuses_another_persons_notification_with_404(org_a, people, client_for, sent_back):
    key = key_for(org_a, people.verifier)
    answer = client_for(org_a).post(
        f"{API}{sent_back.pk}/read/", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert answer.status_code == 404 and set(answer.json()) == {"message", "code", "extra"}
    with schema_context(org_a.schema_name):
        sent_back.refresh_from_db()
        assert sent_back.read_at is None


def test_rest_refuses_anonymous_and_another_organisation(
    org_a, org_b, make_user, client_for, sent_back
):
    assert client_for(org_a).get(API).status_code == 401
    beta_key = key_for(org_b, make_user(org_b, roles=["verifier"]).user)
    assert client_for(org_a).get(API, HTTP_AUTHORIZATION=f"Bearer {beta_key}").status_code == 401
    # On its own host, the other organisation sees none of ours.
    assert client_for(org_b).get(API, HTTP_AUTHORIZATION=f"Bearer {beta_key}").json()["count"] == 0


def test_rest_settings_read_and_change_with_clear_errors(org_a, people, client_for, in_alpha):
    key = key_for(org_a, people.provider)
    client = client_for(org_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(API + "settings/", **auth).json()["value_approved"] == "immediate"
    bad = client.put(
        API + "settings/", {"value_approved": "weekly"}, content_type="application/json", **auth
    )
    assert bad.status_code == 400 and "weekly" in str(bad.json())
    done = client.put(
        API + "settings/", {"value_approved": "digest"}, content_type="application/json", **auth
    )
    assert done.status_code == 200 and done.json()["value_approved"] == "digest"
    assert done.json()["value_sent_back"] == "immediate"


def test_the_list_keeps_to_a_fixed_number_of_queries(
    org_a, people, client_for, in_alpha, django_assert_max_num_queries
):
    for number in range(30):
        notify(
            event=Event(kind="value_approved", key=f"q:{number}", title=f"Approved {number}"),
            recipients=[people.provider],
        )
    key = key_for(org_a, people.provider)
    client = client_for(org_a)
    with django_assert_max_num_queries(12):
        assert client.get(API, HTTP_AUTHORIZATION=f"Bearer {key}").json()["count"] == 30
