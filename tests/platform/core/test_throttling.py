"""API budgets (`core.throttling`) on REST (`OrganisationApi`'s throttle hook) and GraphQL:
per credential and per user, counted per organisation in the shared cache (Redis)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.core.throttling import Window, client_address, parse_rate

ME = "/api/v1/me/"


def key_for(organisation, user, name: str = "throttling tests") -> str:
    with schema_context(organisation.schema_name):
        return api_credential_issue(user=user, name=name)[1]


def call(client, key: str):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}")


def graphql(client, key: str):
    return client.post(
        "/graphql/",
        data=json.dumps({"query": "{ __typename }"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_rates_are_read_as_windows():
    assert parse_rate("30/minute, 1000/hour") == [Window(30, 60), Window(1000, 3600)]
    assert parse_rate("5/s,2/day") == [Window(5, 1), Window(2, 86400)]
    with pytest.raises(ValueError, match="Not a rate"):
        parse_rate("lots/minute")


def test_the_default_budgets_are_the_documented_ones():
    from goldenthread.platform.settings.environment import read_environment

    env = read_environment(debug_default=False)
    assert (env.api_rate_per_credential, env.api_rate_per_user) == (
        "30/minute,1000/hour",
        "60/minute,2000/hour",
    )


def test_60_rapid_calls_from_one_key_get_429s_under_the_default_budgets(
    org_a, make_user, client_for, settings
):
    from goldenthread.platform.settings.environment import read_environment

    env = read_environment(debug_default=False)
    settings.API_RATES = {"credential": env.api_rate_per_credential, "user": env.api_rate_per_user}
    key = key_for(org_a, make_user(org_a).user)
    client = client_for(org_a)

    statuses = [call(client, key).status_code for _ in range(60)]

    assert statuses.count(200) == 30
    assert statuses[30:] == [429] * 30


def test_over_budget_is_429_with_retry_after_in_the_api_error_body(
    org_a, make_user, client_for, settings
):
    settings.API_RATES = {"credential": "3/minute", "user": "1000/minute"}
    key = key_for(org_a, make_user(org_a).user)
    client = client_for(org_a)
    assert [call(client, key).status_code for _ in range(3)] == [200] * 3

    refused = call(client, key)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["code"] == "throttled"
    assert "throttled" in body["message"] and set(body) == {"message", "code", "extra"}


def test_each_key_has_its_own_budget_and_the_user_one_over_all_of_them(
    org_a, make_user, client_for, settings
):
    settings.API_RATES = {"credential": "2/minute", "user": "3/minute"}
    user = make_user(org_a).user
    first, second = key_for(org_a, user, "first"), key_for(org_a, user, "second")
    client = client_for(org_a)

    assert [call(client, first).status_code for _ in range(3)] == [200, 200, 429]
    assert call(client, second).status_code == 200  # its own key budget, the user's third call
    assert call(client, second).status_code == 429  # the user's budget is spent
    # Another user of the same organisation is not slowed down.
    assert call(client, key_for(org_a, make_user(org_a).user)).status_code == 200


def test_the_session_spends_the_users_budget(org_a, make_user, client_for, settings):
    settings.API_RATES = {"credential": "1000/minute", "user": "2/minute"}
    member = make_user(org_a)
    client = client_for(org_a, user=member.user)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]


def test_organisations_do_not_share_budgets(org_a, org_b, make_user, client_for, settings):
    settings.API_RATES = {"credential": "2/minute", "user": "2/minute"}
    key_a = key_for(org_a, make_user(org_a).user)
    key_b = key_for(org_b, make_user(org_b).user)
    client_a = client_for(org_a)
    assert [call(client_a, key_a).status_code for _ in range(3)] == [200, 200, 429]

    client_b = client_for(org_b)
    assert [call(client_b, key_b).status_code for _ in range(2)] == [200, 200]


def test_anonymous_and_bad_keys_are_refused_as_before_not_counted(
    org_a, make_user, client_for, settings
):
    settings.API_RATES = {"credential": "1/minute", "user": "1/minute"}
    client = client_for(org_a)
    for _ in range(3):
        assert client.get(ME).status_code == 401
        assert call(client, f"gt_{org_a.schema_name}_nonsense").status_code == 401


def test_graphql_over_budget_is_429_with_a_throttled_error(org_a, make_user, client_for, settings):
    settings.API_RATES = {"credential": "2/minute", "user": "1000/minute"}
    key = key_for(org_a, make_user(org_a).user)
    client = client_for(org_a)
    assert [graphql(client, key).status_code for _ in range(2)] == [200, 200]

    refused = graphql(client, key)

    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60
    (error,) = refused.json()["errors"]
    assert error["extensions"] == {"code": "THROTTLED", "retryAfter": retry_after}
    assert "Too many requests" in error["message"]


def test_rest_and_graphql_spend_one_budget(org_a, make_user, client_for, settings):
    settings.API_RATES = {"credential": "2/minute", "user": "1000/minute"}
    key = key_for(org_a, make_user(org_a).user)
    client = client_for(org_a)
    assert call(client, key).status_code == 200
    assert graphql(client, key).status_code == 200
    assert call(client, key).status_code == 429
    assert graphql(client, key).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy of ours: the header is the client's own
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # our proxy appended the real one
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_tests_run_with_budgets_no_test_reaches():
    # Other suites (schemathesis among them) call the API hundreds of times with one key.
    assert django_settings.API_RATES == {"credential": "100000/minute", "user": "100000/minute"}


def test_the_api_schema_documents_429_on_every_operation_that_takes_credentials():
    from tests.openapi import operations, site_schema

    schema, _ = site_schema()
    with_credentials = [
        (route, method, operation)
        for route, method, operation in operations(schema)
        if "401" in operation["responses"]
    ]
    assert len(with_credentials) >= 100
    for route, method, operation in with_credentials:
        throttled = operation["responses"].get("429")
        assert throttled is not None, (method, route)
        assert "Retry-After" in throttled["headers"]


def test_a_window_opened_by_the_earlier_cache_calls_still_counts_and_refuses(
    org_a, make_user, client_for, settings
):
    """A window opened earlier (its opening time stored by the cache API) goes on counting and
    refuses with a Retry-After within the window."""
    from django.core.cache import cache
    from django.db import connection

    settings.API_RATES = {"credential": "2/minute", "user": "1000/minute"}
    user = make_user(org_a).user
    key = key_for(org_a, user)
    with schema_context(org_a.schema_name):
        from goldenthread.platform.accounts.models import ApiCredential

        credential = ApiCredential.objects.filter(user=user).get()
        window = f"api-budget:{connection.schema_name}:credential:{credential.pk}:60"
        # In the schema: the cache's key function prefixes keys with it.
        cache.set(f"{window}:opened", 12345.5, timeout=60)  # stored pickled by the cache API
        cache.set(window, 1, timeout=60)
    client = client_for(org_a)

    assert call(client, key).status_code == 200  # the second request of the window
    refused = call(client, key)
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60


# --- On Redis: one round trip per request (the budgets and the usage count in one script) ---


class RedisCommands:
    """The commands Redis receives from clients while the block runs, seen by MONITOR (the
    server's own account, so a fallback to several calls cannot pass unnoticed). Commands a
    script runs inside Redis are not round trips and are left out, and so are those of the
    connections a Celery worker waits on its queues with (the session's worker thread, once a
    test has started it, sends a BRPOP every second on the same database)."""

    def __init__(self):
        import redis

        url = django_settings.CACHES["default"]["LOCATION"]
        self._watcher = redis.Redis.from_url(url)
        # The end marker's own client, connected (its SELECT sent) before the block.
        self._marker = redis.Redis.from_url(url)
        self._db = self._watcher.connection_pool.connection_kwargs.get("db", 0)
        self.commands: list[str] = []

    def _queue_consumers(self) -> set[str]:
        """The addresses of this database's clients whose last command was a blocking pop."""
        return {
            client["addr"]
            for client in self._marker.client_list()
            if int(client["db"]) == self._db and client["cmd"] in {"brpop", "blpop"}
        }

    def __enter__(self):
        self._marker.ping()
        self._consumers = self._queue_consumers()
        self._monitor = self._watcher.monitor().__enter__()
        return self

    def __exit__(self, *exc):
        marker = f"end-of-block-{id(self)}"
        self._marker.echo(marker)
        while True:
            seen = self._monitor.next_command()
            if marker in seen["command"]:
                break
            client = f"{seen['client_address']}:{seen['client_port']}"
            if (
                seen["client_type"] != "lua"
                and seen["db"] == self._db
                and client not in self._consumers
            ):
                self.commands.append(seen["command"].split(" ", 1)[0].upper())
        self._monitor.__exit__(*exc)


def test_an_authenticated_request_spends_its_budgets_in_one_redis_round_trip(
    org_a, make_user, client_for, settings
):
    settings.API_RATES = {"credential": "30/minute,1000/hour", "user": "60/minute,2000/hour"}
    key = key_for(org_a, make_user(org_a).user)
    client = client_for(org_a)
    assert call(client, key).status_code == 200  # loads the script on a fresh server

    with RedisCommands() as redis_seen:
        assert call(client, key).status_code == 200

    assert redis_seen.commands == ["EVALSHA"]


def test_a_refusal_is_also_one_round_trip_and_does_not_spend_the_users_budget(
    org_a, make_user, client_for, settings
):
    settings.API_RATES = {"credential": "1/minute", "user": "2/minute"}
    user = make_user(org_a).user
    first, second = key_for(org_a, user, "first"), key_for(org_a, user, "second")
    client = client_for(org_a)
    assert call(client, first).status_code == 200

    with RedisCommands() as redis_seen:
        refused = call(client, first)

    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert redis_seen.commands == ["EVALSHA"]
    # The refused call did not spend the user's second request.
    assert call(client, second).status_code == 200
    assert call(client, second).status_code == 429


def test_a_window_rolls_over_when_it_ends(org_a, make_user, client_for, settings):
    """The counter expires with its window: the next request opens a new one and is served;
    while it is open, Retry-After is the time left in it."""
    import redis
    from django.core.cache import cache
    from django.db import connection

    settings.API_RATES = {"credential": "2/minute,100/hour", "user": "1000/minute"}
    user = make_user(org_a).user
    key = key_for(org_a, user)
    client = client_for(org_a)
    assert [call(client, key).status_code for _ in range(3)] == [200, 200, 429]
    with schema_context(org_a.schema_name):
        from goldenthread.platform.accounts.models import ApiCredential

        credential = ApiCredential.objects.filter(user=user).get()
        minute = cache.make_key(
            f"api-budget:{connection.schema_name}:credential:{credential.pk}:60"
        )
        hour = cache.make_key(
            f"api-budget:{connection.schema_name}:credential:{credential.pk}:3600"
        )
    server = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    assert int(server.get(minute)) == 3 and 3590 <= server.ttl(hour) <= 3600
    server.pexpire(minute, 20_000)  # the minute's window has 20 s left
    refused = call(client, key)
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 20

    server.delete(minute)  # what its expiry does when the window ends

    assert [call(client, key).status_code for _ in range(3)] == [200, 200, 429]
    assert int(server.get(hour)) == 7  # the hour's window went on counting throughout


def test_without_redis_the_cache_api_still_counts_and_refuses(
    org_a, make_user, client_for, settings
):
    """The bare development default (locmem): the same budgets, counted call by call."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
    settings.API_RATES = {"credential": "2/minute", "user": "1000/minute"}
    key = key_for(org_a, make_user(org_a).user)
    client = client_for(org_a)

    statuses = [call(client, key).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
