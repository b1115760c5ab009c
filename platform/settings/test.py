"""Tests: the real PostgreSQL named by DATABASE_URL (or the embedded one), a real broker."""

import os

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
# The real Redis, under a prefix of its own (`tests/fixtures/cache.py` clears only that).
CACHES = redis_cache_settings(CELERY_BROKER_URL, key_prefix="gt-test")
# Budgets far above what any test sends; the throttling tests set their own small ones.
API_RATES = {"credential": "100000/minute", "user": "100000/minute"}

# --- Metrics and logs (platform.metrics, platform.logs) ---
# Tests attach an in-memory metric reader; the console output is tested on its own.
OTEL_METRICS_EXPORTER = os.environ.get("OTEL_METRICS_EXPORTER") or "none"
LOG_FORMAT = os.environ.get("LOG_FORMAT") or "text"
LOGGING = logging_config(LOG_FORMAT)
