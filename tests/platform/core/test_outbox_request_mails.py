"""The three e-mails a request used to send in its own on-commit — the break-glass notice, the
helpdesk's answer to a support request and a light partner's invitation — are sent by the
real worker through the outbox (`core.outbox.queue_after_commit`, in the public schema where
their rows live).

For each: the action answers as before and the worker sends the e-mail once, with the same
words; a mail server that fails leaves the action saved and answered as usual (the worker
tries again); a broker that cannot be reached leaves a message in the outbox, which beat's
relay sends once the broker is back; and an action that is refused queues nothing. Data here
are committed (the worker reads them), with names of their own.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from django.core import mail
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.partnerships.models import LightPartnerInvitation
from goldenthread.partnerships.tasks import send_light_partner_invitation
from goldenthread.platform.core.errors import PermissionDenied
from goldenthread.tenants.support.models import SupportAccess, SupportReply, SupportRequest
from goldenthread.tenants.support.tasks import notify_break_glass_opened, notify_support_reply
from tests.conftest import host_of
from tests.factories import provision_staffed_organisation
from tests.fixtures import mail as failing_mail
from tests.fixtures.outbox import broker_down, relay_now, worker_ran
from tests.fixtures.worker import wait_for
from tests.support import outbox_messages
from tests.tenants.archive.test_restores_on_worker import committed_staff  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed_data")]

PUBLIC = get_public_schema_name()
FAILS_ONCE = "tests.fixtures.mail.FailsOnceBackend"


@pytest.fixture(scope="module")
def council(session_organisations, django_db_blocker):
    """An organisation of this module's own (committed): its administrator, a manager (no
    administrator's role) and a partnership it leads with one shared indicator."""
    staffed = provision_staffed_organisation(
        django_db_blocker,
        prefix="obm",
        name="Outbox mails",
        roles=("org_admin", "manager"),
        # No invitation e-mail of its own: the failing mail server's tests count every send.
        invite_administrator=False,
    )
    return staffed.organisation, staffed.administrator, staffed.people["manager"]


@pytest.fixture
def failing_mail_server(settings):
    """The first e-mail sent fails like an unreachable mail server; the next is delivered."""
    failing_mail.reset()
    settings.EMAIL_BACKEND = FAILS_ONCE
    yield failing_mail.attempts
    failing_mail.reset()


def _mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def _mailed_once(address: str, what: str):
    [message] = wait_for(lambda: _mail_to(address), timeout=30, what=what)
    return message


def _delivered_again(task, *args):
    """Deliver `task(*args)` to the worker once more in the public schema, as the relay does
    after a process died between the send and the deletion of its row; what it returned."""
    with worker_ran() as ran:
        task.apply_async(args=list(args), headers={"_schema_name": PUBLIC})
        wait_for(
            lambda: [r for r in ran if r[:2] == (task.name, list(args))],
            timeout=30,
            what="the second delivery",
        )
    [(_, _, returned)] = [r for r in ran if r[:2] == (task.name, list(args))]
    return returned


# --- break-glass ------------------------------------------------------------------------------


def _break_glass(council, staff_user) -> SupportAccess:
    from goldenthread.tenants.support.services.access import break_glass_request

    organisation, _, _ = council
    with schema_context(PUBLIC):
        return break_glass_request(
            actor=staff_user,
            organisation=organisation,
            reason=f"The only administrator is locked out ({uuid.uuid4().hex[:6]})",
            hours=2,
        )


def _approve(client, access):
    return client.post(f"/helpdesk/support/access/{access.pk}/approve/")


def _assert_break_glass_mail(message, council, access, approver) -> None:
    organisation, _, _ = council
    assert message.subject == f"Emergency helpdesk access to {organisation.name} is open"
    assert access.reason in message.body
    assert approver.email in message.body
    assert f"Emergency access to {organisation.name} by the Golden Thread helpdesk is open." in (
        message.body
    )


