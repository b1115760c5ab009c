"""Light partner organisations: a partnership invites a body not on the platform, which
accepts by the e-mailed link and reports to the shared target with no helpdesk step."""

from __future__ import annotations

import re
import smtplib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.partnerships import services
from goldenthread.partnerships.models import LightInvitationStatus, LightPartnerInvitation
from goldenthread.partnerships.services import light_partners as light
from goldenthread.partnerships.tasks import send_light_partner_invitation
from goldenthread.platform.core.errors import Conflict, NotFound, PermissionDenied
from goldenthread.shared_indicators.publication.models import PublishedValue
from goldenthread.shared_indicators.publication.services import publish_existing_for
from goldenthread.tenants.models import Domain, Organisation, PlatformAuditEvent
from tests.fixtures import mail as failing_mail
from tests.support import outbox_messages, run_outbox_messages

from .conftest import unique_code

PASSWORD = "a parish clerk's long passphrase"


@pytest.fixture
def lsp(parties):
    """The county leads a partnership with the police and one shared indicator."""
    county = parties.county
    partnership = services.partnership_create(
        organisation=county.organisation,
        actor=county.admin,
        name=f"Vale LSP {unique_code()}",
        type="lsp",
        starts_on=date(2024, 4, 1),
    )
    services.partnership_member_add(
        partnership=partnership,
        organisation=county.organisation,
        actor=county.admin,
        member=parties.police.organisation,
    )
    indicator = services.partnership_indicator_create(
        partnership=partnership,
        organisation=county.organisation,
        actor=county.admin,
        aggregation="sum",
        code=unique_code("PARISH"),
        title="Volunteer hours",
        polarity="higher",
        frequency="quarterly",
        decimal_places=0,
    )
    return partnership, indicator


def queue_invitation(parties, partnership, *, email="clerk@little-snoring.example", **extra):
    """The county's administrator invites a parish; its e-mail is queued for the worker, not
    sent in the request."""
    mail.outbox.clear()
    fields = {
        "body_name": "Little Snoring Parish Council",
        "body_type": "parish",
        "email": email,
        "contact_name": "Pat Clerk",
    }
    fields.update(extra)
    with capture_on_commit():
        invitation = light.light_partner_invite(
            partnership=partnership,
            organisation=parties.county.organisation,
            actor=parties.county.admin,
            base_url="http://goldenthread.localhost",
            **fields,
        )
    # Nothing is e-mailed in the request: the worker sends it, in the public schema where
    # invitations live.
    assert mail.outbox == []
    [message] = outbox_messages(send_light_partner_invitation, invitation.pk)
    assert message.schema_name == "public"
    assert message.args == [invitation.pk, "http://goldenthread.localhost"]
    return invitation


def invite(parties, partnership, **fields):
    """`queue_invitation`, and the worker's code run here as the worker would: mailed."""
    invitation = queue_invitation(parties, partnership, **fields)
    assert run_outbox_messages(send_light_partner_invitation, invitation.pk) == [True]
    return invitation


def link_in_mail() -> str:
    (message,) = mail.outbox
    return re.search(r"http://\S+/join/(\S+)/", message.body).group(1)


def accept(token, *, slug=None, **extra):
    fields = {
        "slug": slug or f"snoring-{unique_code('x').lower()}",
        "full_name": "Pat Clerk",
        "password": PASSWORD,
        "accept_agreement": True,
    }
    fields.update(extra)
    return light.light_partner_accept(token=token, **fields)


