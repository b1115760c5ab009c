"""Passwords follow NCSC guidance (`accounts.services.passwords`, `accounts.domain.passwords`):
at least 12 characters, no composition rules, not common or breached, nothing to do with the
person or their organisation — wherever a password is set."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.domain.passwords import is_common, made_of, tokens_of
from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services.passwords import common_passwords
from goldenthread.platform.accounts.tasks import send_password_reset_email

GOOD = "lantern-otter-mosaic-drizzle"


@pytest.mark.parametrize(
    "password",
    ["Password2024!", "p@ssw0rdp@ssw0rd", "iloveyou-iloveyou", "qwertyuiop123", "aaaaaaaaaaaaaa",
     "123456789012", "Summer Summer Summer"],
)  # fmt: skip
def test_common_passwords_and_their_decorations_are_refused(password):
    assert is_common(password, common=common_passwords() | {"summer"})


@pytest.mark.parametrize("password", [GOOD, "my cat eats toast at noon", "Tr0mbone-Glacier"])
def test_uncommon_passwords_pass_without_composition_rules(db, password):
    assert not is_common(password, common=common_passwords())
    password_validation.validate_password(password)  # all lower case, no digits: fine


def test_a_password_of_the_organisations_name_is_refused_but_a_word_of_it_is_not():
    tokens = tokens_of("Alpha District Council", "alpha")
    common = common_passwords()
    for weak in ["AlphaDistrictCouncil", "Alpha District Council 2024!", "@lph@council1234",
                 "alpha-password1"]:  # fmt: skip
        assert made_of(weak, tokens=tokens, common=common, least=8), weak
    assert not made_of("council-budget-sunflower-rain", tokens=tokens, common=common, least=8)


def validate_in(organisation, password: str, *, email="olive@alpha.example", name="Olive Oyl"):
    with schema_context(organisation.schema_name):
        password_validation.validate_password(password, User(email=email, full_name=name))


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short-pass", "at least 12 characters"),
        ("Password2024!", "lists of common or breached passwords"),
        ("olive.oyl.1984", "your name or e-mail address"),
        ("olive@alpha.example", "your name or e-mail address"),
        ("AlphaDistrictCouncil1!", "the name of Alpha District Council"),
        ("alpha alpha alpha 1", "the name of Alpha District Council"),
    ],
)
def test_weak_passwords_are_refused_with_a_clear_reason(org_a, password, says):
    with pytest.raises(ValidationError) as refused:
        validate_in(org_a, password)
    assert any(says in message for message in refused.value.messages), refused.value.messages


def test_the_organisation_rule_is_about_the_organisation_whose_schema_it_is(org_a, org_b):
    validate_in(org_b, "AlphaDistrictCouncil-river-stone")  # Beta's user may mention Alpha
    with pytest.raises(ValidationError):
        validate_in(org_b, "BetaDistrictCouncil!!")


def reset_link(organisation, member) -> str:
    with schema_context(organisation.schema_name):
        assert send_password_reset_email(member.user.pk, "http://x.localhost/")
    return re.search(r"http://x\.localhost(/accounts/password-reset/\S+/)", mail.outbox[-1].body)[1]


def test_the_reset_link_refuses_the_organisations_own_name_and_changes_nothing(
    org_a, make_user, client_for
):
    member = make_user(org_a, full_name="Olive Oyl")
    client = client_for(org_a)
    form_url = client.get(reset_link(org_a, member), follow=True).redirect_chain[-1][0]

    page = client.get(form_url).content.decode()
    assert "At least 12 characters" in page and "organisation&#x27;s name" in page
    refused = client.post(
        form_url,
        {"new_password1": "Alpha District Council", "new_password2": "Alpha District Council"},
    )
    assert refused.status_code == 200
    assert "too close to the name of Alpha District Council" in refused.content.decode()
    with schema_context(org_a.schema_name):
        assert User.objects.get(pk=member.user.pk).check_password(member.password)

    done = client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302
    with schema_context(org_a.schema_name):
        assert User.objects.get(pk=member.user.pk).check_password(GOOD)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("alpha-2024", "--password: Choose a password of at least 12 characters"),
        ("Hal Helpdesk-Smith", "--password: This password is too close to"),
        ("Qwertyuiop123!", "--password: This password is on lists of common"),
    ],
)
def test_the_staff_command_refuses_a_weak_chosen_password_and_creates_nobody(db, password, says):
    with pytest.raises(CommandError, match=re.escape(says)):
        run("staff", "create", "--email", "weak@goldenthread.example",
            "--name", "Hal Helpdesk-Smith", "--password", password)  # fmt: skip
    assert not User.objects.filter(email="weak@goldenthread.example").exists()


def test_the_staff_command_takes_a_good_password(db):
    run("staff", "create", "--email", "good@goldenthread.example",
        "--name", "Gary Good", "--password", GOOD)  # fmt: skip
    assert User.objects.get(email="good@goldenthread.example").check_password(GOOD)


def test_the_staff_command_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="at least 12 characters"):
        run("staff", "create", "--email", "help@gt.example", "--name", "Hal", "--password", "short")
    assert not User.objects.filter(email="help@gt.example").exists()
