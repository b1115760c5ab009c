"""Tests: the real PostgreSQL named by DATABASE_URL (or the embedded one), a real broker."""

import os
from urllib.parse import urlsplit, urlunsplit

from goldenthread.platform.devtools import embedded
from goldenthread.platform.logs import logging_config

from .base import *  # noqa: F403
from .base import ENV, database_settings, redis_cache_settings

DEBUG = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

DATABASES = database_settings(ENV.database_url or embedded.postgres_url("goldenthread"))
CELERY_BROKER_URL = ENV.broker_url or embedded.redis_url()


def redis_database_of_worker(url: str, worker: str) -> str:
    """The broker URL for one pytest-xdist worker (`gw0`, `gw1`, …): the same Redis, database
    number + the worker's index (modulo Redis's 16 databases).

    `make test` runs the suite in several processes; each has its own test database (pytest-
    django's `_gw<N>` suffix) and its own Celery worker thread, so each needs its own queues as
    well: a task sent by one process and run by the other's worker would look for its rows in
    the wrong database. A Redis database of its own also keeps each process's cache (cleared
    before every test) and what MONITOR shows the throttling tests apart from the other's.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return url  # a Unix socket names its database in the query; left as configured
    base = int(parts.path.strip("/") or 0)
    index = int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{(base + index) % 16}"))


# Set by pytest-xdist in each worker process, and inherited by the processes tests start. The
# marker keeps those (and tests that point a child at a private broker) from moving again.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER and os.environ.get("GOLDENTHREAD_TEST_BROKER_OF") != _WORKER:
    CELERY_BROKER_URL = redis_database_of_worker(CELERY_BROKER_URL, _WORKER)
    # Celery reads the environment before its settings; children inherit it.
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
    os.environ["GOLDENTHREAD_TEST_BROKER_OF"] = _WORKER
# The real Redis, under a prefix of its own (`tests/fixtures/cache.py` clears only that).
CACHES = redis_cache_settings(CELERY_BROKER_URL, key_prefix="gt-test")
# Budgets far above what any test sends; the throttling tests set their own small ones.
API_RATES = {"credential": "100000/minute", "user": "100000/minute"}

# --- Metrics and logs (platform.metrics, platform.logs) ---
# Tests attach an in-memory metric reader; the console output is tested on its own.
OTEL_METRICS_EXPORTER = os.environ.get("OTEL_METRICS_EXPORTER") or "none"
LOG_FORMAT = os.environ.get("LOG_FORMAT") or "text"
LOGGING = logging_config(LOG_FORMAT)
