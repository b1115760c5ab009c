"""The REST PI list's cache (`core.cached_reads`): a page is given again from the serving
process's memory only while the organisation's data it shows have not changed — whoever
changed them, in whichever process — and never to another organisation."""

from __future__ import annotations

import json

import pytest
import requests
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.core.cached_reads import BodyCache
from goldenthread.platform.devtools.database import with_database_name
from goldenthread.platform.indicators.selectors.indicators import (
    _unfiltered_page_sql,
    indicator_list_for_api,
    indicator_list_models,
)
from goldenthread.tenants.database.changes import tables_in, watched_tables
from tests.conftest import host_of
from tests.factories import provision_staffed_organisation
from tests.fixtures.processes import gunicorn_with_shipped_settings

BASE = "/api/v1/indicators/"
pytestmark = pytest.mark.usefixtures("committed_data")


@pytest.fixture
def council(session_organisations, django_db_blocker):
    return provision_staffed_organisation(
        django_db_blocker, prefix="listcache", name="Cache Council", indicator_code="LC 1"
    )


def titles(response) -> dict[str, str]:
    assert response.status_code == 200, response.content
    return {item["code"]: item["title"] for item in response.json()["results"]}


def list_statements(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"indicators_indicator"' in q["sql"]]


# --- what is cached and what is built every time --------------------------------------------


def test_a_second_read_is_the_same_bytes_without_reading_the_list(council, client_for):
    client = client_for(council.organisation, user=council.officer)
    first = client.get(BASE)
    with CaptureQueriesContext(connection) as again:
        second = client.get(BASE)
    assert second.content == first.content
    assert titles(second) == {"LC 1": "Counted"}
    assert list_statements(again) == []  # one small statement reads the tokens instead
    assert any("core_changegeneration" in q["sql"] for q in again.captured_queries)


def test_filtered_lists_and_other_pages_are_answered_on_their_own(council, client_for):
    from goldenthread.platform.indicators.services.indicators import indicator_create

    with schema_context(council.schema_name):
        indicator_create(
            actor=council.officer, code="LC 2", title="Second", unit_kind="number",
            polarity="higher", frequency="quarterly",
        )  # fmt: skip
    client = client_for(council.organisation, user=council.officer)
    assert titles(client.get(BASE)) == {"LC 1": "Counted", "LC 2": "Second"}
    assert titles(client.get(BASE, {"page_size": 1})) == {"LC 1": "Counted"}
    second_page = client.get(BASE, {"page_size": 1, "page": 2})
    assert titles(second_page) == {"LC 2": "Second"}
    assert second_page.json()["previous"].endswith(f"{BASE}?page_size=1")
    with CaptureQueriesContext(connection) as filtered:
        assert titles(client.get(BASE, {"q": "second"})) == {"LC 2": "Second"}
        assert titles(client.get(BASE, {"q": "second"})) == {"LC 2": "Second"}
    assert len(list_statements(filtered)) == 2  # a filtered list is read every time
    with CaptureQueriesContext(connection) as odd:
        for _ in range(2):
            assert titles(client.get(BASE, {"page": "01"})) == {"LC 1": "Counted", "LC 2": "Second"}
    assert len(list_statements(odd)) == 2  # not a plain page number: no entry of its own


def test_indented_json_is_given_from_the_cache_too(council, client_for):
    client = client_for(council.organisation, user=council.officer)
    plain = client.get(BASE)
    indented = client.get(BASE, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "count"')
    assert json.loads(indented.content) == json.loads(plain.content)


# --- every change is seen on the next read ----------------------------------------------------


def test_a_change_through_the_api_is_seen_on_the_next_read(council, client_for):
    client = client_for(council.organisation, user=council.officer)
    assert titles(client.get(BASE)) == {"LC 1": "Counted"}
    changed = client.patch(
        f"{BASE}{council.indicator.pk}/", {"title": "Renamed"}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert titles(client.get(BASE)) == {"LC 1": "Renamed"}


def test_a_new_value_moves_the_listed_status(django_db_blocker, session_organisations, client_for):
    from goldenthread.platform.indicators.services.values import value_enter

    council = provision_staffed_organisation(
        django_db_blocker, prefix="listcache", name="Status Council", indicator_code="LC 9",
        roles=("performance_officer", "org_admin", "data_provider"), assign_data_provider=True,
    )  # fmt: skip
    client = client_for(council.organisation, user=council.officer)
    (before,) = client.get(BASE).json()["results"]
    assert before["latest_status"] is None
    with schema_context(council.schema_name):
        value_enter(
            actor=council.provider, indicator=council.indicator,
            period_code="2024/25 Q1", value="7",
        )  # fmt: skip
    (after,) = client.get(BASE).json()["results"]
    assert after["latest_status"] is not None


def test_a_new_catalogue_version_is_seen_by_every_organisation(council, client_for):
    import uuid

    from goldenthread.platform.indicators.services.indicators import indicator_adopt
    from goldenthread.shared_indicators.models import CatalogueIndicator

    code = f"NI C{uuid.uuid4().hex[:6]}"
    with schema_context("public"):
        entry = CatalogueIndicator.objects.create(
            code=code, title="Catalogued", definition="A national indicator.", unit="number",
            polarity="higher", frequency="quarterly", decimal_places=0,
        )  # fmt: skip
    try:
        with schema_context(council.schema_name):
            adopted = indicator_adopt(actor=council.officer, catalogue_code=code)
        client = client_for(council.organisation, user=council.officer)

        def update_available() -> bool:
            listed = {item["code"]: item for item in client.get(BASE).json()["results"]}
            return listed[code]["catalogue_update_available"]

        assert update_available() is False
        with schema_context("public"):
            CatalogueIndicator.objects.filter(pk=entry.pk).update(version=2)
        assert update_available() is True
    finally:
        with schema_context(council.schema_name):
            adopted.delete()
        with schema_context("public"), connection.cursor() as cursor:
            # Not `entry.delete()`: its collector would look for adopting PIs in public.
            cursor.execute(
                "DELETE FROM shared_indicators_catalogueindicator WHERE id = %s", [entry.pk]
            )


def test_a_write_in_a_transaction_not_yet_committed_is_not_hidden(council, client_for):
    from goldenthread.platform.indicators.models import Indicator

    client = client_for(council.organisation, user=council.officer)
    assert titles(client.get(BASE)) == {"LC 1": "Counted"}  # cached
    with schema_context(council.schema_name), transaction.atomic():
        Indicator.objects.filter(code="LC 1").update(title="Uncommitted")
        assert titles(client.get(BASE)) == {"LC 1": "Uncommitted"}
        transaction.set_rollback(True)
    assert titles(client.get(BASE)) == {"LC 1": "Counted"}


def test_organisations_never_share_a_cached_page(council, django_db_blocker, client_for):
    other = provision_staffed_organisation(
        django_db_blocker, prefix="listcache", name="Other Council", indicator_code="OT 1"
    )
    ours = client_for(council.organisation, user=council.officer)
    theirs = client_for(other.organisation, user=other.officer)
    for _ in range(2):
        assert titles(ours.get(BASE)) == {"LC 1": "Counted"}
        assert titles(theirs.get(BASE)) == {"OT 1": "Counted"}
    # The other organisation's officer, signed in there, is refused here as before.
    assert client_for(council.organisation).get(BASE).status_code in (401, 403)


def test_a_write_by_another_process_is_seen_by_the_server(council):
    """The real shape: gunicorn serves and caches; this process (as a Celery worker would)
    changes a PI through its own connection; the server's next answer shows it."""
    from goldenthread.platform.indicators.models import Indicator

    with schema_context(council.schema_name):
        key = api_credential_issue(user=council.officer, name="cache")[1]
    database = with_database_name(
        "postgres://postgres@127.0.0.1:5432/x", connection.settings_dict["NAME"]
    )
    settings = {
        "DATABASE_URL": _database_url(database),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    with gunicorn_with_shipped_settings(
        "goldenthread.platform.wsgi:application", settings=settings
    ) as server:
        session = requests.Session()
        session.headers.update(
            {"Host": host_of(council.organisation), "Authorization": f"Bearer {key}"}
        )
        url = f"http://127.0.0.1:{server.port}{BASE}"

        def served_titles() -> dict[str, str]:
            return titles(session.get(url, timeout=30))

        _wait_until_served(session, server)
        assert served_titles() == {"LC 1": "Counted"}
        assert served_titles() == {"LC 1": "Counted"}  # now from the server's cache
        with schema_context(council.schema_name):
            Indicator.objects.filter(code="LC 1").update(title="Changed elsewhere")
        assert served_titles() == {"LC 1": "Changed elsewhere"}


def _database_url(url: str) -> str:
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
    return url.replace("127.0.0.1:5432", f"{host}:{port}").replace(
        "postgres@", f"{settings['USER'] or 'postgres'}@"
    )


def _wait_until_served(session, server) -> None:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            session.get(f"http://127.0.0.1:{server.port}/livez", timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer:\n{server.log_text()}")


# --- the declared tables and the process cache ---------------------------------------------


def test_the_list_reads_only_tables_it_declared_for_its_cache():
    # A new join in the list without its model in `indicator_list_models` would let a change
    # to that table go unseen: this fails first.
    declared = {model._meta.db_table for model in indicator_list_models()}
    statements = [
        _unfiltered_page_sql()[0],
        str(indicator_list_for_api(filters={"q": "x", "status": "red", "tag": "t"}).query),
    ]
    read = set().union(*(tables_in(statement) for statement in statements))
    assert read and read <= declared
    assert declared <= watched_tables()


def test_the_process_cache_is_bounded_by_bytes_and_by_time():
    now = [0.0]
    cache = BodyCache(max_bytes=100, seconds=60, clock=lambda: now[0])
    cache.put("a", b"x" * 10, group="a", version=(1,))
    cache.put("b", b"y" * 10, group="b", version=(1,))
    assert cache.get("a") == b"x" * 10  # "a" is now the most recently used
    for number in range(9):
        cache.put(f"filler {number}", b"z" * 10, group=number, version=(1,))
    assert cache.size <= 100
    assert cache.get("b") is None and cache.get("a") is not None  # least recently used out
    cache.put("huge", b"h" * 20, group="huge", version=(1,))  # over an eighth: not kept
    assert cache.get("huge") is None
    now[0] = 61.0
    assert cache.get("a") is None  # expired


def test_the_process_cache_keeps_only_an_organisations_newest_pages():
    cache = BodyCache(max_bytes=1000, seconds=60, clock=lambda: 0.0)
    cache.put("page 1 @ 5", b"old 1", group="alpha", version=(5, 1))
    cache.put("page 2 @ 5", b"old 2", group="alpha", version=(5, 1))
    cache.put("page 1 @ 5 beta", b"beta", group="beta", version=(5, 1))
    cache.put("page 1 @ 7", b"new 1", group="alpha", version=(7, 1))
    # Alpha's older pages are gone (no request asks for them again); Beta's stand.
    assert cache.get("page 1 @ 5") is None and cache.get("page 2 @ 5") is None
    assert cache.get("page 1 @ 7") == b"new 1" and cache.get("page 1 @ 5 beta") == b"beta"
    assert cache.size == len(b"new 1") + len(b"beta")
    # A page built by a request that began before the change is not kept: already stale.
    cache.put("page 2 @ 5 late", b"old 2", group="alpha", version=(5, 1))
    assert cache.get("page 2 @ 5 late") is None and cache.get("page 1 @ 7") == b"new 1"
    # A change to the catalogue (public's token) is newer too.
    cache.put("page 1 @ 7/2", b"newer", group="alpha", version=(7, 2))
    assert cache.get("page 1 @ 7") is None and cache.get("page 1 @ 7/2") == b"newer"
