"""API budgets: how many requests one API credential, and one user, may make per window.

Security-relevant. REST (every `OrganisationApi` and `PlatformApi`, through
`ApiBudgetThrottle`) and the GraphQL endpoint (`api_budget_wait`) spend the same budgets, set
in `settings.API_RATES` ("N/second|minute|hour|day", comma-separated windows):

- `credential`: per API key;
- `user`: per user, all their keys and their session together.

Each window is a counter in the shared cache (Redis), opened by the first request and keyed
by the schema, so organisations never share a budget and every web process counts the same
requests. A request refused by the key's budget does not spend the user's. Over
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
from rest_framework.throttling import BaseThrottle

from .api_usage import count_api_call

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
    """(requests counted, time opened) per window, after counting this one: ADD opens the
    window (its time and a zero count, with the window's expiry) unless open, INCR counts
    atomically in Redis."""
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


def _spend(budget: str, subject: str, windows: list[Window]) -> int | None:
    """Count one request in every window; the seconds to wait if any is over its limit.

    A window opens at the subject's first request and lasts its length (not aligned to the
    clock, so no burst of twice the limit across a boundary). Its count is an atomic INCR on a
    key with the window's expiry; a second key holds when it opened."""
    now = time.time()
    keys = [
        f"api-budget:{connection.schema_name}:{budget}:{subject}:{window.seconds}"
        for window in windows
    ]
    waits = [
        max(1, int(opened + window.seconds - now + 0.999))
        for (used, opened), window in zip(_counts(keys, windows, now), windows, strict=True)
        if used > window.requests
    ]
    return max(waits) if waits else None


def api_budget_wait(*, user: Any, credential: Any) -> int | None:
    """Spend one request of the caller's budgets: None to go on, else seconds to wait.

    `credential` is the ApiCredential the request authenticated with, or None for a session.
    Anonymous callers are not counted here (they are refused before anything runs)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    # The helpdesk's usage gauge: one Redis HINCRBY per API call, no database write.
    count_api_call(connection.schema_name)
    if credential is not None and getattr(credential, "pk", None) is not None:
        rate = parse_rate(settings.API_RATES["credential"])
        wait = _spend("credential", str(credential.pk), rate)
        if wait is not None:
            return wait  # refused by the key's budget: the user's is not spent
    return _spend("user", str(user.pk), parse_rate(settings.API_RATES["user"]))


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
