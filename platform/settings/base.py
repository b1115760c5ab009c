"""Settings shared by every environment. Environment-specific modules import * from here.

Nothing in this module reads os.environ directly: see `environment.py`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from goldenthread.platform.logs import logging_config

from .environment import LOCAL_STATE_DIR, REPO_ROOT, Environment, read_environment
from .integrations import celery_settings, email_settings
from .pooling import checked_pool_mode

ENV: Environment = read_environment(debug_default=False)
PLATFORM_DIR = Path(__file__).resolve().parents[1]

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
PLATFORM_DOMAIN = ENV.platform_domain
# Every organisation is served on <slug>.<PLATFORM_DOMAIN>; the bare domain is the public host.
ALLOWED_HOSTS = [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}", *ENV.allowed_hosts_extra]

# --- tenancy -------------------------------------------------------------------------------
# Apps whose tables live once, in the public schema.
SHARED_APPS = [
    "goldenthread.tenants",  # before django_tenants so that our `migrate` command wins
    "django_tenants",
    "goldenthread.platform.core",
    "goldenthread.platform.accounts",
    "goldenthread.shared_indicators",
    "goldenthread.shared_indicators.publication",
    "goldenthread.shared_indicators.benchmarking",
    "goldenthread.partnerships",
    "goldenthread.tenants.archive",  # exports, imports, backups and restores
    "goldenthread.tenants.support",
    "goldenthread.tenants.deletion",  # deleting organisations: request, grace, purge (s15d)
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc's pinned bundle, served as our own static file
    "graphene_django",
    "goldenthread.platform.devtools",  # the demo_seed command
]
# Apps whose tables exist once per organisation schema. Accounts is in both: platform
# staff live in the public schema, each organisation's users in its own.
TENANT_APPS = [
    "goldenthread.platform.core",
    "goldenthread.platform.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "goldenthread.platform.indicators",
    "goldenthread.platform.planning",
    "goldenthread.platform.notifications",
    "goldenthread.platform.reporting",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Organisation"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New organisations are cloned from this schema instead of replaying every migration.
TENANT_BASE_SCHEMA = "org_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
PUBLIC_SCHEMA_URLCONF = "goldenthread.platform.urls_public"
ROOT_URLCONF = "goldenthread.platform.urls_tenant"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Set the connection's `search_path` once per schema switch, not before every query: without
# this django-tenants issues a `SET search_path` round trip ahead of each query (half the
# round trips of a page like the performance report, bench/report.py). Safe because the path
# is only changed through django-tenants (`set_tenant`, `schema_context`), which makes the
# next cursor set it again, and django-tenants forgets it on rollback (a SET is
# transactional) and on close. `tenants.schema_copy` runs `SET LOCAL` inside its own
# transaction and its caller switches back to public afterwards.
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # First: orchestrators probe by IP address, before any host check or HTTPS redirect.
    "goldenthread.platform.core.probes.ProbeMiddleware",
    # Request id, per-route metrics and the access log line (inside the request's span).
    "goldenthread.platform.core.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "goldenthread.platform.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "goldenthread.tenants.middleware.OrganisationMiddleware",
    "goldenthread.platform.core.middleware.OrganisationSpanMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A helpdesk visitor's session holds only while its support access is live; read-only
    # access refuses every write; every request of theirs is logged for the organisation.
    "goldenthread.tenants.support.pages.middleware.SupportAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An ended session (idle or too old) is refused before anything else looks at the user,
    # the MFA enrolment step and the auditor's access log included.
    "goldenthread.platform.accounts.pages.middleware.SessionLifetimeMiddleware",
    # Who must use MFA and has not set it up reaches nothing but enrolment.
    "goldenthread.platform.accounts.pages.mfa.MfaEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "goldenthread.platform.planning.pages.middleware.AuditorAccessMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "goldenthread.platform.core.context_processors.organisation",
                "goldenthread.platform.core.context_processors.navigation",
            ],
        },
    }
]
WSGI_APPLICATION = "goldenthread.platform.wsgi.application"
# "Enter <label>" instead of Django's "This field is required." (core/form_words.py).
FORM_RENDERER = "goldenthread.platform.core.form_words.FormRenderer"
# An expired form: our page, in the layout, showing back what was typed.
CSRF_FAILURE_VIEW = "goldenthread.platform.core.csrf_failure.csrf_failure"


def database_settings(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    # django-tenants' backend, counting the schemas each connection serves (tenants/database).
    config["ENGINE"] = "goldenthread.tenants.database"
    # Parameters bound by the server, and a statement run twice on a connection prepared:
    # PostgreSQL then plans it once instead of on every request (the PI list's plan took
    # longer than running it). Plans stay right across organisations: PostgreSQL re-parses
    # a prepared statement whenever search_path differs from its last use. Poolers must be
    # in session mode anyway (below), where prepared statements belong to one client.
    config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
    # A pooler in front (pgbouncer) must be in session mode: the schema is a session setting.
    return {"default": checked_pool_mode(config)}


# A connection is closed after the request (or Celery task) in which it has served this many
# organisation schemas, bounding each PostgreSQL backend's catalogue cache
# (tenants/connection_lifetime.py, infra/README.md "PostgreSQL for a large estate"); 0 = no limit.
DATABASE_SCHEMAS_PER_CONNECTION = ENV.database_schemas_per_connection

# A catalogue table of this database (pg_class above all) holding more dead rows than this is
# vacuumed by beat and by `goldenthread migrate` (tenants/catalogue_upkeep.py): autovacuum's
# 20% of a million-row pg_class at 2,000 organisations would leave ~200,000 in place.
CATALOGUE_VACUUM_DEAD_ROWS = ENV.catalogue_vacuum_dead_rows

# Environment modules call database_settings() once they know the URL (development and
# test may start an embedded PostgreSQL first; production insists on DATABASE_URL).
DATABASES: dict = {}

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "goldenthread.platform.accounts.services.backends.OrganisationUserBackend"
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
# NCSC guidance: length over composition (no character-class rules, no forced expiry), a deny
# list of common and breached passwords, nothing about the person or their organisation.
# Every place a password is set runs these (`accounts.services.passwords`).
_PASSWORDS = "goldenthread.platform.accounts.services.passwords"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_PASSWORDS}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_PASSWORDS}.CommonPasswordValidator"},
    {"NAME": f"{_PASSWORDS}.PersonalDetailsValidator"},
    {"NAME": f"{_PASSWORDS}.OrganisationNameValidator"},
]

# Brute-force protection (`accounts.domain.lockout`, `accounts.services.lockout`): failures
# per account (the e-mail typed) and per client address, each within a window; reaching a
# limit locks for `lock_seconds`, doubling for each further lock within a day, up to the cap.
# Password reset counts every request. The MFA step uses the "mfa" limits. Counts live in
# the cache (Redis outside tests' own), keyed by schema: organisations never share a count.
_LOCK = ENV.sign_in_lock_minutes * 60
AUTHENTICATION_LIMITS = {
    "sign_in": {
        "account": {
            "failures": ENV.sign_in_account_failures,
            "window_seconds": 15 * 60,
            "lock_seconds": _LOCK,
            "max_lock_seconds": 24 * 3600,
        },
        "address": {
            "failures": ENV.sign_in_address_failures,
            "window_seconds": 15 * 60,
            "lock_seconds": _LOCK,
            "max_lock_seconds": 24 * 3600,
        },
    },
    "mfa": {
        "account": {
            "failures": 5,
            "window_seconds": 15 * 60,
            "lock_seconds": _LOCK,
            "max_lock_seconds": 24 * 3600,
        },
        "address": {
            "failures": ENV.sign_in_address_failures,
            "window_seconds": 15 * 60,
            "lock_seconds": _LOCK,
            "max_lock_seconds": 24 * 3600,
        },
    },
    "password_reset": {
        "account": {
            "failures": ENV.password_reset_requests_per_hour,
            "window_seconds": 3600,
            "lock_seconds": 3600,
            "max_lock_seconds": 3600,
        },
        "address": {
            "failures": ENV.password_reset_requests_per_hour * 4,
            "window_seconds": 3600,
            "lock_seconds": 3600,
            "max_lock_seconds": 3600,
        },
    },
}
# Requests behind this many proxies of our own read the client address from X-Forwarded-For
# (the entry that many places from the right); 0 = the connection's address.
TRUSTED_PROXY_COUNT = ENV.trusted_proxy_count
SESSION_COOKIE_SECURE = ENV.secure_cookies
CSRF_COOKIE_SECURE = ENV.secure_cookies
SESSION_COOKIE_HTTPONLY = True
# Sessions (accounts.pages.middleware.SessionLifetimeMiddleware): any session ends this long
# after its sign-in, however active; the idle timeout is each organisation's own setting.
SESSION_ABSOLUTE_LIFETIME_SECONDS = ENV.session_lifetime_hours * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME_SECONDS
# The warning before an idle session ends, and how often activity is written to the session.
SESSION_IDLE_WARNING_SECONDS = 5 * 60
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
# The sign-in record (`accounts.AuthenticationEvent`) is deleted after this many days by a
# nightly task (`accounts.tasks.delete_old_authentication_events`). 400: a full year of
# history, for a yearly audit or an incident noticed late, plus a month to investigate;
# not longer, since the rows hold addresses and the e-mail addresses people typed.
AUTHENTICATION_EVENT_RETENTION_DAYS = ENV.authentication_event_retention_days
if AUTHENTICATION_EVENT_RETENTION_DAYS < 1:
    raise ValueError("AUTHENTICATION_EVENT_RETENTION_DAYS must be at least 1")
# Single sign-on: the keys that encrypt each organisation's client secret
# (`accounts.services.sso.secrets`). Unset: a key derived from SECRET_KEY, for development and
# tests only (production refuses to start without SSO_ENCRYPTION_KEYS).
SSO_ENCRYPTION_KEYS = list(ENV.sso_encryption_keys) or [
    base64.urlsafe_b64encode(hashlib.sha256(f"sso:{ENV.secret_key}".encode()).digest()).decode()
]
# How long a provider's discovery document and signing keys are kept before being fetched
# again (a key the cache does not know makes us fetch at once: providers rotate keys).
SSO_METADATA_CACHE_SECONDS = 3600
SSO_HTTP_TIMEOUT_SECONDS = 10

# --- response headers on every page (production adds HSTS and the HTTPS redirect) ----------
# Content-Security-Policy (django-csp): our own origin only, no inline code. A template that
# cannot avoid an inline <script>/<style> gives it nonce="{{ request.csp_nonce }}"; the
# nonce is put in the header only on responses that used it. Views needing more say so with
# csp.decorators.csp_update (the API docs' worker, GraphiQL's pinned CDN files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, switched off for every page and anything it might embed
# (core.middleware.PermissionsPolicyMiddleware). publickey-credentials-create and -get are
# left at their default, our own origin: the MFA and sign-in pages use security keys.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- i18n / time ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = LOCAL_STATE_DIR / "staticfiles"
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = LOCAL_STATE_DIR / "media"
# Organisation exports (ZIP archives) and per-schema backups (pg_dump files): both hold an
# organisation's whole data, so keep them off the web root (tenants/archive).
ARCHIVE_DIR = LOCAL_STATE_DIR / "archives"
BACKUP_DIR = LOCAL_STATE_DIR / "backups"
BACKUP_RETENTION_DAYS = 35
BACKUP_KEEP_AT_LEAST = 7
EXPORT_RETENTION_DAYS = 14
ARCHIVE_IMPORT_LIMITS: dict = {}
# The largest archive the helpdesk may upload to import (console and helpdesk REST); the
# command line reads any file up to ARCHIVE_IMPORT_LIMITS' max_archive_bytes (2 GiB).
ARCHIVE_IMPORT_MAX_UPLOAD_BYTES = 1024**3
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- caches: keys carry the schema so one organisation never reads another's entry ----------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}


def redis_cache_settings(url: str, *, key_prefix: str = "") -> dict:
    """The cache every process shares (throttle and lockout counts must be shared): Redis, as
    in production. Environment modules call it once they know the broker's URL."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }


