"""API calls per organisation per day, counted in Redis, never in the database.

Every authenticated API request (REST through the budget throttle, GraphQL through the same
budget check) adds one to a Redis hash per day: `HINCRBY <prefix>api-calls:<date> <schema> 1`,
sent in one pipeline with the key's expiry (one round trip, no database write). The helpdesk's
usage page reads the days it shows with one pipeline of HGETALLs, every organisation at once.

Kept for `RETENTION_DAYS`; losing Redis loses these counts (they are a usage gauge, not a
bill). With a cache that is not Redis (the bare development default, locmem) nothing is
counted and every count reads as zero.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

RETENTION_DAYS = 100


def redis_client():
    """The raw Redis client behind the default cache, or None when the cache is not Redis."""
    inner = getattr(cache, "_cache", None)
    get_client = getattr(inner, "get_client", None)
    if get_client is None:
        return None
    return get_client(write=True)


def api_usage_key(day: date) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:api-calls:{day.isoformat()}"


def count_api_call(schema_name: str) -> None:
    """One more API call for the organisation of `schema_name`, today. Never fails the
    request: a Redis hiccup loses one count, not the caller's answer."""
    client = redis_client()
    if client is None:
        return
    key = api_usage_key(timezone.localdate())
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(key, schema_name, 1)
        pipe.expire(key, RETENTION_DAYS * 86400)
        pipe.execute()
    except Exception:  # noqa: BLE001 — a gauge must never break the API
        return


def api_calls_by_schema(*, days: int, today: date | None = None) -> dict[str, int]:
    """Calls in the last `days` days (today included) per schema, every organisation at once
    (one pipelined round trip)."""
    client = redis_client()
    if client is None:
        return {}
    today = today or timezone.localdate()
    pipe = client.pipeline(transaction=False)
    for offset in range(days):
        pipe.hgetall(api_usage_key(today - timedelta(days=offset)))
    totals: dict[str, int] = {}
    for day in pipe.execute():
        for schema, count in day.items():
            name = schema.decode() if isinstance(schema, bytes) else schema
            totals[name] = totals.get(name, 0) + int(count)
    return totals
