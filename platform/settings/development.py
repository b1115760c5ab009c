"""Development: DEBUG on, *.localhost hosts, embedded PostgreSQL and Redis when none is set."""

import os

from goldenthread.platform.devtools import embedded
from goldenthread.platform.logs import logging_config

from .base import *  # noqa: F403
from .base import ENV, database_settings, redis_cache_settings
from .environment import _flag

DEBUG = _flag("DEBUG", True)
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

DATABASES = database_settings(ENV.database_url or embedded.postgres_url("goldenthread"))
CELERY_BROKER_URL = ENV.broker_url or embedded.redis_url()
# Shared by gunicorn's workers, so sign-in locks and API budgets hold across them.
CACHES = redis_cache_settings(CELERY_BROKER_URL)

# --- Metrics and logs (platform.metrics, platform.logs) ---
OTEL_METRICS_EXPORTER = os.environ.get("OTEL_METRICS_EXPORTER") or "console"
LOG_FORMAT = os.environ.get("LOG_FORMAT") or "text"
LOGGING = logging_config(LOG_FORMAT)