# --- REST -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "goldenthread.platform.accounts.rest.authentication.ApiCredentialAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: DRF's browsable API pages use inline styles the Content-Security-Policy
    # refuses, and offer forms for writes; people read the API at /api/docs/ instead.
    "DEFAULT_RENDERER_CLASSES": ["goldenthread.platform.core.renderers.ApiJSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "goldenthread.platform.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "goldenthread.platform.core.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Golden Thread API",
    "DESCRIPTION": "Performance management for UK councils and their partners. "
    "Every request is scoped to the organisation named by the host.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API docs page runs Swagger UI from drf-spectacular-sidecar (version pinned in the
    # lock, served by WhiteNoise), never from a CDN; read-only (no "Try it out").
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {
        "supportedSubmitMethods": [],
        "deepLinking": True,
        "validatorUrl": None,
    },
    # Django's `int` converter matches digits only: a negative id is no route at all.
    "PATH_CONVERTER_OVERRIDES": {"int": {"type": "integer", "minimum": 0}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "goldenthread.platform.core.openapi.document_invalid_pages",
        "goldenthread.platform.core.openapi.document_throttling",
    ],
    "ENUM_NAME_OVERRIDES": {
        # One name for a choice set used by fields of different names (to_zone, monitoring_zone).
        "MonitoringZoneEnum": "goldenthread.platform.planning.domain.choices.MonitoringZone",
        # Every kind's setting is one of the same three deliveries.
        "NotificationDeliveryEnum": "goldenthread.platform.notifications.domain.choices.Delivery",
        # Support: two fields named "kind" (an access's, a request's).
        "SupportAccessKindEnum": "goldenthread.tenants.support.domain.choices.AccessKind",
        "SupportRequestKindEnum": "goldenthread.tenants.support.domain.choices.RequestKind",
        "SupportRequestStatusEnum": "goldenthread.tenants.support.domain.choices.RequestStatus",
        "AnnouncementKindEnum": "goldenthread.tenants.support.domain.choices.AnnouncementKind",
        # Licensed modules, in the helpdesk API's fields (code, modules, licensed_modules).
        "ModuleEnum": "goldenthread.tenants.models.Module",
    },
}

