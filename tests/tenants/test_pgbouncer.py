"""The schema switch is safe behind pgbouncer in session mode, and transaction mode is not.

Every test of this module talks to PostgreSQL through a private pgbouncer (Debian's package,
`tests.fixtures.pgbouncer`) in session mode: the module's fixture points the run's `default`
connection at it, so the organisation-isolation tests (imported below and run a second time
here) switch schemas through pooled server connections. Session mode gives a client a server
connection for as long as it stays connected and runs `DISCARD ALL` before handing that server
connection to the next client, so a search_path never outlives the client that set it.

Transaction mode hands a server connection back after every transaction. django-tenants sets
the organisation's schema with `SET search_path`, a session setting, so in transaction mode
the next client to get that server connection inherits the organisation: the last test shows
it, and the settings refuse a DATABASE_URL that declares transaction pooling
(`settings.pooling`).

Behind pgbouncer, retiring Django's connection after DATABASE_SCHEMAS_PER_CONNECTION schemas
(`tenants/connection_lifetime.py`) closes only the client side: the server connection, and the
PostgreSQL backend with the catalogue cache of every schema it served, goes back to the pool.
The last tests show that, and that pgbouncer's `server_lifetime` and `server_idle_timeout` are
what end such a backend (infra/README.md sets them).
"""

from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.http import JsonResponse
from django.test import override_settings
from django.urls import path
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.settings.base import database_settings
from tests.fixtures.pgbouncer import running_pgbouncer, upstream_of
from tests.fixtures.threads import allow_database_in_this_thread
from tests.fixtures.worker import wait_for
from tests.tenants.test_connection_lifetime import Server

# Run again here, through pgbouncer: users, sessions and API keys stay in their organisation.
from tests.tenants.test_isolation import *  # noqa: F403


@pytest.fixture(scope="module")
def upstream(django_db_setup) -> tuple[str, int, str]:
    """(host, port, user) of the run's PostgreSQL, read before anything points elsewhere."""
    return upstream_of(connection.settings_dict)


@pytest.fixture(scope="module")
def test_database(django_db_setup) -> str:
    return connection.settings_dict["NAME"]


@pytest.fixture(scope="module", autouse=True)
def through_pgbouncer(upstream, test_database):
    """Every connection of this module goes through a session-mode pgbouncer."""
    host, port, user = upstream
    settings_dict = connection.settings_dict
    saved = {"HOST": settings_dict.get("HOST"), "PORT": settings_dict.get("PORT")}
    with running_pgbouncer(
        upstream_host=host, upstream_port=port, user=user, pool_mode="session", pool_size=2
    ) as bouncer:
        connections.close_all()
        # One dict shared by every thread's connection to `default` (the handler's settings).
        settings_dict.update(HOST=bouncer.host, PORT=str(bouncer.port))
        try:
            yield bouncer
        finally:
            connections.close_all()
            settings_dict.update(saved)


@pytest.fixture
def pgbouncer_of(upstream):
    """pgbouncer_of(pool_mode, pool_size): another private pgbouncer, for one test."""

    def start(pool_mode: str, pool_size: int):
        host, port, user = upstream
        return running_pgbouncer(
            upstream_host=host,
            upstream_port=port,
            user=user,
            pool_mode=pool_mode,
            pool_size=pool_size,
        )

    return start


@pytest.mark.django_db
def test_the_tests_connection_really_goes_through_pgbouncer(through_pgbouncer):
    connection.ensure_connection()
    assert connection.connection.info.port == through_pgbouncer.port
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone()[0] == "public"
    assert "login attempt" in through_pgbouncer.log.read_text()


