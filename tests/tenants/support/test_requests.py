"""Support requests and suggestions: raised from any page with the page and browser kept;
triaged and answered by the helpdesk, the requester told and seeing progress; suggestions
voted on by other organisations, who see the text only."""

from __future__ import annotations

from django.core import mail

from goldenthread.tenants.support.models import SuggestionVote, SupportRequest
from goldenthread.tenants.support.tasks import notify_support_reply
from tests.support import outbox_messages, run_outbox_messages

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/120"


def _raise(client, **fields):
    return client.post(
        "/support/requests/new/",
        {
            "kind": "support",
            "subject": "Cannot enter a value",
            "description": "The grid refuses 12.5",
            "page": "/indicators/entry/",
            **fields,
        },
        HTTP_USER_AGENT=BROWSER,
    )


def test_every_page_offers_the_link_with_its_address(org_a, make_user, client_for):
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    html = alice.get("/indicators/").content.decode()
    assert 'href="/support/requests/new/?page=%2Findicators%2F"' in html
    form = alice.get("/support/requests/new/?page=%2Findicators%2F").content.decode()
    assert 'value="/indicators/"' in form


def test_a_request_keeps_the_page_and_browser_and_the_requester_sees_progress(
    org_a, make_user, client_for, staff_client, django_capture_on_commit_callbacks
):
    alice_user = make_user(org_a, roles=["manager"], email="alice@alpha.example").user
    alice = client_for(org_a, user=alice_user)
    made = _raise(alice)
    assert made.status_code == 302
    row = SupportRequest.objects.get(organisation=org_a)
    assert (row.page_url, row.user_agent, row.requester_email) == (
        "/indicators/entry/",
        BROWSER,
        "alice@alpha.example",
    )
    assert row.get_status_display() == "Received"

    console = staff_client.get("/helpdesk/support/requests/?kind=support").content.decode()
    assert "Cannot enter a value" in console and "Alpha District Council" in console
    detail = staff_client.get(f"/helpdesk/support/requests/{row.pk}/").content.decode()
    assert BROWSER in detail and "/indicators/entry/" in detail

    with django_capture_on_commit_callbacks():
        answered = staff_client.post(
            f"/helpdesk/support/requests/{row.pk}/",
            {"status": "waiting", "body": "Which PI is it?"},
        )
    assert answered.status_code == 302
    # The worker e-mails the requester (queued in the public schema, with the site's address)
    [queued] = outbox_messages(notify_support_reply)
    assert queued.schema_name == "public"
    assert run_outbox_messages(notify_support_reply) == [True]
    [message] = mail.outbox
    assert message.to == ["alice@alpha.example"]
    assert "Waiting for your reply" in message.subject
    assert "Which PI is it?" in message.body

    page = alice.get(f"/support/requests/{row.pk}/").content.decode()
    assert "Waiting for your reply" in page and "Which PI is it?" in page
    api = alice.get(f"/api/v1/support/requests/{row.pk}/").json()
    assert api["status_label"] == "Waiting for your reply"
    assert api["replies"][0]["body"] == "Which PI is it?"
    assert api["replies"][0]["from_helpdesk"] is True

    # The requester answers: back under review.
    alice.post(f"/support/requests/{row.pk}/", {"body": "Households in temporary accommodation"})
    row.refresh_from_db()
    assert row.get_status_display() == "Under review"


def test_someone_elses_request_is_not_found(org_a, org_b, make_user, client_for):
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    carol = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    bob = client_for(org_b, user=make_user(org_b, roles=["manager"]).user)
    _raise(alice)
    row = SupportRequest.objects.get(organisation=org_a)
    assert carol.get(f"/support/requests/{row.pk}/").status_code == 404
    assert carol.get(f"/api/v1/support/requests/{row.pk}/").status_code == 404
    assert bob.get(f"/api/v1/support/requests/{row.pk}/").status_code == 404
    assert carol.get("/api/v1/support/requests/").json()["count"] == 0


def test_bad_input_is_named_and_nothing_saved(org_a, make_user, client_for):
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    response = _raise(alice, subject="", description="")
    assert response.status_code == 400
    assert "Enter" in response.content.decode()
    api = alice.post(
        "/api/v1/support/requests/",
        {"kind": "wish", "subject": "x", "description": "y"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert not SupportRequest.objects.filter(organisation=org_a).exists()


def test_only_staff_answer(org_a, make_user, client_for, public_org):
    alice = client_for(org_a, user=make_user(org_a, roles=["manager"]).user)
    _raise(alice)
    row = SupportRequest.objects.get(organisation=org_a)
    someone = client_for(None, user=make_user(public_org, email="x@goldenthread.example").user)
    assert (
        someone.post(f"/helpdesk/support/requests/{row.pk}/", {"status": "resolved"}).status_code
        == 403
    )
    row.refresh_from_db()
    assert row.status == "received"
    assert outbox_messages(notify_support_reply) == []  # nobody is told of a refused answer


def test_other_organisations_vote_on_suggestions_seeing_the_text_only(
    org_a, org_b, make_user, client_for
):
    alice = client_for(
        org_a, user=make_user(org_a, roles=["manager"], full_name="Alice Secretname").user
    )
    bob = client_for(org_b, user=make_user(org_b, roles=["manager"]).user)
    _raise(alice, kind="suggestion", subject="Export to ODS", description="Open formats please")
    row = SupportRequest.objects.get(organisation=org_a)

    # Alpha's own people do not vote on Alpha's suggestion.
    assert "Export to ODS" not in alice.get("/support/suggestions/").content.decode()
    assert alice.post(f"/support/suggestions/{row.pk}/vote/").status_code == 404

    page = bob.get("/support/suggestions/").content.decode()
    assert "Export to ODS" in page and "Open formats please" in page
    assert "Alice" not in page and "Alpha" not in page
    [api] = [
        item
        for item in bob.get("/api/v1/support/suggestions/").json()["results"]
        if item["id"] == row.pk
    ]
    assert set(api) == {"id", "subject", "description", "status_label", "votes", "voted"}

    assert bob.post(f"/support/suggestions/{row.pk}/vote/").status_code == 302
    again = bob.post(f"/api/v1/support/suggestions/{row.pk}/vote/")
    assert again.status_code == 409
    assert SuggestionVote.objects.filter(request=row).count() == 1
    assert "You have voted for this" in bob.get("/support/suggestions/").content.decode()
    # The requester sees the count.
    assert alice.get("/api/v1/support/requests/").json()["results"][0]["votes"] == 1
    assert bob.get("/api/v1/support/requests/").json()["count"] == 0
