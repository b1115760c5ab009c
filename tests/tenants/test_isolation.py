"""Organisation A cannot see organisation B's data, and the reverse: pages, API and schema."""

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services import api_credential_issue


def test_users_live_in_their_own_schema(org_a, org_b, make_user):
    # Given a user in Alpha
    alice = make_user(org_a, email="alice@shared.example", full_name="Alice Alpha")
    # Then Beta's schema does not contain her, and Alpha's does
    with schema_context(org_b.schema_name):
        assert not User.objects.filter(email="alice@shared.example").exists()
    with schema_context(org_a.schema_name):
        assert User.objects.get(email="alice@shared.example").full_name == alice.user.full_name


@pytest.mark.parametrize("direction", ["a_to_b", "b_to_a"])
def test_a_session_from_one_organisation_is_not_valid_on_another(
    direction, org_a, org_b, make_user, client_for
):
    home, away = (org_a, org_b) if direction == "a_to_b" else (org_b, org_a)
    member = make_user(home, roles=["performance_officer"])
    client = client_for(home, user=member.user)
    assert client.get("/").status_code == 200

    # The same browser (cookie jar) visiting the other organisation's host is not signed in.
    client.defaults["HTTP_HOST"] = away.get_primary_domain().domain
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize("direction", ["a_to_b", "b_to_a"])
def test_an_api_key_only_works_on_its_own_organisation(
    direction, org_a, org_b, make_user, client_for
):
    home, away = (org_a, org_b) if direction == "a_to_b" else (org_b, org_a)
    member = make_user(home, roles=["performance_officer"])
    with schema_context(home.schema_name):
        _, key = api_credential_issue(user=member.user, name="integration")

    ok = client_for(home).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200
    assert ok.json()["organisation"] == home.schema_name
    assert ok.json()["email"] == member.email

    refused = client_for(away).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert refused.status_code == 401
    assert refused.json()["message"].startswith("This API key belongs to another organisation")


def test_a_forged_key_naming_another_schema_is_refused(org_a, org_b, make_user, client_for):
    member = make_user(org_a)
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=member.user, name="integration")
    forged = key.replace(org_a.schema_name, org_b.schema_name, 1)
    response = client_for(org_b).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def _current_schema() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_a_rolled_back_savepoint_never_leaves_the_connection_on_another_schema(
    org_a, org_b, settings
):
    """The search path is set once per switch (TENANT_LIMIT_SET_CALLS), and PostgreSQL undoes a
    `SET` made after a savepoint that is rolled back: the connection must then set it again
    rather than trust what it remembers, or the next query would run in Alpha's schema while
    the code is in Beta's."""
    from django.db import transaction

    assert settings.TENANT_LIMIT_SET_CALLS is True
    with schema_context(org_a.schema_name):
        assert _current_schema() == org_a.schema_name
        savepoint = transaction.savepoint()  # taken with Alpha's path set
        with schema_context(org_b.schema_name):
            assert _current_schema() == org_b.schema_name  # Beta's path, set after it
            transaction.savepoint_rollback(savepoint)  # PostgreSQL is back on Alpha's path
            assert _current_schema() == org_b.schema_name
        assert _current_schema() == org_a.schema_name
