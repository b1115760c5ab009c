"""Each person chooses per kind: straight away, a daily digest, or no e-mail (the in-app list
keeps everything); the digest gathers each item once; the unsubscribe link works without
signing in, turns that kind off, and refuses a tampered token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.services.workflow import value_approve, value_send_back
from goldenthread.platform.notifications.domain.choices import EmailState
from goldenthread.platform.notifications.models import DigestEmail, Notification
from goldenthread.platform.notifications.selectors.preferences import preferences_of
from goldenthread.platform.notifications.services.email import (
    daily_digest_send,
    notification_email_send,
)
from goldenthread.platform.notifications.services.preferences import (
    preferences_set,
    unsubscribe,
    unsubscribe_token,
)

from .support import submitted

TODAY = timezone.localdate()


@pytest.fixture
def pi(in_alpha, people, make_indicator):
    return make_indicator(code="PREF 1", title="Council tax collected", verifier=people.verifier)


def test_everything_is_emailed_straight_away_until_the_person_chooses(in_alpha, people):
    assert set(preferences_of(user=people.provider).values()) == {"immediate"}


def test_off_keeps_the_notification_in_the_app_but_sends_no_email(pi, people):
    preferences_set(user=people.provider, choices={"value_sent_back": "off"})
    value_send_back(actor=people.verifier, value=submitted(people, pi), reason="Check it")
    note = Notification.objects.get(kind="value_sent_back")
    assert note.email_state == EmailState.NONE
    mail.outbox = []
    assert notification_email_send(notification_id=note.pk) is False
    assert daily_digest_send(today=TODAY).sent_to == []
    assert mail.outbox == []


def test_the_daily_digest_gathers_each_item_once(pi, people):
    preferences_set(
        user=people.provider, choices={"value_sent_back": "digest", "value_approved": "digest"}
    )
    value_send_back(actor=people.verifier, value=submitted(people, pi), reason="Wrong month")
    value_approve(actor=people.verifier, value=submitted(people, pi, "2024/25 Q2"))
    assert set(
        Notification.objects.filter(recipient=people.provider).values_list("email_state", flat=True)
    ) == {EmailState.IN_DIGEST}
    mail.outbox = []
    outcome = daily_digest_send(today=TODAY)
    assert outcome.sent_to == [people.provider.email]
    (message,) = mail.outbox
    assert message.subject == "Your daily summary: 2 notifications"
    assert "Sent back to you: Council tax collected (PREF 1)" in message.body
    assert "Reason: Wrong month" in message.body
    assert "Approved: Council tax collected (PREF 1)" in message.body
    # A rerun the same day (a redelivered task) sends nothing.
    assert daily_digest_send(today=TODAY).already_sent == []
    assert daily_digest_send(today=TODAY).sent_to == []
    # Tomorrow there is nothing new: no e-mail, and the items are never gathered again.
    assert daily_digest_send(today=TODAY + timedelta(days=1)).sent_to == []
    assert len(mail.outbox) == 1
    assert DigestEmail.objects.get(recipient=people.provider).item_count == 2


def test_a_second_digest_the_same_day_waits_for_tomorrow(pi, people):
    preferences_set(user=people.provider, choices={"value_approved": "digest"})
    value_approve(actor=people.verifier, value=submitted(people, pi))
    daily_digest_send(today=TODAY)
    value_approve(actor=people.verifier, value=submitted(people, pi, "2024/25 Q2"))
    mail.outbox = []
    assert daily_digest_send(today=TODAY).already_sent == [people.provider.email]
    assert mail.outbox == []
    assert daily_digest_send(today=TODAY + timedelta(days=1)).sent_to == [people.provider.email]
    assert "2024/25" in mail.outbox[0].body or "Q2" in mail.outbox[0].body


def test_an_unknown_kind_or_delivery_is_refused_naming_it_and_nothing_changes(in_alpha, people):
    with pytest.raises(DomainError) as refused:
        preferences_set(
            user=people.provider, choices={"value_approved": "off", "birthdays": "weekly"}
        )
    assert "'birthdays' is not a kind" in refused.value.message
    assert "'weekly' is not immediate, digest or off" in refused.value.message
    assert preferences_of(user=people.provider)["value_approved"] == "immediate"


def test_unsubscribing_turns_that_kind_off_for_that_person_only(in_alpha, people):
    found = unsubscribe(token=unsubscribe_token(user=people.provider, kinds=["value_approved"]))
    assert found.user == people.provider
    assert preferences_of(user=people.provider)["value_approved"] == "off"
    assert preferences_of(user=people.provider)["value_sent_back"] == "immediate"
    assert preferences_of(user=people.verifier)["value_approved"] == "immediate"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(token.split(":")[0], token.split(":")[0][::-1], 1),
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_token_is_refused_and_nothing_changes(in_alpha, people, tamper):
    token = unsubscribe_token(user=people.provider, kinds=["value_approved"])
    with pytest.raises(DomainError) as refused:
        unsubscribe(token=tamper(token))
    assert refused.value.code == "invalid_token"
    assert preferences_of(user=people.provider)["value_approved"] == "immediate"


def test_a_token_of_another_organisation_is_refused_here(in_alpha, people, org_b, make_user):
    beta_user = make_user(org_b, full_name="Beta Person").user
    with schema_context(org_b.schema_name):
        token = unsubscribe_token(user=beta_user, kinds=["value_approved"])
    with pytest.raises(DomainError):
        unsubscribe(token=token)


# --- the pages, without signing in -----------------------------------------------------------


def test_the_unsubscribe_page_asks_then_turns_off_without_signing_in(
    org_a, people, client_for, in_alpha
):
    token = unsubscribe_token(user=people.provider, kinds=["value_sent_back"])
    client = client_for(org_a)
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200
    assert "A value of mine was sent back" in page.content.decode()
    with schema_context(org_a.schema_name):
        assert preferences_of(user=people.provider)["value_sent_back"] == "immediate"
    # One-click (RFC 8058): a plain POST with no CSRF token, as mail programs send it.
    client = client_for(org_a)
    client.handler.enforce_csrf_checks = True
    done = client.post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "E-mails turned off" in done.content.decode()
    with schema_context(org_a.schema_name):
        assert preferences_of(user=people.provider)["value_sent_back"] == "off"


def test_the_unsubscribe_page_refuses_a_tampered_token(org_a, people, client_for, in_alpha):
    token = unsubscribe_token(user=people.provider, kinds=["value_sent_back"])
    answer = client_for(org_a).post(f"/notifications/unsubscribe/{token}x/")
    assert answer.status_code == 400 and "not valid" in answer.content.decode()
    with schema_context(org_a.schema_name):
        assert preferences_of(user=people.provider)["value_sent_back"] == "immediate"


def test_the_settings_page_saves_each_choice(org_a, people, client_for, in_alpha):
    client = client_for(org_a, user=people.provider)
    page = client.get("/notifications/settings/")
    assert page.status_code == 200 and "One e-mail a day with everything" in page.content.decode()
    choices = {
        "value_submitted": "immediate",
        "value_sent_back": "immediate",
        "value_approved": "digest",
        "value_reopened": "off",
        "value_reminder": "immediate",
        "overdue_actions": "immediate",
        "support_request_answered": "digest",
    }
    answer = client.post("/notifications/settings/", choices)
    assert answer.status_code == 302
    with schema_context(org_a.schema_name):
        saved = preferences_of(user=people.provider)
    assert {kind: saved[kind] for kind in choices} == choices
    # Kinds for administrators only are neither offered to nor set for anyone else.
    assert saved["break_glass_opened"] == "immediate"


def test_the_settings_form_is_labelled_and_its_errors_are_summarised(
    org_a, people, client_for, in_alpha
):
    from tests.fixtures.accessibility import assert_form_markup
    from tests.fixtures.html import parse

    client = client_for(org_a, user=people.provider)
    assert_form_markup(parse(client.get("/notifications/settings/")))
    refused = client.post("/notifications/settings/", {"value_approved": "weekly"})
    assert refused.status_code == 200
    page = parse(refused)
    assert_form_markup(page)
    assert "Error: Notification settings" in refused.content.decode()
    with schema_context(org_a.schema_name):
        assert preferences_of(user=people.provider)["value_approved"] == "immediate"