def test_session_mode_hands_a_server_connection_on_without_the_organisation(
    pgbouncer_of, upstream, test_database, org_a
):
    """Client one sets Alpha's schema and leaves; client two is given the same PostgreSQL
    backend (one server connection in the pool) and finds the default search_path."""
    with pgbouncer_of("session", 1) as single:
        conninfo = single.conninfo(test_database, upstream[2])
        with psycopg.connect(conninfo, autocommit=True) as first:
            first.execute(f'SET search_path TO "{org_a.schema_name}", public')
            backend = first.execute("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(conninfo, autocommit=True) as second:
            assert second.execute("SELECT pg_backend_pid()").fetchone()[0] == backend
            assert second.execute("SHOW search_path").fetchone()[0] == '"$user", public'


def test_transaction_mode_carries_one_clients_organisation_to_another(
    pgbouncer_of, upstream, test_database, org_a
):
    """Why transaction mode is refused: with one server connection, client two (still
    connected alongside client one) runs on the backend client one left in Alpha's schema."""
    with pgbouncer_of("transaction", 1) as single:
        conninfo = single.conninfo(test_database, upstream[2])
        with (
            psycopg.connect(conninfo, autocommit=True) as first,
            psycopg.connect(conninfo, autocommit=True) as second,
        ):
            first.execute(f'SET search_path TO "{org_a.schema_name}", public')
            leaked = second.execute("SELECT current_schema()").fetchone()[0]
    assert leaked == org_a.schema_name


def test_many_threads_switching_organisations_through_two_server_connections_each_see_their_own(
    session_organisations, django_db_blocker
):
    """Six threads, each connecting, switching to Alpha or Beta, reading that organisation's
    marker user and disconnecting, over and over, through a pool of two server connections:
    every read sees its own organisation's schema and marker, never the other's."""
    alpha, beta = session_organisations["alpha"], session_organisations["beta"]
    markers = {}
    with django_db_blocker.unblock():
        for organisation in (alpha, beta):
            email = f"marker-{uuid.uuid4().hex[:8]}@{organisation.slug}.example"
            with schema_context(organisation.schema_name):
                User.objects.create(email=email, full_name="Marker")
            markers[organisation.schema_name] = email
    wrong: list[str] = []
    errors: list[BaseException] = []

    def work(number: int) -> None:
        allow_database_in_this_thread(django_db_blocker)
        try:
            for round_ in range(8):
                organisation = (alpha, beta)[(number + round_) % 2]
                with schema_context(organisation.schema_name):
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT current_schema()")
                        schema = cursor.fetchone()[0]
                    emails = set(User.objects.values_list("email", flat=True))
                if schema != organisation.schema_name:
                    wrong.append(f"{organisation.schema_name} read in {schema}")
                other = markers[(beta if organisation is alpha else alpha).schema_name]
                if markers[organisation.schema_name] not in emails or other in emails:
                    wrong.append(f"{organisation.schema_name} saw the wrong users")
                connection.close()  # session mode: give the server connection back
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not wrong, wrong


@pytest.mark.parametrize("mode", ["transaction", "statement"])
def test_settings_refuse_a_database_url_declaring_transaction_pooling(mode):
    with pytest.raises(ImproperlyConfigured, match="session"):
        database_settings(f"postgres://app@pgbouncer:6432/goldenthread?pool_mode={mode}")


def test_settings_accept_session_pooling_and_keep_the_declaration_away_from_libpq():
    config = database_settings("postgres://app@pgbouncer:6432/goldenthread?pool_mode=session")
    assert config["default"]["PORT"] == 6432
    assert "pool_mode" not in config["default"].get("OPTIONS", {})


# --- server connections outlive Django's: pgbouncer's lifetimes end them --------------------


def schema_probe(request):
    """The backend serving this request and the schema its queries resolve to, with a query in
    each schema named in ?visit= (as a cross-organisation read would) after that."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), current_schema()")
        pid, schema = cursor.fetchone()
    for visited in filter(None, request.GET.get("visit", "").split(",")):
        with schema_context(visited), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_user")
    return JsonResponse({"pids": [pid], "schema": schema})


urlpatterns = [path("schema-probe/", schema_probe)]


@pytest.fixture
def hosts_and_schemas(session_organisations, django_db_blocker):
    """(host, schema) of Alpha and Beta, read before any test bouncer is in the way."""
    with django_db_blocker.unblock():
        found = tuple(
            (organisation.get_primary_domain().domain, organisation.schema_name)
            for organisation in (session_organisations["alpha"], session_organisations["beta"])
        )
        connection.close()
    return found


@pytest.fixture
def requests_through(upstream, django_db_blocker):
    """requests_through(**pgbouncer settings): a Server whose requests go through a private
    session-mode pgbouncer with ONE server connection and these settings, while the block
    runs (new connections to `default` only: the test's own thread opens none meanwhile)."""

    @contextmanager
    def start(**settings):
        host, port, user = upstream
        with running_pgbouncer(
            upstream_host=host,
            upstream_port=port,
            user=user,
            pool_mode="session",
            pool_size=1,
            settings=settings,
        ) as bouncer:
            settings_dict = connection.settings_dict
            saved = {"HOST": settings_dict["HOST"], "PORT": settings_dict["PORT"]}
            settings_dict.update(HOST=bouncer.host, PORT=str(bouncer.port))
            try:
                with override_settings(ROOT_URLCONF=__name__):
                    yield Server(django_db_blocker), bouncer
            finally:
                settings_dict.update(saved)

    return start


@pytest.fixture
def backend_alive(upstream, test_database):
    """backend_alive(pid): asked of PostgreSQL directly, each time in a new snapshot."""
    host, port, user = upstream
    with psycopg.connect(
        host=host, port=port, user=user, dbname=test_database, autocommit=True
    ) as direct:

        def alive(pid: int) -> bool:
            found = direct.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            return found.fetchone()[0] == 1

        yield alive


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_behind_pgbouncer_retiring_djangos_connection_leaves_the_backend_in_the_pool(
    requests_through, hosts_and_schemas, backend_alive
):
    """Why pgbouncer's lifetimes must be set: with long ones, a backend that served two
    organisations (the limit here) serves the next client too, cache and all."""
    (alpha_host, alpha), (beta_host, beta) = hosts_and_schemas
    with requests_through(server_lifetime=3600, server_idle_timeout=3600) as (server, _bouncer):
        crossing, next_one, third = server.send(
            (alpha_host, f"?visit={beta}"), (beta_host, f"?visit={alpha}"), (beta_host, "")
        )
        still_there = backend_alive(crossing["pids"][0])

    # Django closed its connection after each request that reached the limit ...
    assert not crossing["open_after"] and not next_one["open_after"]
    # ... and yet one PostgreSQL backend served all three, and outlived them
    assert crossing["pids"] == next_one["pids"] == third["pids"]
    assert still_there
    # (each in its own organisation: the pool's DISCARD ALL left no search_path behind)
    assert [crossing["schema"], next_one["schema"], third["schema"]] == [alpha, beta, beta]


@pytest.mark.parametrize(
    "short, reason",
    [("server_lifetime", "server lifetime over"), ("server_idle_timeout", "server idle timeout")],
)
@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_pgbouncer_ends_a_backend_that_served_many_organisations_once_its_time_is_up(
    requests_through, hosts_and_schemas, backend_alive, short, reason
):
    (alpha_host, alpha), (beta_host, beta) = hosts_and_schemas
    lifetimes = {"server_lifetime": 3600, "server_idle_timeout": 0, short: 1}
    with requests_through(**lifetimes) as (server, bouncer):
        (crossing,) = server.send((alpha_host, f"?visit={beta}"))
        retired = crossing["pids"][0]
        wait_for(
            lambda: not backend_alive(retired),
            timeout=15,
            what=f"pgbouncer to end backend {retired} ({short} = 1 s)",
        )
        (after,) = server.send((beta_host, ""))
        log = bouncer.log.read_text()

    # The next client is served by a new backend, in its own organisation
    assert after["pids"][0] != retired
    assert after["schema"] == beta
    assert crossing["schema"] == alpha
    # and it was the setting under test that ended the old one
    assert reason in log
