"""Provisioning as a service: schema cloned from the template, host, administrator, audit,
and all-or-nothing when anything fails."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.accounts.models import Role, User
from goldenthread.tenants import services
from goldenthread.tenants.models import (
    Domain,
    Organisation,
    PlatformAuditAction,
    PlatformAuditEvent,
)
from goldenthread.tenants.services import organisation_create
from tests.fixtures.mfa import ENROL, enrol
from tests.support import choose_password_through_link, mailed_invitation_link

PASSWORD = "correct-horse-battery-staple"


def provision(**overrides):
    arguments = {
        "name": "Gamma Borough Council",
        "slug": "gamma",
        "type": "unitary",
        "admin_email": "admin@gamma.example",
        "admin_name": "Gina Admin",
    }
    arguments.update(overrides)
    return organisation_create(**arguments)


def tables_of(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def migration_rows(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return set(cursor.fetchall())


def test_provisioning_clones_the_template_and_creates_host_and_administrator(
    db, client_for, mailoutbox
):
    # When an organisation is provisioned
    result = provision(actor="helpdesk@goldenthread.example", port=8000)
    organisation = result.organisation

    # Then its schema exists, with the template's tables and migration history
    assert organisation.schema_name == "org_gamma"
    assert schema_exists("org_gamma")
    assert {"accounts_user", "accounts_apicredential", "django_session"} <= tables_of("org_gamma")
    assert tables_of("org_gamma") == tables_of("org_template")
    assert migration_rows("org_gamma") == migration_rows("org_template")
    # and its host selects it
    domain = Domain.objects.get(tenant=organisation)
    assert (domain.domain, domain.is_primary) == ("gamma.localhost", True)
    assert result.sign_in_url == "http://gamma.localhost:8000/accounts/sign-in/"
    # and the administrator lives in its schema only, with the administrator roles
    with schema_context("org_gamma"):
        admin = User.objects.get(email="admin@gamma.example")
        assert set(admin.roles) == {Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER}
    assert not User.objects.filter(email="admin@gamma.example").exists()  # public schema
    # and the provisioning is in the platform audit log
    event = PlatformAuditEvent.objects.get(organisation=organisation)
    assert event.action == PlatformAuditAction.ORGANISATION_PROVISIONED
    assert event.actor == "helpdesk@goldenthread.example"
    assert event.detail["schema"] == "org_gamma"
    assert event.detail["invitation_sent_to"] == "admin@gamma.example"

    # And the administrator, having chosen a password through the mailed link, can sign in
    client = client_for(organisation)
    link = mailed_invitation_link(
        mailoutbox,
        organisation=organisation,
        email="admin@gamma.example",
        base_url="http://gamma.localhost:8000",
    )
    choose_password_through_link(client, link, PASSWORD)
    response = client.post(
        "/accounts/sign-in/", {"username": "admin@gamma.example", "password": PASSWORD}
    )
    assert response["Location"] == ENROL  # an administrator must set up MFA first
    enrol(client)
    assert client.get("/").status_code == 200


def test_the_administrator_is_invited_and_only_their_mailbox_gets_the_link(
    db, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    # Given provisioning (which takes no password: nobody may choose one for them)
    with pytest.raises(TypeError):
        provision(admin_password=PASSWORD)
    with django_capture_on_commit_callbacks() as callbacks:
        result = provision()
    # Then the account has no usable password yet: nobody can sign in with a guess
    with schema_context(result.organisation.schema_name):
        assert not User.objects.get(email="admin@gamma.example").has_usable_password()
    # and an invitation is queued for after commit (sent by a worker in gamma's schema)
    assert len(callbacks) == 1
    # and the result, which the helpdesk sees, holds no link and no password
    assert not hasattr(result, "set_password_url")
    assert "password-reset" not in repr(result.__dict__)
    event = PlatformAuditEvent.objects.get(organisation=result.organisation)
    assert "password-reset" not in str(event.detail)
    # When the administrator follows the mailed one-time link and chooses a password
    link = mailed_invitation_link(
        mailoutbox,
        organisation=result.organisation,
        email="admin@gamma.example",
        base_url="http://gamma.localhost",
    )
    assert [m.to for m in mailoutbox] == [["admin@gamma.example"]]
    client = client_for(result.organisation)
    choose_password_through_link(client, link, "chosen-by-the-admin-1")
    # Then they can sign in with it, and the link does not work a second time
    response = client.post(
        "/accounts/sign-in/",
        {"username": "admin@gamma.example", "password": "chosen-by-the-admin-1"},
    )
    assert response["Location"] == ENROL
    enrol(client)
    assert client.get("/").status_code == 200
    again = client_for(result.organisation).get(urlsplit(link).path, follow=True)
    assert "This link no longer works" in again.content.decode()
    # and the platform audit log records that the administrator set it, themselves
    chosen = PlatformAuditEvent.objects.get(action=PlatformAuditAction.ACCOUNT_PASSWORD_SET)
    assert (chosen.actor, chosen.organisation) == ("admin@gamma.example", result.organisation)


def test_a_district_can_name_its_county(db):
    county = provision(slug="shire", name="Shire County", type="county", ons_code="E10000099")
    district = provision(
        slug="shire-vale",
        name="Vale District",
        type="district",
        ons_code="e07000999",
        parent_county=county.organisation,
        admin_email="admin@vale.example",
        licensed_modules=["performance", "planning"],
        region="south_west",
    )
    organisation = district.organisation
    assert organisation.schema_name == "org_shire_vale"
    assert organisation.parent_county == county.organisation
    assert organisation.ons_code == "E07000999"
    assert organisation.licensed_modules == ["performance", "planning"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "alpha"}, "slug", "already exists"),
        ({"slug": "Not a slug!"}, "slug", "lower-case letters"),
        ({"slug": "helpdesk"}, "slug", "reserved"),
        ({"type": "hamlet"}, "type", "not a valid choice"),
        ({"type": "district", "ons_code": "E10000123"}, "ons_code", "starting E07"),
        ({"ons_code": "12345"}, "ons_code", "looks like E07000123"),
        ({"licensed_modules": ["performance", "astrology"]}, "licensed_modules", "astrology"),
        ({"admin_email": "not-an-address"}, "admin_email", "e-mail address"),
        ({"admin_name": " "}, "admin_name", "administrator's name"),
        ({"name": ""}, "name", "cannot be blank"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_created(
    org_a, overrides, field, message, assert_nothing_provisioned
):
    with pytest.raises(ValidationError) as refused:
        provision(**overrides)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    slug = overrides.get("slug", "gamma")
    if slug != "alpha":
        assert_nothing_provisioned("gamma")
    assert Organisation.objects.filter(slug="alpha").count() == 1


def test_a_duplicate_ons_code_is_refused(db, assert_nothing_provisioned):
    provision(slug="first", ons_code="E06000777")
    with pytest.raises(ValidationError) as refused:
        provision(slug="second", ons_code="E06000777", admin_email="admin@second.example")
    assert "already has the ONS code E06000777" in refused.value.message_dict["ons_code"][0]
    assert_nothing_provisioned("second")


def test_a_district_whose_parent_is_not_a_county_is_refused(org_a, assert_nothing_provisioned):
    with pytest.raises(ValidationError) as refused:
        provision(type="district", parent_county=org_a)
    assert refused.value.message_dict["parent_county"] == [
        "The parent of a district must be a county council."
    ]
    assert_nothing_provisioned("gamma")


def test_only_a_district_has_a_parent_county(db, assert_nothing_provisioned):
    county = provision(slug="shire", type="county").organisation
    with pytest.raises(ValidationError) as refused:
        provision(slug="police", type="police", parent_county=county, admin_email="a@p.example")
    assert "Only a district council" in refused.value.message_dict["parent_county"][0]
    assert_nothing_provisioned("police")


def test_a_stray_schema_with_the_same_name_is_refused_before_anything_is_written(
    db, assert_nothing_provisioned
):
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA org_gamma")
    with pytest.raises(ValidationError) as refused:
        provision()
    assert "schema org_gamma already exists" in refused.value.message_dict["slug"][0]
    assert not Organisation.objects.filter(slug="gamma").exists()
    assert tables_of("org_gamma") == set()  # the stray schema is left as it was


def test_a_host_already_taken_fails_after_the_clone_and_leaves_nothing(org_b):
    # Given the host gamma.localhost already routes to Beta (an alias added by hand)
    Domain.objects.create(domain="gamma.localhost", tenant=org_b, is_primary=False)

    # When Gamma is provisioned, the row is saved and the schema cloned before the clash
    with pytest.raises(ValidationError) as refused:
        provision()

    # Then the failure names the host, and the row, the schema and its users are all gone
    assert "gamma.localhost is already in use" in refused.value.message_dict["slug"][0]
    assert not Organisation.objects.filter(slug="gamma").exists()
    assert not schema_exists("org_gamma")
    assert Domain.objects.get(domain="gamma.localhost").tenant_id == org_b.pk
    assert not PlatformAuditEvent.objects.filter(detail__slug="gamma").exists()
    assert connection.schema_name == "public"


def test_a_crash_while_creating_the_administrator_leaves_nothing(
    db, monkeypatch, assert_nothing_provisioned
):
    # Given creating the first administrator fails (after row, schema and domain exist)
    def crash(**_kwargs):
        assert schema_exists("org_gamma") and connection.schema_name == "org_gamma"
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "user_create", crash)

    with pytest.raises(RuntimeError, match="the disk is full"):
        provision()

    assert_nothing_provisioned("gamma")
    assert not PlatformAuditEvent.objects.filter(detail__slug="gamma").exists()


def test_suspend_and_resume_record_who_and_why(org_a, fresh):
    organisation = fresh(org_a)
    services.organisation_suspend(
        organisation=organisation, reason="  Contract ended  ", actor="cli:ops"
    )
    organisation = fresh(org_a)
    assert organisation.is_suspended
    assert organisation.status_reason == "Contract ended"

    services.organisation_resume(organisation=organisation, actor="cli:ops")
    organisation = fresh(org_a)
    assert not organisation.is_suspended and organisation.status_reason == ""

    actions = list(
        PlatformAuditEvent.objects.filter(organisation=org_a, actor="cli:ops")
        .order_by("id")
        .values_list("action", "detail")
    )
    assert actions == [
        (PlatformAuditAction.ORGANISATION_SUSPENDED, {"reason": "Contract ended"}),
        (PlatformAuditAction.ORGANISATION_RESUMED, {"previous_reason": "Contract ended"}),
    ]


def test_suspend_needs_a_reason_and_cannot_repeat(org_a, fresh):
    from goldenthread.platform.core.errors import Conflict

    with pytest.raises(ValidationError, match="Give a reason"):
        services.organisation_suspend(organisation=fresh(org_a), reason="  ")
    assert not fresh(org_a).is_suspended

    services.organisation_suspend(organisation=fresh(org_a), reason="Unpaid")
    with pytest.raises(Conflict, match="already suspended"):
        services.organisation_suspend(organisation=fresh(org_a), reason="Again")
    assert fresh(org_a).status_reason == "Unpaid"


def test_resuming_an_active_organisation_is_refused(org_a, fresh):
    from goldenthread.platform.core.errors import Conflict

    with pytest.raises(Conflict, match="is not suspended"):
        services.organisation_resume(organisation=fresh(org_a))
    assert not PlatformAuditEvent.objects.filter(
        organisation=org_a, action=PlatformAuditAction.ORGANISATION_RESUMED
    ).exists()


def test_the_platform_itself_cannot_be_suspended(db):
    from goldenthread.platform.core.errors import DomainError

    public = services.ensure_public_organisation()
    with pytest.raises(DomainError, match="platform itself"):
        services.organisation_suspend(organisation=public, reason="Testing")
    assert not Organisation.objects.get(pk=public.pk).is_suspended