def test_break_glass_is_told_by_the_worker_once_and_a_refused_approval_tells_nobody(
    council,
    committed_staff,  # noqa: F811
    celery_worker,
):
    _, admin, manager = council
    asker, asker_client = committed_staff(lead=False)
    approver, approver_client = committed_staff(lead=False)
    access = _break_glass(council, asker)

    # A staff member cannot approve their own request: refused, nothing queued
    assert _approve(asker_client, access).status_code == 302
    access.refresh_from_db()
    assert access.approved_at is None
    assert outbox_messages(notify_break_glass_opened, access.pk) == []

    # When a second staff member approves
    assert _approve(approver_client, access).status_code == 302
    access.refresh_from_db()
    assert access.is_live()
    # Then the worker e-mails the administrators, once, as before
    message = _mailed_once(admin.email, "the break-glass notice")
    _assert_break_glass_mail(message, council, access, approver)
    assert manager.email not in message.to
    assert outbox_messages(notify_break_glass_opened, access.pk) == []
    # And a second delivery (the relay's, after a process died before deleting its row)
    # tells nobody twice
    assert _delivered_again(notify_break_glass_opened, access.pk) == 0  # newly told
    assert len(_mail_to(admin.email)) == 1


def test_break_glass_with_a_failing_mail_server_is_approved_as_usual_and_told_on_retry(
    council,
    committed_staff,  # noqa: F811
    celery_worker,
    failing_mail_server,
):
    _, admin, _ = council
    asker, _ = committed_staff(lead=False)
    approver, approver_client = committed_staff(lead=False)
    access = _break_glass(council, asker)
    # When the mail server fails, the approval still answers as usual and is saved
    response = _approve(approver_client, access)
    assert response.status_code == 302
    assert response["Location"].endswith("/helpdesk/support/access/")
    access.refresh_from_db()
    assert access.is_live()
    # And the worker's retry e-mails the notice, once
    message = _mailed_once(admin.email, "the break-glass notice after a retry")
    _assert_break_glass_mail(message, council, access, approver)
    assert len(failing_mail_server) == 2


def test_break_glass_approved_while_the_broker_is_down_is_told_when_it_returns(
    council,
    committed_staff,  # noqa: F811
    celery_worker,
):
    _, admin, _ = council
    asker, _ = committed_staff(lead=False)
    approver, approver_client = committed_staff(lead=False)
    access = _break_glass(council, asker)
    with broker_down():
        assert _approve(approver_client, access).status_code == 302
        access.refresh_from_db()
        assert access.is_live()
        [message] = outbox_messages(notify_break_glass_opened, access.pk)
        assert message.schema_name == PUBLIC and message.args == [access.pk]
        assert message.attempts == 1
    assert _mail_to(admin.email) == []

    assert relay_now() >= 1
    _assert_break_glass_mail(
        _mailed_once(admin.email, "the break-glass notice"), council, access, approver
    )
    assert outbox_messages(notify_break_glass_opened, access.pk) == []


# --- the helpdesk's answer to a support request -------------------------------------------------


def _support_request(council) -> SupportRequest:
    from goldenthread.tenants.support.services.requests import request_create

    organisation, _, manager = council
    with schema_context(organisation.schema_name):
        return request_create(
            actor=manager,
            organisation=organisation,
            kind="support",
            subject=f"Export fails {uuid.uuid4().hex[:6]}",
            description="The export page shows an error every time.",
        )


def _answer(client, row):
    return client.post(
        f"/helpdesk/support/requests/{row.pk}/", {"status": "waiting", "body": "Which PI is it?"}
    )


def _assert_answer_mail(message, council, row) -> None:
    organisation, _, _ = council
    assert message.subject == f"Your request \u201c{row.subject}\u201d: Waiting for your reply"
    assert "Status: Waiting for your reply" in message.body
    assert "Which PI is it?" in message.body
    assert f"http://{host_of(organisation)}/support/requests/{row.pk}/" in message.body


def _replies(row) -> list[SupportReply]:
    return list(SupportReply.objects.filter(request=row))