def test_invited_accepts_submits_and_the_lead_sees_it_with_no_helpdesk_step(
    parties, lsp, client_for
):
    partnership, indicator = lsp
    invitation = invite(parties, partnership)
    token = link_in_mail()
    assert mail.outbox[0].to == ["clerk@little-snoring.example"]

    joined = accept(token)
    body = joined.organisation
    assert body.is_light_partner and body.type == "parish"
    assert body.licensed_modules == ["partnerships"]
    assert Domain.objects.filter(tenant=body).exists()
    assert joined.membership.partnership == partnership
    assert joined.version.status == "active"
    assert set(joined.version.parties.all()) == {parties.county.organisation, body}
    invitation.refresh_from_db()
    assert invitation.status == LightInvitationStatus.ACCEPTED
    assert PlatformAuditEvent.objects.filter(
        organisation=body, action="organisation.light_partner_created"
    ).exists()

    # The accepter signs in on the new host with the password they chose.
    client = client_for(body)
    signed_in = client.post(
        "/accounts/sign-in/", {"username": "clerk@little-snoring.example", "password": PASSWORD}
    )
    assert signed_in.status_code == 302

    # They submit a value (entered and approved in one step) on their own host.
    connection.set_tenant(body)
    with capture_on_commit():
        row = light.contribution_submit(
            organisation=body,
            actor=joined.administrator,
            indicator=indicator,
            period_code="2024/25 Q4",
            value=Decimal(37),
        )
    assert row.workflow_status == "approved"
    connection.set_schema_to_public()
    assert publish_existing_for(organisation=body, indicator_codes=[indicator.code]) == 1
    assert PublishedValue.objects.filter(organisation=body, indicator_code=indicator.code).exists()

    page = client_for(parties.county.organisation, user=parties.county.admin).get(
        f"/partnerships/{partnership.pk}/?period=2024/25 Q4"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert body.name in html and "37" in html


def test_a_tampered_link_is_refused(parties, lsp):
    partnership, _ = lsp
    invite(parties, partnership)
    token = link_in_mail()
    with pytest.raises(NotFound):
        accept(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    other = signing.dumps({"i": 10**9, "n": "x"}, salt="something else")
    with pytest.raises(NotFound):
        accept(other)
    assert not Organisation.objects.filter(name="Little Snoring Parish Council").exists()


def test_a_used_link_is_refused(parties, lsp):
    partnership, _ = lsp
    invite(parties, partnership)
    token = link_in_mail()
    accept(token)
    with pytest.raises(Conflict) as refused:
        accept(token)
    assert refused.value.code == "invitation_used"
    assert Organisation.objects.filter(name="Little Snoring Parish Council").count() == 1


def test_an_expired_link_is_refused(parties, lsp):
    partnership, _ = lsp
    invitation = invite(parties, partnership)
    token = link_in_mail()
    LightPartnerInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(Conflict) as refused:
        accept(token)
    assert refused.value.code == "invitation_expired"


def test_a_withdrawn_invitation_is_refused(parties, lsp):
    partnership, _ = lsp
    invitation = invite(parties, partnership)
    token = link_in_mail()
    light.light_invitation_withdraw(
        invitation=invitation, organisation=parties.county.organisation, actor=parties.county.admin
    )
    with pytest.raises(Conflict) as refused:
        accept(token)
    assert refused.value.code == "invitation_withdrawn"


def test_only_the_leads_administrators_may_invite(parties, lsp):
    partnership, _ = lsp
    for organisation, actor, refusal in (
        (parties.police.organisation, parties.police.admin, PermissionDenied),  # a member
        (parties.county.organisation, parties.county.officer, PermissionDenied),  # not admin
        (parties.outsider.organisation, parties.outsider.admin, NotFound),  # not a member
    ):
        with pytest.raises(refusal):
            light.light_partner_invite(
                partnership=partnership,
                organisation=organisation,
                actor=actor,
                body_name="Someone",
                body_type="parish",
                email="x@example.org",
            )
    assert not LightPartnerInvitation.objects.filter(partnership=partnership).exists()
    assert outbox_messages(send_light_partner_invitation) == []  # and no e-mail queued


def test_an_invitation_withdrawn_before_the_worker_sends_it_is_not_mailed(parties, lsp):
    partnership, _ = lsp
    invitation = queue_invitation(
        parties,
        partnership,
        body_name="Great Snoring Parish Council",
        email="clerk@great-snoring.example",
    )
    light.light_invitation_withdraw(
        invitation=invitation, organisation=parties.county.organisation, actor=parties.county.admin
    )
    # When the worker gets to it (a broker that was down, say), the link is dead: not sent
    assert run_outbox_messages(send_light_partner_invitation, invitation.pk) == [False]
    assert mail.outbox == []


def test_the_link_is_mailed_once_however_often_the_task_is_delivered(parties, lsp):
    partnership, _ = lsp
    invitation = invite(parties, partnership)  # the worker's code has run once and mailed it
    invitation.refresh_from_db()
    assert invitation.mailed_at is not None
    first_link = link_in_mail()
    # A second delivery of the same task (the outbox's relay re-sends what it could not
    # confirm) finds the invitation mailed: no second link goes out
    with schema_context("public"):
        assert send_light_partner_invitation.run(invitation.pk, "http://x.localhost") is False
    assert link_in_mail() == first_link


def test_a_failed_send_leaves_the_invitation_unmailed_for_the_retry(parties, lsp, settings):
    partnership, _ = lsp
    invitation = queue_invitation(
        parties,
        partnership,
        body_name="Great Snoring Parish Council",
        email="clerk@great-snoring.example",
    )
    settings.EMAIL_BACKEND = "tests.fixtures.mail.FailsOnceBackend"
    failing_mail.reset()
    try:
        # The mail server is unreachable: the task fails (and is retried by the worker)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            run_outbox_messages(send_light_partner_invitation, invitation.pk)
        invitation.refresh_from_db()
        assert invitation.mailed_at is None
        assert mail.outbox == []
        # The retry sends it, once
        assert run_outbox_messages(send_light_partner_invitation, invitation.pk) == [True]
    finally:
        failing_mail.reset()
    invitation.refresh_from_db()
    assert invitation.mailed_at is not None
    assert [m.to for m in mail.outbox] == [["clerk@great-snoring.example"]]


def test_the_platforms_limits_are_kept(parties, lsp, settings):
    partnership, _ = lsp
    settings.LIGHT_PARTNERS_PER_PARTNERSHIP = 1
    invite(parties, partnership, email="one@example.org")
    with pytest.raises(Conflict) as refused:
        invite(parties, partnership, email="two@example.org")
    assert refused.value.code == "light_partner_limit"

    settings.LIGHT_PARTNERS_PER_PARTNERSHIP = 100
    settings.LIGHT_PARTNER_INVITATIONS_PER_DAY = 2
    invite(parties, partnership, email="three@example.org")
    with pytest.raises(Conflict) as refused:
        invite(parties, partnership, email="four@example.org")
    assert refused.value.code == "light_invitation_rate"


def test_the_platform_wide_daily_limit_refuses_acceptance(parties, lsp, settings):
    partnership, _ = lsp
    invite(parties, partnership)
    token = link_in_mail()
    settings.LIGHT_PARTNERS_PER_DAY = 0
    with pytest.raises(Conflict) as refused:
        accept(token)
    assert refused.value.code == "light_partner_daily_limit"


def test_a_slug_clash_is_refused_and_a_free_one_is_suggested(parties, lsp):
    partnership, _ = lsp
    invite(parties, partnership)
    token = link_in_mail()
    taken = parties.police.organisation.slug
    with pytest.raises(ValidationError) as refused:
        accept(token, slug=taken)
    assert "slug" in refused.value.message_dict
    assert light.suggested_slug(parties.police.organisation.name) != taken
    assert light.suggested_slug("Pt Police") == "pt-police-2"
    # The invitation still works after the refusal.
    assert accept(token).organisation.slug != taken


def test_acceptance_needs_the_agreement_ticked_and_a_good_password(parties, lsp):
    partnership, _ = lsp
    invite(parties, partnership)
    token = link_in_mail()
    with pytest.raises(ValidationError) as refused:
        accept(token, accept_agreement=False, password="password")
    assert {"accept_agreement", "password"} <= set(refused.value.message_dict)
    assert not Organisation.objects.filter(name="Little Snoring Parish Council").exists()


def test_a_full_organisation_still_needs_a_second_person_to_approve(parties, lsp):
    """The one-step submission is for light partners only."""
    partnership, indicator = lsp
    with pytest.raises(PermissionDenied):
        light.contribution_submit(
            organisation=parties.police.organisation,
            actor=parties.police.admin,
            indicator=indicator,
            period_code="2024/25 Q4",
            value=Decimal(1),
        )


class capture_on_commit:
    """Collect the on-commit callbacks a block queues (the test's transaction never commits)."""

    def __enter__(self):
        self.before = len(connection.run_on_commit)
        self.callbacks = []
        return self.callbacks

    def __exit__(self, *exc):
        self.callbacks.extend(c[1] for c in connection.run_on_commit[self.before :])
        del connection.run_on_commit[self.before :]
        return False
