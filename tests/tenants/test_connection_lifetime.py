"""A database connection is retired after the request in which it has served
DATABASE_SCHEMAS_PER_CONNECTION organisation schemas, so a PostgreSQL backend never caches the
catalogue of a whole large estate — and never in the middle of a request.

Requests are served in a thread of their own (as a web server's are), with its own
connection outside the test's transaction, to the committed organisations Alpha and Beta.
Backend process ids tell connections apart: a retired connection's backend has ended.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.http import JsonResponse
from django.test import Client, override_settings
from django.urls import path
from django_tenants.utils import schema_context

from tests.fixtures.threads import allow_database_in_this_thread


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def schema_probe(request):
    """The backend serving this request, read at its start and at its end, with a query in
    each schema named in ?visit= (as a cross-organisation read would) in between."""
    first = backend_pid()
    user_counts = {}
    for schema in filter(None, request.GET.get("visit", "").split(",")):
        with schema_context(schema), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_user")
            user_counts[schema] = cursor.fetchone()[0]
    return JsonResponse({"pids": [first, backend_pid()], "user_counts": user_counts})


urlpatterns = [path("schema-probe/", schema_probe)]


class Server:
    """Sends requests from one long-lived thread, as one web server thread would."""

    def __init__(self, django_db_blocker):
        self.blocker = django_db_blocker

    def send(self, *requests: tuple[str, str]) -> list[dict]:
        answers: list[dict] = []
        failures: list[BaseException] = []

        def serve() -> None:
            from django.db import connections

            allow_database_in_this_thread(self.blocker)
            try:
                for host, query in requests:
                    response = Client(HTTP_HOST=host).get(f"/schema-probe/{query}")
                    assert response.status_code == 200, response.content[:300]
                    body = response.json()
                    body["open_after"] = connection.connection is not None
                    answers.append(body)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
                failures.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=serve)
        thread.start()
        thread.join()
        if failures:
            raise failures[0]
        return answers


@pytest.fixture
def server(django_db_blocker):
    with override_settings(ROOT_URLCONF=__name__):
        yield Server(django_db_blocker)


@pytest.fixture
def hosts(org_a, org_b):
    return org_a.get_primary_domain().domain, org_b.get_primary_domain().domain


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_a_connection_is_replaced_after_the_request_that_reaches_the_schema_limit(server, hosts):
    alpha, beta = hosts
    first, again, second, after = server.send((alpha, ""), (alpha, ""), (beta, ""), (alpha, ""))

    # Alpha twice is one schema: the same backend, kept open
    assert first["pids"][0] == again["pids"][0]
    assert first["open_after"] and again["open_after"]
    # Beta is the second schema: served by the same backend, which is closed afterwards
    assert second["pids"] == [first["pids"][0]] * 2
    assert not second["open_after"]
    # and the next request gets a new backend, which has served one schema so far
    assert after["pids"][0] != first["pids"][0]
    assert after["open_after"]


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_a_request_that_passes_the_limit_finishes_on_its_own_connection(
    server, hosts, org_a, org_b
):
    alpha, _beta = hosts
    # One request to Alpha that also reads Beta's schema: the limit is reached half-way
    (crossing, after) = server.send(
        (alpha, f"?visit={org_b.schema_name},{org_a.schema_name}"), (alpha, "")
    )

    # Every query of that request ran on one backend, and each schema answered
    start, end = crossing["pids"]
    assert start == end
    assert set(crossing["user_counts"]) == {org_a.schema_name, org_b.schema_name}
    # The connection was retired only once the request had finished
    assert not crossing["open_after"]
    assert after["pids"][0] != start
    assert not backend_alive(start)


@pytest.mark.parametrize("limit", [0, 3])
def test_below_the_limit_or_without_one_the_connection_is_kept(server, hosts, limit):
    alpha, beta = hosts
    with override_settings(DATABASE_SCHEMAS_PER_CONNECTION=limit):
        answers = server.send((alpha, ""), (beta, ""), (alpha, ""), (beta, ""))

    assert len({answer["pids"][0] for answer in answers}) == 1
    assert all(answer["open_after"] for answer in answers)