def test_an_answer_is_mailed_by_the_worker_once_and_a_refused_one_queues_nothing(
    council,
    committed_staff,  # noqa: F811
    celery_worker,
):
    from goldenthread.tenants.support.services.requests import request_answer

    _, admin, manager = council
    _, staff_client = committed_staff(lead=False)
    row = _support_request(council)

    # Someone who is not helpdesk staff cannot answer: refused, nothing queued
    with pytest.raises(PermissionDenied):
        request_answer(actor=admin, request_id=row.pk, status="resolved")
    # Nor does an answer with nothing in it
    assert staff_client.post(f"/helpdesk/support/requests/{row.pk}/", {}).status_code == 200
    assert _replies(row) == []
    assert outbox_messages(notify_support_reply) == []

    # When the helpdesk answers
    response = _answer(staff_client, row)
    assert response.status_code == 302
    [reply] = _replies(row)
    # Then the worker e-mails the requester, once, as before
    _assert_answer_mail(_mailed_once(manager.email, "the answer"), council, row)
    assert outbox_messages(notify_support_reply, reply.pk) == []
    # And a second delivery tells them nothing twice
    assert _delivered_again(notify_support_reply, reply.pk, "") is False  # nothing sent
    assert len(_mail_to(manager.email)) == 1


def test_an_answer_with_a_failing_mail_server_is_saved_as_usual_and_mailed_on_retry(
    council,
    committed_staff,  # noqa: F811
    celery_worker,
    failing_mail_server,
):
    _, _, manager = council
    _, staff_client = committed_staff(lead=False)
    row = _support_request(council)
    response = _answer(staff_client, row)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/helpdesk/support/requests/{row.pk}/")
    row.refresh_from_db()
    assert row.status == "waiting" and len(_replies(row)) == 1
    _assert_answer_mail(_mailed_once(manager.email, "the answer after a retry"), council, row)
    assert len(failing_mail_server) == 2


def test_an_answer_while_the_broker_is_down_is_mailed_when_it_returns(
    council,
    committed_staff,  # noqa: F811
    celery_worker,
):
    organisation, _, manager = council
    _, staff_client = committed_staff(lead=False)
    row = _support_request(council)
    with broker_down():
        assert _answer(staff_client, row).status_code == 302
        [reply] = _replies(row)
        [message] = outbox_messages(notify_support_reply, reply.pk)
        assert message.schema_name == PUBLIC
        assert message.args == [reply.pk, f"http://{host_of(organisation)}"]
    assert _mail_to(manager.email) == []

    assert relay_now() >= 1
    _assert_answer_mail(_mailed_once(manager.email, "the answer"), council, row)
    assert outbox_messages(notify_support_reply, reply.pk) == []


# --- a light partner's invitation ---------------------------------------------------------------


def _partnership(council):
    from goldenthread.partnerships import services

    organisation, admin, _ = council
    tag = uuid.uuid4().hex[:6]
    with schema_context(organisation.schema_name):
        partnership = services.partnership_create(
            organisation=organisation,
            actor=admin,
            name=f"Vale villages {tag}",
            type="lsp",
            starts_on=date(2024, 4, 1),
        )
        indicator = services.partnership_indicator_create(
            partnership=partnership,
            organisation=organisation,
            actor=admin,
            aggregation="sum",
            code=f"VOL-{tag}",
            title="Volunteer hours",
            polarity="higher",
            frequency="quarterly",
            decimal_places=0,
        )
    return partnership, indicator


def _invite(client, partnership, indicator, email: str):
    return client.post(
        f"/partnerships/{partnership.pk}/new-partners/",
        {
            "body_name": "Little Snoring Parish Council",
            "body_type": "parish",
            "contact_name": "Pat Clerk",
            "email": email,
            "indicator_codes": [indicator.code],
        },
    )


