"""`goldenthread org create|list|suspend|resume|delete|cancel-deletion`."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.accounts.models import User
from goldenthread.tenants.models import Organisation, PlatformAuditEvent
from tests.support import (
    choose_password_through_link,
    mailed_invitation_link,
    subprocess_environment,
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("org", *args, stdout=out)
    return out.getvalue()


CREATE_GAMMA = (
    "create",
    "--name", "Gamma County Council",
    "--slug", "gamma",
    "--type", "county",
    "--admin-email", "admin@gamma.example",
    "--admin-name", "Gina Admin",
)  # fmt: skip


def test_create_prints_schema_host_and_sign_in_url_but_never_the_link(db, client_for, mailoutbox):
    output = run(*CREATE_GAMMA, "--ons-code", "E10000042", "--region", "east", "--port", "8000")

    assert "schema:      org_gamma" in output
    assert "host:        gamma.localhost" in output
    assert "sign-in URL: http://gamma.localhost:8000/accounts/sign-in/" in output
    assert "invitation:  on its way to admin@gamma.example" in output
    # The link goes to the administrator's mailbox only; no password exists until they choose.
    assert "password-reset" not in output and "password:" not in output

    organisation = Organisation.objects.get(slug="gamma")
    assert (organisation.ons_code, organisation.region) == ("E10000042", "east")
    assert schema_exists("org_gamma")
    assert PlatformAuditEvent.objects.get(organisation=organisation).actor.startswith("cli")
    link = mailed_invitation_link(
        mailoutbox,
        organisation=organisation,
        email="admin@gamma.example",
        base_url="http://gamma.localhost:8000",
    )
    administrator = client_for(organisation)
    choose_password_through_link(administrator, link, "a-new-administrator-password")
    response = administrator.post(
        "/accounts/sign-in/",
        {"username": "admin@gamma.example", "password": "a-new-administrator-password"},
    )
    assert response.status_code == 302


def test_create_a_district_under_its_county_with_modules(db):
    run(*CREATE_GAMMA)
    output = run(
        "create",
        "--name", "Delta District Council",
        "--slug", "delta",
        "--type", "district",
        "--admin-email", "admin@delta.example",
        "--admin-name", "Dee Admin",
        "--parent-county", "gamma",
        "--modules", "performance,planning",
    )  # fmt: skip
    delta = Organisation.objects.get(slug="delta")
    assert delta.parent_county.slug == "gamma"
    assert delta.licensed_modules == ["performance", "planning"]
    assert "password" not in output.replace("choose their password", "")
    with schema_context("org_delta"):
        assert User.objects.filter(email="admin@delta.example").exists()


def test_the_operator_cannot_choose_the_administrators_password(db):
    with pytest.raises(CommandError, match="unrecognized arguments: --password"):
        run(*CREATE_GAMMA, "--password", "chosen-by-the-vendor")
    assert not Organisation.objects.filter(slug="gamma").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--slug", "alpha"), "--slug: An organisation with the slug 'alpha' already exists."),
        (("--type", "hamlet"), "argument --type: invalid choice: 'hamlet'"),
        (("--type", "district", "--ons-code", "E10000001"), "--ons-code: A district council"),
        (("--parent-county", "nowhere"), "--parent-county: No organisation has the slug"),
        (("--type", "district", "--parent-county", "alpha"), "must be a county council"),
        (("--modules", "performance,astrology"), "--modules: Unknown modules: astrology."),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(org_a, extra, message):
    # argparse takes the last of a repeated option, so `extra` overrides CREATE_GAMMA
    before = Organisation.objects.count()
    with pytest.raises(CommandError) as refused:
        run(*CREATE_GAMMA, *extra)
    assert message in str(refused.value)
    assert Organisation.objects.count() == before
    assert not schema_exists("org_gamma")


def test_list_shows_type_status_and_modules_in_words(org_a, org_b, fresh):
    from goldenthread.tenants.modules import organisation_modules_set
    from goldenthread.tenants.services import organisation_suspend

    organisation_suspend(organisation=fresh(org_b), reason="Testing")
    organisation_modules_set(organisation=fresh(org_a), modules=["performance"], actor="test")
    lines = run("list").splitlines()

    def cells(line):
        return [cell.strip() for cell in line.split("  ") if cell.strip()]

    assert cells(lines[0]) == ["SLUG", "NAME", "TYPE", "STATUS", "MODULES", "HOST"]
    alpha = next(line for line in lines if line.startswith("alpha "))
    beta = next(line for line in lines if line.startswith("beta "))
    assert cells(alpha) == [
        "alpha", "Alpha District Council", "District council", "Active",
        "Performance indicators", "alpha.localhost",
    ]  # fmt: skip
    assert cells(beta)[3] == "Suspended"
    assert "district" not in cells(alpha) and "performance" not in cells(alpha)  # no codes
    assert not any(line.startswith("platform ") for line in lines)  # the public row is hidden


def test_delete_suspends_records_the_cli_actor_and_cancel_puts_it_back(org_a, fresh):
    output = run("delete", "alpha", "--reason", "The council's written request of 1 December")
    assert "Alpha District Council is suspended and will be deleted after" in output
    assert fresh(org_a).is_suspended
    requested = PlatformAuditEvent.objects.get(
        organisation=org_a, action="organisation.deletion_requested"
    )
    assert requested.actor.startswith("cli:")
    alpha = next(line for line in run("list").splitlines() if line.startswith("alpha "))
    assert "Suspended, to be deleted after" in alpha

    assert "Deletion of Alpha District Council cancelled; it is active again." in run(
        "cancel-deletion", "alpha"
    )
    assert not fresh(org_a).is_suspended
    cancelled = PlatformAuditEvent.objects.get(
        organisation=org_a, action="organisation.deletion_cancelled"
    )
    assert cancelled.actor.startswith("cli:")


def test_delete_and_cancel_refuse_what_they_cannot_do(org_a, fresh):
    from goldenthread.tenants.deletion.models import OrganisationDeletion

    with pytest.raises(CommandError, match="reason"):
        run("delete", "alpha", "--reason", "   ")
    with pytest.raises(CommandError, match="No organisation has the slug 'nowhere'"):
        run("delete", "nowhere", "--reason", "Asked in writing")
    with pytest.raises(CommandError, match="No deletion of Alpha District Council is pending"):
        run("cancel-deletion", "alpha")
    assert not OrganisationDeletion.objects.exists()
    assert not fresh(org_a).is_suspended

    run("delete", "alpha", "--reason", "Asked in writing")
    with pytest.raises(CommandError, match="already been requested"):
        run("delete", "alpha", "--reason", "Asked again")
    assert OrganisationDeletion.objects.count() == 1


def test_suspend_and_resume_by_slug(org_a, fresh):
    assert "Suspended Alpha District Council: Late payment" in run(
        "suspend", "alpha", "--reason", "Late payment"
    )
    assert fresh(org_a).is_suspended
    assert "Resumed Alpha District Council." in run("resume", "alpha")
    assert not fresh(org_a).is_suspended


def test_suspend_and_resume_refuse_unknown_slugs_and_wrong_states(org_a, fresh):
    with pytest.raises(CommandError, match="No organisation has the slug 'nowhere'"):
        run("suspend", "nowhere", "--reason", "x")
    with pytest.raises(CommandError, match="is not suspended"):
        run("resume", "alpha")
    with pytest.raises(CommandError, match="reason"):
        run("suspend", "alpha")
    assert not fresh(org_a).is_suspended


def goldenthread(*args: str) -> subprocess.CompletedProcess:
    """The real console entry point, against this run's test database (read-only uses)."""
    env = subprocess_environment()
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "goldenthread.platform.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_command_line_exits_non_zero_with_a_clear_message(session_organisations):
    bad_type = goldenthread("org", *CREATE_GAMMA[:5], "--type", "hamlet", *CREATE_GAMMA[7:])
    assert bad_type.returncode != 0
    assert "invalid choice: 'hamlet'" in bad_type.stderr

    unknown = goldenthread("org", "resume", "no-such-org")
    assert unknown.returncode == 1
    assert "No organisation has the slug 'no-such-org'" in unknown.stderr
    assert "Traceback" not in unknown.stderr

    listed = goldenthread("org", "list")
    assert listed.returncode == 0
    assert any(line.startswith("alpha ") for line in listed.stdout.splitlines())
