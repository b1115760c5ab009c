"""Each step of a value's workflow tells the right people, once, in words — and a refused
step, or another organisation, tells nobody."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.services.indicators import indicator_update
from goldenthread.platform.indicators.services.workflow import (
    value_approve,
    value_reopen,
    value_send_back,
)
from goldenthread.platform.notifications.domain.choices import EmailState
from goldenthread.platform.notifications.models import Notification
from goldenthread.platform.notifications.services.email import notification_email_send
from goldenthread.platform.notifications.services.notify import Event, notify

from .support import submitted, told


@pytest.fixture
def named_pi(in_alpha, people, make_indicator):
    return make_indicator(code="NV 1", title="Council tax collected", verifier=people.verifier)


@pytest.fixture
def open_pi(in_alpha, people, make_indicator):
    return make_indicator(code="OPEN 1", title="Missed bins")


def test_a_submission_tells_the_named_verifier_only(
    named_pi, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        submitted(people, named_pi)
    assert told("value_submitted") == {"Vera Verifier"}
    note = Notification.objects.get(kind="value_submitted")
    assert (
        note.title
        == "Waiting for your approval: Council tax collected (NV 1), " + note.context["period"]
    )
    assert note.link == "/indicators/approvals/"
    assert note.email_state == EmailState.PENDING
    # One e-mail task queued, for after the commit.
    assert len(queued) == 1


def test_with_no_named_verifier_every_verifier_but_the_one_who_entered_it_is_told(open_pi, people):
    submitted(people, open_pi, by=people.provider_verifier)
    assert told("value_submitted") == {"Vera Verifier", "Vic Verifier"}


def test_when_the_named_verifier_lost_the_role_the_performance_team_is_told(named_pi, people):
    people.verifier.roles = ["manager"]
    people.verifier.save(update_fields=["roles"])
    submitted(people, named_pi)
    team = told("value_submitted")
    assert {"Olive Officer", "Adam Admin"} <= team
    assert not team & {"Vera Verifier", "Vic Verifier", "Pat Provider", "Max Manager"}


def test_sent_back_tells_the_provider_with_the_reason(named_pi, people):
    row = submitted(people, named_pi)
    value_send_back(actor=people.verifier, value=row, reason="The March figure is missing")
    assert told("value_sent_back") == {"Pat Provider"}
    note = Notification.objects.get(kind="value_sent_back")
    assert note.context["reason"] == "The March figure is missing"
    assert note.context["actor"] == "Vera Verifier"
    assert note.link == f"/indicators/{named_pi.pk}/enter/?period=2024%2F25+Q1"
    # The e-mail says it in words, with the reason and a link on the organisation's host.
    mail.outbox = []
    assert notification_email_send(notification_id=note.pk) is True
    (message,) = mail.outbox
    assert message.to == [people.provider.email]
    assert message.subject.startswith("Sent back to you: Council tax collected (NV 1)")
    assert "The March figure is missing" in message.body
    assert "Vera Verifier sent back a value you submitted" in message.body
    assert "http://alpha." in message.body and "/enter/?period=2024%2F25+Q1" in message.body
    assert str(note.pk) not in message.subject and "value_sent_back" not in message.body
    assert "Golden Thread, Alpha District Council." in message.body
    html = message.alternatives[0][0]
    assert "The March figure is missing" in html and "<a href=" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_approved_tells_the_provider(named_pi, people):
    value_approve(actor=people.verifier, value=submitted(people, named_pi))
    assert told("value_approved") == {"Pat Provider"}


def test_reopened_tells_the_provider_and_the_verifier_with_the_reason(named_pi, people):
    row = value_approve(actor=people.verifier, value=submitted(people, named_pi))
    value_reopen(actor=people.officer, value=row, reason="Restated by finance")
    assert told("value_reopened") == {"Pat Provider", "Vera Verifier"}
    assert {n.context["reason"] for n in Notification.objects.filter(kind="value_reopened")} == {
        "Restated by finance"
    }


def test_nobody_is_told_of_their_own_step(open_pi, people):
    # The officer enters and submits, a verifier approves, the officer reopens: the officer
    # is the provider but is not told of the reopening they did themselves.
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_submit

    row = value_enter(actor=people.officer, indicator=open_pi, period_code="2024/25 Q2", value=5)
    row = value_approve(actor=people.verifier, value=value_submit(actor=people.officer, value=row))
    value_reopen(actor=people.officer, value=row, reason="Typo")
    assert told("value_reopened") == {"Vera Verifier"}


def test_a_refused_step_tells_nobody(named_pi, people):
    row = submitted(people, named_pi)
    before = Notification.objects.count()
    with pytest.raises(DomainError):
        value_send_back(actor=people.verifier, value=row, reason="  ")
    with pytest.raises(DomainError):
        value_approve(actor=people.second_verifier, value=row)  # not the named verifier
    assert Notification.objects.count() == before


def test_a_verifier_in_another_organisation_is_never_told(named_pi, people, org_b, make_user):
    beta_verifier = make_user(org_b, roles=["verifier"], full_name="Beta Verifier").user
    submitted(people, named_pi)
    with schema_context(org_b.schema_name):
        assert not Notification.objects.filter(recipient_id=beta_verifier.pk).exists()
    assert "Beta Verifier" not in told("value_submitted")


def test_one_event_is_recorded_once_however_often_it_is_emitted(in_alpha, people):
    event = Event(kind="value_approved", key="value_approved:test-1", title="Approved: X")
    assert notify(event=event, recipients=[people.provider]) == 1
    notify(event=event, recipients=[people.provider, people.provider])
    assert Notification.objects.filter(event_key="value_approved:test-1").count() == 1


def test_each_value_of_a_bulk_approval_is_its_own_notification(open_pi, people):
    rows = [submitted(people, open_pi, period) for period in ("2024/25 Q1", "2024/25 Q2")]
    for row in rows:
        value_approve(actor=people.verifier, value=row)
    assert Notification.objects.filter(kind="value_approved").count() == 2


def test_an_inactive_person_is_not_told(named_pi, people):
    indicator_update(actor=people.officer, indicator=named_pi, verifier=None)
    people.second_verifier.is_active = False
    people.second_verifier.save(update_fields=["is_active"])
    submitted(people, named_pi)
    assert "Vic Verifier" not in told("value_submitted")


def test_a_sent_email_is_not_sent_again(named_pi, people):
    submitted(people, named_pi)
    note = Notification.objects.get(kind="value_submitted")
    mail.outbox = []
    assert notification_email_send(notification_id=note.pk) is True
    assert notification_email_send(notification_id=note.pk) is False
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.email_state == EmailState.SENT and note.emailed_at is not None