def _assert_invitation_mail(message, council, partnership, indicator) -> None:
    from django.conf import settings

    from goldenthread.partnerships.services.light_partners import invitation_from_token

    organisation, admin, _ = council
    assert message.subject == (
        f"{organisation.name} invites Little Snoring Parish Council to {partnership.name}"
    )
    assert message.body.startswith("Dear Pat Clerk,")
    assert f"{admin.full_name} of {organisation.name} invites Little Snoring Parish Council" in (
        message.body
    )
    assert f"covering: {indicator.code}." in message.body
    token = re.search(rf"http://{re.escape(settings.PLATFORM_DOMAIN)}/join/(\S+)/", message.body)
    assert token is not None, message.body
    # The link names the invitation (and works: the form to accept opens)
    assert invitation_from_token(token.group(1)).email == message.to[0]


def test_an_invitation_is_mailed_by_the_worker_once_and_a_refused_one_queues_nothing(
    council, celery_worker, client_for
):
    organisation, admin, manager = council
    partnership, indicator = _partnership(council)
    email = f"clerk-{uuid.uuid4().hex[:6]}@snoring.example"

    # A manager (not an administrator) of the lead is refused, and nothing is queued
    refused = _invite(client_for(organisation, user=manager), partnership, indicator, email)
    assert refused.status_code == 403
    assert not LightPartnerInvitation.objects.filter(partnership=partnership).exists()
    assert outbox_messages(send_light_partner_invitation) == []

    # When the lead's administrator invites a body
    client = client_for(organisation, user=admin)
    response = _invite(client, partnership, indicator, email)
    assert response.status_code == 302, response.content[:500]
    invitation = LightPartnerInvitation.objects.get(partnership=partnership)
    # Then the page says the invitation is on its way (not that it was e-mailed)
    page = client.get(response["Location"]).content.decode()
    assert f"An invitation with a link is on its way to {email}." in page
    # And the worker e-mails it, once, with the link, and the page then says so
    message = _mailed_once(email, "the light partner's invitation")
    _assert_invitation_mail(message, council, partnership, indicator)
    assert outbox_messages(send_light_partner_invitation, invitation.pk) == []
    wait_for(
        lambda: "link e-mailed" in client.get(response["Location"]).content.decode(),
        timeout=30,
        what="the page to show the invitation mailed",
    )
    # A second delivery (the relay re-sends what it could not confirm) sends no second link
    from django.conf import settings

    base_url = f"http://{settings.PLATFORM_DOMAIN}"
    assert _delivered_again(send_light_partner_invitation, invitation.pk, base_url) is False
    assert len(_mail_to(email)) == 1


def test_an_invitation_with_a_failing_mail_server_is_made_as_usual_and_mailed_on_retry(
    council, celery_worker, client_for, failing_mail_server
):
    organisation, admin, _ = council
    partnership, indicator = _partnership(council)
    email = f"clerk-{uuid.uuid4().hex[:6]}@snoring.example"
    response = _invite(client_for(organisation, user=admin), partnership, indicator, email)
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/{partnership.pk}/new-partners/"
    assert LightPartnerInvitation.objects.filter(partnership=partnership, email=email).exists()
    message = _mailed_once(email, "the light partner's invitation after a retry")
    _assert_invitation_mail(message, council, partnership, indicator)
    assert len(failing_mail_server) == 2


def test_an_invitation_while_the_broker_is_down_is_mailed_when_it_returns(
    council, celery_worker, client_for
):
    from django.conf import settings

    organisation, admin, _ = council
    partnership, indicator = _partnership(council)
    email = f"clerk-{uuid.uuid4().hex[:6]}@snoring.example"
    with broker_down():
        response = _invite(client_for(organisation, user=admin), partnership, indicator, email)
        assert response.status_code == 302
        invitation = LightPartnerInvitation.objects.get(partnership=partnership)
        [message] = outbox_messages(send_light_partner_invitation, invitation.pk)
        # In the public schema, where invitations live (not the lead's, it was asked from)
        assert message.schema_name == PUBLIC
        assert message.args == [invitation.pk, f"http://{settings.PLATFORM_DOMAIN}"]
    assert _mail_to(email) == []

    assert relay_now() >= 1
    _assert_invitation_mail(
        _mailed_once(email, "the light partner's invitation"), council, partnership, indicator
    )
    assert outbox_messages(send_light_partner_invitation, invitation.pk) == []
