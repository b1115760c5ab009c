"""Password reset by e-mail, on organisation hosts and the platform host."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.tasks import send_password_reset_email


@pytest.mark.parametrize("host", ["organisation", "platform"])
def test_the_reset_pages_are_served_on_every_host(org_a, client_for, host):
    client = client_for(org_a if host == "organisation" else None)
    response = client.get("/accounts/password-reset/")
    assert response.status_code == 200
    assert "Reset your password" in response.content.decode()
    bad_link = client.get("/accounts/password-reset/MQ/not-a-token/")
    assert bad_link.status_code == 200
    assert "This link no longer works" in bad_link.content.decode()


def test_known_and_unknown_addresses_get_the_same_answer(
    org_a, make_user, client_for, django_capture_on_commit_callbacks
):
    member = make_user(org_a)
    client = client_for(org_a)

    with django_capture_on_commit_callbacks() as known_callbacks:
        known = client.post("/accounts/password-reset/", {"email": member.email})
    with django_capture_on_commit_callbacks() as unknown_callbacks:
        unknown = client.post("/accounts/password-reset/", {"email": "nobody@alpha.example"})

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    # Only the known address queues an e-mail (after commit, to the worker).
    assert (len(known_callbacks), len(unknown_callbacks)) == (1, 0)


def test_an_address_from_another_organisation_queues_nothing(
    org_a, org_b, make_user, client_for, django_capture_on_commit_callbacks
):
    member = make_user(org_b)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(org_a).post("/accounts/password-reset/", {"email": member.email})
    assert response.status_code == 200
    assert callbacks == []


def test_the_emailed_link_sets_a_new_password(org_a, make_user, client_for):
    member = make_user(org_a)
    # The worker's part, run here in the organisation's schema.
    with schema_context(org_a.schema_name):
        assert send_password_reset_email(member.user.pk, "http://alpha.localhost/") is True
    (message,) = mail.outbox
    assert message.to == [member.email]
    link = re.search(r"http://alpha\.localhost(/accounts/password-reset/\S+/)", message.body)
    assert link

    client = client_for(org_a)
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done.status_code == 302
    signed_in = client_for(org_a).post(
        "/accounts/sign-in/", {"username": member.email, "password": "a-brand-new-passphrase"}
    )
    assert signed_in.status_code == 302