# API budgets (`core.throttling`, REST through `OrganisationApi` and the GraphQL endpoint):
# "N/second|minute|hour|day", comma-separated windows, per API credential and per user (all
# their keys and their session together), counted per organisation. Over budget: 429 with
# Retry-After.
API_RATES = {"credential": ENV.api_rate_per_credential, "user": ENV.api_rate_per_user}
# An API key's "last used" is written at most once per this many seconds (the account page
# shows it to the minute; a write on every authenticated read cost throughput, issue #16).
API_KEY_LAST_USED_RESOLUTION = 5 * 60
# Cached reads (`core.cached_reads`, the REST PI list): encoded answers kept in each serving
# process while the organisation's change generation stands, up to this many bytes per
# process (0: no cache) and this many seconds (the bound on what a write made outside the
# platform, by psql, can leave stale).
READ_CACHE_MAX_BYTES = ENV.read_cache_max_bytes
READ_CACHE_SECONDS = ENV.read_cache_seconds

# --- GraphQL --------------------------------------------------------------------------------
GRAPHENE = {"SCHEMA": "goldenthread.graphql.api.schema"}
# Limits every operation must keep to before anything runs (graphql/core/limits.py); each
# refusal names the limit and carries its own extensions.code. Introspection counts too.
# Fields on the deepest path (QUERY_TOO_DEEP).
GRAPHQL_MAX_DEPTH = 8
# The same under __schema/__type: the standard introspection query (GraphiQL's) needs 15.
GRAPHQL_MAX_INTROSPECTION_DEPTH = 15
# Field selections, fragments expanded per spread (QUERY_TOO_MANY_FIELDS); the standard
# introspection query has about 230.
GRAPHQL_MAX_FIELDS = 500
# Aliased fields: how one request repeats an expensive field (QUERY_TOO_MANY_ALIASES).
GRAPHQL_MAX_ALIASES = 30
# Distinct period selections (asOf, periods, periodCodes, firstPeriod/lastPeriod), each a
# separate read of shared data and a row in its owners' read log (QUERY_TOO_MANY_PERIODS).
GRAPHQL_MAX_PERIOD_SELECTIONS = 4
# Estimated fields resolved, lists multiplied by the sizes the query gives (first, periods,
# periodCodes) or their registered sizes (QUERY_TOO_COMPLEX).
GRAPHQL_MAX_COMPLEXITY = 250_000
# __schema and __type (and so GraphiQL's documentation); off in production unless the
# environment sets GRAPHQL_INTROSPECTION=1. __typename is always answered.
GRAPHQL_INTROSPECTION = True

