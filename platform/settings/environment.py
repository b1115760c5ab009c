"""The one place that reads configuration from the environment.

Every setting that varies between machines is read here and nowhere else, so that
`.env.example` and the README's configuration table can list them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_STATE_DIR = Path(os.environ.get("GOLDENTHREAD_STATE_DIR", REPO_ROOT / ".local"))

INSECURE_DEFAULT_SECRET = "insecure-development-secret-do-not-use-in-production"  # noqa: S105


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Environment:
    database_url: str | None
    broker_url: str | None
    secret_key: str
    debug: bool
    platform_domain: str
    email_url: str
    default_from_email: str
    otel_exporter: str
    otel_endpoint: str | None
    otel_service_name: str
    allowed_hosts_extra: tuple[str, ...]
    secure_cookies: bool
    graphql_introspection: bool  # production only; development and tests always answer it
    # Brute-force protection and API budgets (accounts.services.lockout, core.throttling).
    sign_in_account_failures: int
    sign_in_address_failures: int
    sign_in_lock_minutes: int
    password_reset_requests_per_hour: int
    api_rate_per_credential: str
    api_rate_per_user: str
    read_cache_max_bytes: int
    read_cache_seconds: int
    trusted_proxy_count: int
    session_lifetime_hours: int
    authentication_event_retention_days: int
    database_schemas_per_connection: int  # tenants/connection_lifetime.py
    catalogue_vacuum_dead_rows: int  # tenants/catalogue_upkeep.py
    # Fernet keys for organisations' SSO client secrets, newest first (rotation: add a new key
    # in front, keep the old ones until every secret has been saved again).
    sso_encryption_keys: tuple[str, ...]


def read_environment(*, debug_default: bool) -> Environment:
    return Environment(
        database_url=os.environ.get("DATABASE_URL") or None,
        broker_url=os.environ.get("CELERY_BROKER_URL") or None,
        secret_key=os.environ.get("SECRET_KEY") or INSECURE_DEFAULT_SECRET,
        debug=_flag("DEBUG", debug_default),
        platform_domain=(os.environ.get("PLATFORM_DOMAIN") or "localhost").lower(),
        email_url=os.environ.get("EMAIL_URL") or "console://",
        default_from_email=os.environ.get("DEFAULT_FROM_EMAIL")
        or "Golden Thread <no-reply@localhost>",
        otel_exporter=(os.environ.get("OTEL_TRACES_EXPORTER") or "none").lower(),
        otel_endpoint=os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
        otel_service_name=os.environ.get("OTEL_SERVICE_NAME") or "goldenthread",
        allowed_hosts_extra=tuple(
            h.strip() for h in os.environ.get("ALLOWED_HOSTS_EXTRA", "").split(",") if h.strip()
        ),
        secure_cookies=_flag("SECURE_COOKIES", not debug_default),
        graphql_introspection=_flag("GRAPHQL_INTROSPECTION", False),
        sign_in_account_failures=_number("SIGN_IN_ACCOUNT_FAILURES", 10),
        sign_in_address_failures=_number("SIGN_IN_ADDRESS_FAILURES", 50),
        sign_in_lock_minutes=_number("SIGN_IN_LOCK_MINUTES", 15),
        password_reset_requests_per_hour=_number("PASSWORD_RESET_REQUESTS_PER_HOUR", 5),
        api_rate_per_credential=os.environ.get("API_RATE_PER_CREDENTIAL") or "30/minute,1000/hour",
        api_rate_per_user=os.environ.get("API_RATE_PER_USER") or "60/minute,2000/hour",
        read_cache_max_bytes=_number("READ_CACHE_MAX_BYTES", 32 * 1024 * 1024),
        read_cache_seconds=_number("READ_CACHE_SECONDS", 300),
        trusted_proxy_count=_number("TRUSTED_PROXY_COUNT", 0),
        session_lifetime_hours=_number("SESSION_LIFETIME_HOURS", 12),
        authentication_event_retention_days=_number("AUTHENTICATION_EVENT_RETENTION_DAYS", 400),
        database_schemas_per_connection=_number("DATABASE_SCHEMAS_PER_CONNECTION", 100),
        catalogue_vacuum_dead_rows=_number("CATALOGUE_VACUUM_DEAD_ROWS", 20_000),
        sso_encryption_keys=tuple(
            k.strip() for k in os.environ.get("SSO_ENCRYPTION_KEYS", "").split(",") if k.strip()
        ),
    )
