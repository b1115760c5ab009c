"""An approved break-glass is told to the organisation's administrators in the app (their
notifications list) and by e-mail as each chose for the kind; nobody else is told."""

from __future__ import annotations

from django.core import mail
from django_tenants.utils import schema_context

from goldenthread.platform.notifications.models import Notification
from goldenthread.platform.notifications.services.preferences import preferences_set
from goldenthread.tenants.support.services.access import break_glass_approve, break_glass_request
from goldenthread.tenants.support.tasks import notify_break_glass_opened, notify_support_reply
from tests.support import outbox_messages, run_outbox_messages


def _open_break_glass(org, staff, staff2, capture):
    """Approve, then run the notice the approval queued (in the public schema, where the
    access lives) as the worker would."""
    access = break_glass_request(
        actor=staff.user,
        organisation=org,
        reason="The council's only administrator is locked out",
        hours=2,
    )
    with capture():
        break_glass_approve(actor=staff2.user, access_id=access.pk)
    [message] = outbox_messages(notify_break_glass_opened, access.pk)
    assert message.schema_name == "public"
    assert mail.outbox == []  # nothing is e-mailed in the request
    run_outbox_messages(notify_break_glass_opened, access.pk)
    return access


def test_administrators_are_told_in_the_app_and_by_e_mail_as_they_chose(
    org_a, admin_a, make_user, staff, staff2, django_capture_on_commit_callbacks, admin_a_client
):
    quiet_admin = make_user(org_a, roles=["org_admin"], email="quiet@alpha.example")
    officer = make_user(org_a, roles=["performance_officer"], email="officer@alpha.example")
    with schema_context(org_a.schema_name):
        preferences_set(user=quiet_admin.user, choices={"break_glass_opened": "off"})

    _open_break_glass(org_a, staff, staff2, django_capture_on_commit_callbacks)

    with schema_context(org_a.schema_name):
        told = dict(
            Notification.objects.filter(kind="break_glass_opened").values_list(
                "recipient__email", "email_state"
            )
        )
    assert told[admin_a.user.email] == "sent"
    assert told["quiet@alpha.example"] == "none"
    assert officer.user.email not in told
    assert not any(email.endswith("support.goldenthread.invalid") for email in told)
    [message] = mail.outbox
    assert admin_a.user.email in message.to
    assert "quiet@alpha.example" not in message.to  # chose "off": in the app only
    assert set(message.to) == {email for email, state in told.items() if state == "sent"}
    inbox = admin_a_client.get("/notifications/").content.decode()
    assert "Emergency helpdesk access to Alpha District Council is open" in inbox


def test_a_second_delivery_of_the_notice_tells_nobody_twice(
    org_a, admin_a, staff, staff2, django_capture_on_commit_callbacks
):
    access = _open_break_glass(org_a, staff, staff2, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with schema_context(org_a.schema_name):
        told = Notification.objects.filter(kind="break_glass_opened").count()
    assert told >= 1
    # The outbox delivers at least once: the relay may send the same message again
    assert notify_break_glass_opened.run(access.pk) == 0
    assert len(mail.outbox) == 1
    with schema_context(org_a.schema_name):
        assert Notification.objects.filter(kind="break_glass_opened").count() == told


def test_a_request_waiting_for_approval_tells_nobody(org_a, admin_a, staff):
    access = break_glass_request(
        actor=staff.user,
        organisation=org_a,
        reason="The council's only administrator is locked out",
        hours=2,
    )
    with schema_context(org_a.schema_name):
        assert not Notification.objects.exists()
    assert mail.outbox == []
    assert outbox_messages(notify_break_glass_opened, access.pk) == []


def test_the_settings_page_offers_the_kind_to_administrators_only(
    org_a, admin_a_client, make_user, client_for
):
    label = "Emergency helpdesk access was opened"
    assert label in admin_a_client.get("/notifications/settings/").content.decode()
    officer = make_user(org_a, roles=["performance_officer"])
    page = client_for(org_a, user=officer.user).get("/notifications/settings/")
    assert page.status_code == 200 and label not in page.content.decode()


# --- support request replies ------------------------------------------------------------------


def _raise_request(org, person):
    from goldenthread.tenants.support.services.requests import request_create

    with schema_context(org.schema_name):
        return request_create(
            actor=person.user,
            organisation=org,
            kind="support",
            subject="Export fails",
            description="The export page shows an error every time.",
        )


def test_a_reply_tells_the_requester_in_the_app_and_by_e_mail_by_default(
    org_a, make_user, staff, django_capture_on_commit_callbacks, client_for
):
    from goldenthread.tenants.support.services.requests import request_answer

    asker = make_user(org_a, roles=["manager"], email="asker@alpha.example")
    other = make_user(org_a, roles=["manager"], email="other@alpha.example")
    row = _raise_request(org_a, asker)
    with django_capture_on_commit_callbacks():
        request_answer(actor=staff.user, request_id=row.pk, body="Fixed now.", status="resolved")
    assert mail.outbox == []  # nothing is e-mailed in the request: the worker tells them
    [message] = outbox_messages(notify_support_reply)
    assert message.schema_name == "public"
    assert run_outbox_messages(notify_support_reply) == [True]

    with schema_context(org_a.schema_name):
        told = list(
            Notification.objects.filter(kind="support_request_answered").values_list(
                "recipient__email", "email_state", "link"
            )
        )
    assert told == [("asker@alpha.example", "sent", f"/support/requests/{row.pk}/")]
    assert [message.to for message in mail.outbox] == [["asker@alpha.example"]]
    inbox = client_for(org_a, user=asker.user).get("/notifications/").content.decode()
    assert "The helpdesk answered" in inbox and "Resolved" in inbox
    assert (
        "Export fails"
        not in client_for(org_a, user=other.user).get("/notifications/").content.decode()
    )
    # A second delivery (the outbox delivers at least once) tells them nothing twice
    assert notify_support_reply.run(*message.args) is False
    assert len(mail.outbox) == 1


def test_a_requester_who_chose_off_is_told_in_the_app_only(
    org_a, make_user, staff, django_capture_on_commit_callbacks
):
    from goldenthread.tenants.support.services.requests import request_answer

    asker = make_user(org_a, roles=["manager"], email="asker@alpha.example")
    with schema_context(org_a.schema_name):
        preferences_set(user=asker.user, choices={"support_request_answered": "off"})
    row = _raise_request(org_a, asker)
    with django_capture_on_commit_callbacks():
        request_answer(actor=staff.user, request_id=row.pk, status="planned")
    assert run_outbox_messages(notify_support_reply) == [False]
    with schema_context(org_a.schema_name):
        assert Notification.objects.get(kind="support_request_answered").email_state == "none"
    assert mail.outbox == []
