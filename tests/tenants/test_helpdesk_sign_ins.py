"""Platform staff's sign-in history in the helpdesk console: for the helpdesk lead only
(public-schema staff in the "Helpdesk lead" group, given by `goldenthread staff`)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from goldenthread.platform.accounts.models import Role
from tests.fixtures.mfa import enrol
from tests.platform.accounts.test_sign_in import PASSWORD, sign_in


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def staff(public_org, make_user):
    return make_user(public_org, is_staff=True, email="hal@goldenthread.example").user


@pytest.fixture
def lead(public_org, make_user):
    user = make_user(public_org, is_staff=True, email="lena@goldenthread.example").user
    run("staff", "lead", "--email", user.email)
    return user


def test_the_lead_sees_staff_sign_ins_failures_and_locks_in_words(
    staff, lead, org_a, make_user, client_for
):
    sign_in(client_for(None), staff.email, "not-the-password")
    sign_in(client_for(None), staff.email, PASSWORD)
    alpha = make_user(org_a).user
    sign_in(client_for(org_a), alpha.email, "not-the-password")  # Alpha's, not the platform's

    client = client_for(None)
    sign_in(client, lead.email)
    enrol(client)  # helpdesk staff set up MFA before anything else
    listing = client.get("/helpdesk/").content.decode()
    assert 'href="/helpdesk/staff-sign-ins/"' in listing
    response = client.get("/helpdesk/staff-sign-ins/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "hal@goldenthread.example" in html
    assert "Sign-in refused: wrong e-mail address or password" in html
    assert alpha.email not in html


def test_other_helpdesk_staff_are_refused(staff, lead, client_for):
    client = client_for(None, user=staff)
    assert 'href="/helpdesk/staff-sign-ins/"' not in client.get("/helpdesk/").content.decode()
    response = client.get("/helpdesk/staff-sign-ins/")
    assert response.status_code == 403
    assert lead.email not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(public_org, client_for):
    response = client_for(None).get("/helpdesk/staff-sign-ins/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_an_organisations_administrator_cannot_see_it(org_a, make_user, client_for):
    # Even a user of an organisation with is_staff and every role: not on their host...
    member = make_user(org_a, roles=list(Role.values), is_staff=True).user
    assert client_for(org_a, user=member).get("/helpdesk/staff-sign-ins/").status_code == 404


def test_staff_lead_can_be_given_at_creation_and_taken_away(public_org, client_for):
    output = run("staff", "create", "--email", "lee@goldenthread.example", "--name", "Lee")
    assert "helpdesk lead" not in output
    run("staff", "create", "--email", "lou@goldenthread.example", "--name", "Lou", "--lead")
    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.accounts.permissions import is_helpdesk_lead

    lou = User.objects.get(email="lou@goldenthread.example")
    assert is_helpdesk_lead(lou)
    assert "no longer a helpdesk lead" in run("staff", "lead", "--email", lou.email, "--remove")
    assert not is_helpdesk_lead(User.objects.get(pk=lou.pk))
    with pytest.raises(CommandError, match="No helpdesk user"):
        run("staff", "lead", "--email", "nobody@goldenthread.example")