# --- Performance indicators -------------------------------------------------------------
# When an entered value is "far" from the previous period's, so the provider must confirm it
# with a note (indicators.domain.validation.ChangeRule): more than 5x the median absolute
# change of the PI's last 9 values (and more than 10% of the previous value), or, with fewer
# than 4 earlier values, more than 3x or less than a third of the previous value.
INDICATOR_UNUSUAL_CHANGE = {
    "usual_change_multiple": "5",
    "minimum_relative_change": "0.1",
    "ratio_without_history": "3",
    "minimum_history": 4,
    "history": 9,
}

# When an entered value is far from the PI's own history, so the provider must confirm it with
# a note (indicators.domain.anomaly.AnomalyRule): more than `threshold` robust spreads (scaled
# median absolute deviation, at least 5% of the median) from both the same period's median in
# the last 5 years (with at least 3 of them) and the median of the last 12 values (at least 6).
INDICATOR_ANOMALY = {
    "threshold": "4",
    "minimum_relative_spread": "0.05",
    "minimum_same_period": 3,
    "minimum_recent": 6,
    "recent": 12,
    "years": 5,
    # Against consented benchmarking peers (same catalogue indicator and period).
    "peer_threshold": "4",
    "minimum_peers": 5,
}

# --- Celery, e-mail -------------------------------------------------------------------------
# Environment modules fill CELERY_BROKER_URL in the same way as DATABASES.
CELERY = celery_settings()
EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS = (
    email_settings(ENV.email_url)
)
DEFAULT_FROM_EMAIL = ENV.default_from_email

