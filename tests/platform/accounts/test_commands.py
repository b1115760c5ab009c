"""`goldenthread user create`, `goldenthread apikey issue`, `goldenthread staff create`: people
are invited (a one-time link mailed to them alone), and no command prints a password or a
set-password link; an API key is shown once, at issue."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import ApiCredential, User, UserAuditEntry
from tests.fixtures.mfa import ENROL, enrol
from tests.support import choose_password_through_link, mailed_invitation_link


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_user_create_invites_without_a_password_or_a_link_in_the_output(
    org_a, org_b, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        output = run(
            "user", "create", "--org", "alpha", "--email", "Olive@Alpha.example",
            "--name", "Olive Officer", "--roles", "performance_officer,verifier", "--port", "8000",
        )  # fmt: skip
    assert "http://alpha.localhost:8000/accounts/sign-in/" in output
    assert "invitation:  on its way to olive@alpha.example" in output
    # Nobody at the vendor holds the person's login: no password exists, the link is mailed.
    assert "password-reset" not in output and "password:" not in output
    assert len(callbacks) == 1 and mailoutbox == []  # the worker mails it, after commit

    with schema_context(org_a.schema_name):
        olive = User.objects.get(email="olive@alpha.example")
        assert olive.roles == ["performance_officer", "verifier"]
        assert not olive.has_usable_password()
        entry = UserAuditEntry.objects.get(user=olive)
    assert entry.action == "invited" and entry.actor_email.startswith("cli")
    with schema_context(org_b.schema_name):
        assert not User.objects.filter(email="olive@alpha.example").exists()
    link = mailed_invitation_link(
        mailoutbox, organisation=org_a, email=olive.email, base_url="http://alpha.localhost:8000"
    )
    client = client_for(org_a)
    choose_password_through_link(client, link, "olive-chose-this-herself")
    signed_in = client_for(org_a).post(
        "/accounts/sign-in/",
        {"username": "olive@alpha.example", "password": "olive-chose-this-herself"},
    )
    assert signed_in.status_code == 302


def test_user_create_gives_an_auditor_an_access_end(org_a, client_for):
    output = run(
        "user", "create", "--org", "alpha", "--email", "audrey@alpha.example",
        "--name", "Audrey Auditor", "--roles", "auditor", "--access-ends", "2099-03-31",
    )  # fmt: skip
    assert "access ends: 2099-03-31" in output
    with schema_context(org_a.schema_name):
        audrey = User.objects.get(email="audrey@alpha.example")
    end = timezone.localtime(audrey.access_expires_at)
    assert (end.date().isoformat(), end.hour, end.minute) == ("2099-03-31", 23, 59)


def test_user_create_takes_no_password(org_a):
    with pytest.raises(CommandError, match="unrecognized arguments: --password"):
        run("user", "create", "--org", "alpha", "--email", "p@alpha.example", "--name", "P",
            "--password", "chosen-by-the-vendor-1")  # fmt: skip
    with schema_context(org_a.schema_name):
        assert not User.objects.filter(email="p@alpha.example").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "nowhere"), "No organisation has the slug 'nowhere'"),
        (("--roles", "performance_officer,wizard"), "--roles: Unknown role(s): wizard."),
        (("--email", "admin@alpha.example"), "--email: admin@alpha.example already has an account"),
        (("--email", "not-an-address"), "--email: 'not-an-address' is not an e-mail address."),
        (("--roles", "auditor"), "--access-ends: An auditor's account needs an end date."),
        (("--roles", "auditor", "--access-ends", "2020-01-01"), "--access-ends: The end date must"),
        (("--access-ends", "31/03/2027"), "--access-ends: '31/03/2027' is not a date"),
    ],
)
def test_user_create_refuses_bad_input(org_a, args, message):
    defaults = {"--org": "alpha", "--email": "new@alpha.example", "--name": "New", "--roles": ""}
    defaults.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [item for pair in defaults.items() for item in pair]
    with schema_context(org_a.schema_name):
        before = (User.objects.count(), UserAuditEntry.objects.count())
    with pytest.raises(CommandError) as refused:
        run("user", "create", *flat)
    assert message in str(refused.value)
    with schema_context(org_a.schema_name):
        assert (User.objects.count(), UserAuditEntry.objects.count()) == before


def test_apikey_issue_prints_a_working_key_once(org_a, make_user, client_for):
    member = make_user(org_a, email="robot@alpha.example")
    output = run("apikey", "issue", "--org", "alpha", "--email", member.email, "--name", "ETL")
    key = output.strip().splitlines()[-1]
    assert key.startswith("gt_org_alpha_")
    assert output.count(key) == 1
    response = client_for(org_a).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["email"] == "robot@alpha.example"


def test_apikey_issue_refuses_a_user_of_another_organisation(org_a, org_b, make_user):
    member = make_user(org_b, email="robot@beta.example")
    with pytest.raises(CommandError, match="No user has the e-mail address robot@beta.example"):
        run("apikey", "issue", "--org", "alpha", "--email", member.email, "--name", "ETL")
    with schema_context(org_a.schema_name):
        assert not ApiCredential.objects.exists()


def test_staff_create_invites_a_helpdesk_user_in_the_public_schema(
    org_a, public_org, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        output = run("staff", "create", "--email", "hal@goldenthread.example", "--name", "Hal")
    assert "http://localhost/accounts/sign-in/" in output
    assert "invitation:  on its way to hal@goldenthread.example" in output
    assert "password-reset" not in output and "password:" not in output
    assert len(callbacks) == 1

    hal = User.objects.get(email="hal@goldenthread.example")  # public schema
    assert hal.is_staff and not hal.has_usable_password()
    with schema_context(org_a.schema_name):
        assert not User.objects.filter(email="hal@goldenthread.example").exists()
    link = mailed_invitation_link(
        mailoutbox, organisation=public_org, email=hal.email, base_url="http://localhost"
    )
    client = client_for(None)
    choose_password_through_link(client, link, "hal-chose-this-himself")
    signed_in = client.post(
        "/accounts/sign-in/", {"username": hal.email, "password": "hal-chose-this-himself"}
    )
    assert signed_in["Location"] == ENROL  # helpdesk staff must set up MFA first
    enrol(client)
    assert client.get("/helpdesk/").status_code == 200


def test_staff_create_with_a_chosen_password_prints_nothing_of_it(
    db, client_for, django_capture_on_commit_callbacks
):
    chosen = "a-long-staff-passphrase-42"
    with django_capture_on_commit_callbacks() as callbacks:
        output = run(
            "staff", "create", "--email", "sam@goldenthread.example", "--name", "Sam",
            "--password", chosen,
        )  # fmt: skip
    assert chosen not in output and "invitation" not in output
    assert callbacks == []  # no invitation: there is a password already
    assert User.objects.get(email="sam@goldenthread.example").check_password(chosen)


def test_staff_create_refuses_a_duplicate(db):
    run("staff", "create", "--email", "hal@goldenthread.example", "--name", "Hal")
    with pytest.raises(CommandError, match="already exists"):
        run("staff", "create", "--email", "hal@goldenthread.example", "--name", "Hal again")
    assert User.objects.filter(email="hal@goldenthread.example").count() == 1
