"""The backend does not repeat a `SET search_path` the session already holds, and never
trusts a path that a rollback or the end of a transaction may have undone (issue #16, P6).

Each test runs on a connection of its own in autocommit, as a web server thread's: the
test's own connection sits in a transaction, where the remembered path is never used.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services import api_credential_issue, user_create
from tests.fixtures.threads import run_in_own_connection


class SetsIssued:
    """The `SET search_path` statements run on this thread's connection inside the block.
    Counted by an execute wrapper, not by a debug cursor: Django's debug cursor opens a cursor
    of its own to format each statement, which would itself set the path."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __enter__(self) -> list[str]:
        self._wrapper = connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self.statements

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)

    def _record(self, execute, sql, params, many, context):
        if sql.startswith("SET search_path"):
            self.statements.append(sql)
        return execute(sql, params, many, context)


def _current_path() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        return cursor.fetchone()[0]


def _organisation_name() -> str:
    # The organisation's own settings row lives in its schema only: which schema answered.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


@pytest.fixture
def own_connection(django_db_blocker):
    def run(work):
        return run_in_own_connection(django_db_blocker, work)

    return run


def test_selecting_the_schema_the_session_already_has_issues_no_set(own_connection, org_a):
    def work():
        connection.set_tenant(org_a)
        with SetsIssued() as first:
            assert _organisation_name() == org_a.schema_name
        connection.set_schema_to_public()
        connection.set_tenant(org_a)
        with SetsIssued() as again:
            assert _organisation_name() == org_a.schema_name
        return first, again

    first, again = own_connection(work)
    assert len(first) == 1
    assert again == []


def test_switching_organisation_always_sets_the_path(own_connection, org_a, org_b):
    def work():
        seen = []
        for organisation in (org_a, org_b, org_a, org_b):
            connection.set_tenant(organisation)
            with SetsIssued() as queries:
                seen.append((_organisation_name(), len(queries)))
        return seen

    assert own_connection(work) == [
        (org_a.schema_name, 1),
        (org_b.schema_name, 1),
        (org_a.schema_name, 1),
        (org_b.schema_name, 1),
    ]


def test_a_set_undone_by_a_rollback_is_issued_again(own_connection, org_a, org_b):
    """Beta's path is set inside a transaction that rolls back, so the session is back on
    Alpha's: selecting Beta afterwards must set it again, or Beta's request would read Alpha."""

    def work():
        connection.set_tenant(org_a)
        _organisation_name()
        try:
            with transaction.atomic():
                connection.set_tenant(org_b)
                assert _organisation_name() == org_b.schema_name
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        connection.set_tenant(org_b)
        with SetsIssued() as queries:
            answered = _organisation_name()
        return answered, queries

    answered, sets = own_connection(work)
    assert answered == org_b.schema_name
    assert len(sets) == 1


def test_inside_a_transaction_the_remembered_path_is_not_trusted(own_connection, org_a):
    """`SET LOCAL` changes the path until the transaction ends without the backend knowing:
    selecting the organisation inside a transaction sets its path again."""

    def work():
        connection.set_tenant(org_a)
        _organisation_name()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL search_path = public")
            connection.set_tenant(org_a)
            inside = _organisation_name()
        connection.set_tenant(org_a)
        return inside, _organisation_name()

    assert own_connection(work) == (org_a.schema_name, org_a.schema_name)


def test_a_new_connection_sets_the_path_again(own_connection, org_a):
    def work():
        connection.set_tenant(org_a)
        _organisation_name()
        connection.close()
        connection.set_tenant(org_a)
        with SetsIssued() as queries:
            answered = _organisation_name()
        return answered, queries

    answered, sets = own_connection(work)
    assert answered == org_a.schema_name
    assert len(sets) == 1


def test_requests_to_one_organisation_set_the_path_once_and_each_host_reads_its_own(
    own_connection, org_a, org_b
):
    """The host lookup reads the public schema by name, so a run of API requests to one
    organisation issues no SET after the first, and each host still reads its own schema."""

    def work():
        keys = {}
        try:
            for organisation in (org_a, org_b):
                with schema_context(organisation.schema_name):
                    user = user_create(
                        email=f"path-probe@{organisation.slug}.example",
                        full_name="Path Probe",
                        roles=["councillor"],
                    )
                    keys[organisation.slug] = api_credential_issue(user=user, name="probe")[1]
            answers = []
            for organisation in (org_a, org_a, org_a, org_b, org_a):
                client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
                with SetsIssued() as sets:
                    response = client.get(
                        "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {keys[organisation.slug]}"
                    )
                answers.append((response.status_code, response.json()["email"], len(sets)))
            return answers
        finally:
            for organisation in (org_a, org_b):
                with schema_context(organisation.schema_name):
                    User.objects.filter(email__startswith="path-probe@").delete()

    alpha, beta = "path-probe@alpha.example", "path-probe@beta.example"
    assert own_connection(work) == [
        (200, alpha, 1),
        (200, alpha, 0),
        (200, alpha, 0),
        (200, beta, 1),
        (200, alpha, 1),
    ]