# --- OpenTelemetry --------------------------------------------------------------------------
OTEL_TRACES_EXPORTER = ENV.otel_exporter
OTEL_EXPORTER_OTLP_ENDPOINT = ENV.otel_endpoint
OTEL_SERVICE_NAME = ENV.otel_service_name
# console | otlp | none (`platform.metrics`); development prints to the console.
OTEL_METRICS_EXPORTER = os.environ.get("OTEL_METRICS_EXPORTER") or "none"

# json (one object per line with trace id, organisation, request id) | text.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or "json"
LOGGING = logging_config(LOG_FORMAT)

REPO_DIR = REPO_ROOT

# --- deleting organisations; light partner organisations (docs/architecture.md) ------------
# Days an organisation stays suspended after deletion is asked for, before the purge.
ORGANISATION_DELETION_GRACE_DAYS = 30
# What a partnership may do without the helpdesk: invite bodies not yet on the platform.
LIGHT_PARTNER_INVITATION_DAYS = 14  # how long an invitation's link works
LIGHT_PARTNERS_PER_PARTNERSHIP = 25  # light organisations created through one partnership
LIGHT_PARTNER_INVITATIONS_PER_DAY = 20  # invitations one partnership may send in 24 hours
LIGHT_PARTNERS_PER_DAY = 50  # light organisations the whole platform creates in 24 hours
