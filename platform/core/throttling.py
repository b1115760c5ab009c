"""API budgets: how many requests one API credential, and one user, may make per window.

Security-relevant. REST (every `OrganisationApi` and `PlatformApi`, through
`ApiBudgetThrottle`) and the GraphQL endpoint (`api_budget_wait`) spend the same budgets, set
in `settings.API_RATES` ("N/second|minute|hour|day", comma-separated windows):

- `credential`: per API key;
- `user`: per user, all their keys and their session together.

Each window is a counter in the shared cache (Redis), opened by the first request and keyed
by the schema, so organisations never share a budget and every web process counts the same
requests; on Redis one script counts every window of both budgets, and the usage gauge, in
one round trip. A request refused by the key's budget does not spend the user's. Over
budget: 429 with `Retry-After` (the seconds until the fullest window ends) and, for REST, the
one API error body with the code `throttled`.

Also here: `client_address`, the one reading of the client's network address (sign-in locks).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from .api_usage import RETENTION_DAYS, api_usage_key, count_api_call, redis_client

USAGE_RETENTION_SECONDS = RETENTION_DAYS * 86400

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Window:
    requests: int
    seconds: int


def parse_rate(rate: str) -> list[Window]:
    """ "30/minute,1000/hour" -> [Window(30, 60), Window(1000, 3600)]."""
    windows = []
    for part in rate.split(","):
        count, _, period = part.strip().partition("/")
        unit = period.strip()[:1].lower()
        if not count.strip().isdigit() or unit not in _SECONDS:
            raise ValueError(f"Not a rate: {part!r} (write e.g. '30/minute,1000/hour')")
        windows.append(Window(requests=int(count), seconds=_SECONDS[unit]))
    return windows


def _counts(keys: list[str], windows: list[Window], now: float) -> list[tuple[int, float]]:
    """(requests counted, time opened) per window, after counting this one, through the cache
    API: for a cache that is not Redis (the bare development default, locmem). ADD opens the
    window (its time and a zero count, with the window's expiry) unless open, INCR counts."""
    counts = []
    for key, window in zip(keys, windows, strict=True):
        cache.add(f"{key}:opened", now, timeout=window.seconds)
        cache.add(key, 0, timeout=window.seconds)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=window.seconds)
            used = 1
        # When it opened matters only to a refusal's Retry-After.
        opened = (cache.get(f"{key}:opened") or now) if used > window.requests else now
        counts.append((used, opened))
    return counts


def _window_keys(budget: str, subject: str, windows: list[Window]) -> list[str]:
    return [
        f"api-budget:{connection.schema_name}:{budget}:{subject}:{window.seconds}"
        for window in windows
    ]


def _spend(budget: str, subject: str, windows: list[Window]) -> int | None:
    """Count one request in every window through the cache API; the seconds to wait if any
    is over its limit.

    A window opens at the subject's first request and lasts its length (not aligned to the
    clock, so no burst of twice the limit across a boundary)."""
    now = time.time()
    keys = _window_keys(budget, subject, windows)
    waits = [
        max(1, int(opened + window.seconds - now + 0.999))
        for (used, opened), window in zip(_counts(keys, windows, now), windows, strict=True)
        if used > window.requests
    ]
    return max(waits) if waits else None


# On Redis, the whole of a request's spending in ONE round trip (it was three or four per
# window and one for the usage count: nine for two one-window budgets, a third of an
# authenticated read's time on a busy machine, issue #16). Redis runs a script without
# interleaving other clients' commands, so counting stays atomic across web processes.
#   KEYS[1]: today's usage hash (`core.api_usage`); KEYS[2..]: the windows' counters, the
#     credential's first, then the user's;
#   ARGV[1]: the organisation's schema (the usage hash's field); ARGV[2]: the hash's expiry;
#   ARGV[3]: how many of the windows are the credential's; then, per window, its limit and
#     its length in seconds.
# A window's counter expires when the window ends (set on its first count, so a window opens
# at the subject's first request); the wait is the counter's remaining time, in whole seconds
# rounded up. The user's windows are not counted when the credential's refused.
# Every argument is a string or an integer: Redis refuses any other Lua value.
_SPEND_SCRIPT = """
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
local credential_windows = tonumber(ARGV[3])
local wait = 0
for j = 1, #KEYS - 1 do
  local key = KEYS[j + 1]
  local limit = tonumber(ARGV[2 + 2 * j])
  local seconds = tonumber(ARGV[3 + 2 * j])
  local used = redis.call('INCR', key)
  local left = redis.call('PTTL', key)
  if left < 0 then
    redis.call('EXPIRE', key, seconds)
    left = seconds * 1000
  end
  if used > limit then
    wait = math.max(wait, math.max(1, math.ceil(left / 1000)))
  end
  if j == credential_windows and wait > 0 then
    return wait
  end
end
return wait
"""
_scripts: dict[int, Any] = {}


def _spend_in_redis(client: Any, budgets: list[tuple[str, str, list[Window]]]) -> int | None:
    """Every budget's windows counted, and the usage count, in one EVALSHA (the script is
    loaded once per Redis server: redis-py's `Script` reloads it after a NOSCRIPT)."""
    script = _scripts.get(id(client.connection_pool))
    if script is None:
        script = _scripts[id(client.connection_pool)] = client.register_script(_SPEND_SCRIPT)
    keys = [api_usage_key(timezone.localdate())]
    args: list[str | int] = [connection.schema_name, USAGE_RETENTION_SECONDS, 0]
    for budget, subject, windows in budgets:
        # The cache's own key function (schema, prefix, version), as the cache API's path.
        keys += [cache.make_key(key) for key in _window_keys(budget, subject, windows)]
        for window in windows:
            args += [int(window.requests), int(window.seconds)]
        if budget == "credential":  # always the first
            args[2] = len(windows)
    wait = int(script(keys=keys, args=args, client=client))
    return wait or None


def api_budget_wait(*, user: Any, credential: Any) -> int | None:
    """Spend one request of the caller's budgets: None to go on, else seconds to wait.

    `credential` is the ApiCredential the request authenticated with, or None for a session.
    Anonymous callers are not counted here (they are refused before anything runs). Also
    counts the call for the helpdesk's usage gauge. On Redis all of it is one round trip."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    budgets = []
    if credential is not None and getattr(credential, "pk", None) is not None:
        budgets.append(
            ("credential", str(credential.pk), parse_rate(settings.API_RATES["credential"]))
        )
    budgets.append(("user", str(user.pk), parse_rate(settings.API_RATES["user"])))
    client = redis_client()
    if client is not None:
        return _spend_in_redis(client, budgets)
    count_api_call(connection.schema_name)  # a no-op without Redis
    for budget, subject, windows in budgets:
        wait = _spend(budget, subject, windows)
        if wait is not None:
            return wait  # refused by the key's budget: the user's is not spent
    return None


THROTTLED_MESSAGE = "Too many requests: slow down and try again in {seconds} seconds."


class ApiBudgetThrottle(BaseThrottle):
    """The REST side of the budgets (the throttle hook of `core.door`). DRF runs throttles
    after authentication and permissions, so `request.auth` is the credential or None."""

    def allow_request(self, request, view) -> bool:
        self._wait = api_budget_wait(user=request.user, credential=request.auth)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the connection's, or behind `TRUSTED_PROXY_COUNT` proxies of
    our own, the X-Forwarded-For entry they added (never one the client could write)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
