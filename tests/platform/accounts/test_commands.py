"""`goldenthread user create`, `goldenthread apikey issue`, `goldenthread staff create`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import ApiCredential, User
from tests.fixtures.mfa import ENROL, enrol


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def value_after(output: str, label: str) -> str:
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return line.split()[1]


def test_user_create_adds_a_user_to_one_organisation_only(org_a, org_b, client_for):
    output = run(
        "user", "create", "--org", "alpha", "--email", "Olive@Alpha.example",
        "--name", "Olive Officer", "--roles", "performance_officer,verifier", "--port", "8000",
    )  # fmt: skip
    password = value_after(output, "password:")
    assert "http://alpha.localhost:8000/accounts/sign-in/" in output

    with schema_context(org_a.schema_name):
        olive = User.objects.get(email="olive@alpha.example")
        assert olive.roles == ["performance_officer", "verifier"]
    with schema_context(org_b.schema_name):
        assert not User.objects.filter(email="olive@alpha.example").exists()
    signed_in = client_for(org_a).post(
        "/accounts/sign-in/", {"username": "olive@alpha.example", "password": password}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "nowhere"), "No organisation has the slug 'nowhere'"),
        (("--roles", "performance_officer,wizard"), "Unknown role(s): wizard."),
        (("--email", "admin@alpha.example"), "already exists"),
        (("--email", "not-an-address"), "--email: Enter a valid email address."),
    ],
)
def test_user_create_refuses_bad_input(org_a, args, message):
    defaults = {"--org": "alpha", "--email": "new@alpha.example", "--name": "New", "--roles": ""}
    defaults.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [item for pair in defaults.items() for item in pair]
    with schema_context(org_a.schema_name):
        before = User.objects.count()
    with pytest.raises(CommandError) as refused:
        run("user", "create", *flat)
    assert message in str(refused.value)
    with schema_context(org_a.schema_name):
        assert User.objects.count() == before


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


def test_staff_create_makes_a_helpdesk_user_in_the_public_schema(org_a, client_for):
    output = run("staff", "create", "--email", "hal@goldenthread.example", "--name", "Hal")
    password = value_after(output, "password:")
    assert "http://localhost/accounts/sign-in/" in output

    hal = User.objects.get(email="hal@goldenthread.example")  # public schema
    assert hal.is_staff
    with schema_context(org_a.schema_name):
        assert not User.objects.filter(email="hal@goldenthread.example").exists()
    client = client_for(None)
    signed_in = client.post("/accounts/sign-in/", {"username": hal.email, "password": password})
    assert signed_in["Location"] == ENROL  # helpdesk staff must set up MFA first
    enrol(client)
    assert client.get("/helpdesk/").status_code == 200


def test_staff_create_refuses_a_duplicate(db):
    run("staff", "create", "--email", "hal@goldenthread.example", "--name", "Hal")
    with pytest.raises(CommandError, match="already exists"):
        run("staff", "create", "--email", "hal@goldenthread.example", "--name", "Hal again")
    assert User.objects.filter(email="hal@goldenthread.example").count() == 1
