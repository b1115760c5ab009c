"""Production: refuses to start with an unsafe configuration and says why."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ENV, database_settings
from .environment import INSECURE_DEFAULT_SECRET


def unsafe_configuration_problems(env) -> list[str]:
    problems = []
    if env.secret_key == INSECURE_DEFAULT_SECRET or len(env.secret_key) < 40:
        problems.append("SECRET_KEY must be set to a random value of at least 40 characters")
    if env.debug:
        problems.append("DEBUG must be off in production (unset it or set DEBUG=0)")
    if not env.database_url:
        problems.append("DATABASE_URL must name the production PostgreSQL server")
    if not env.broker_url:
        problems.append("CELERY_BROKER_URL must name the production broker")
    if env.platform_domain in {"localhost", ""}:
        problems.append("PLATFORM_DOMAIN must be the public domain organisations are served under")
    scheme = env.email_url.split("://", 1)[0].lower()
    if scheme != "smtp":
        # console:// writes each e-mail, one-time set-password links included, to the log,
        # where whoever reads the logs could take over a new account; locmem:// keeps mail in
        # memory, where nobody receives the link at all.
        problems.append(
            f"EMAIL_URL must be an smtp:// URL in production, not {scheme}://: invitations and "
            "password resets carry one-time set-password links, which console:// would write "
            "to the logs (anyone reading them could take over the account) and locmem:// would "
            "never deliver"
        )
    problems.extend(_sso_key_problems(env))
    return problems


def _sso_key_problems(env) -> list[str]:
    from cryptography.fernet import Fernet

    if not env.sso_encryption_keys:
        return [
            "SSO_ENCRYPTION_KEYS must hold at least one Fernet key (it encrypts organisations' "
            "single sign-on secrets)"
        ]
    for key in env.sso_encryption_keys:
        try:
            Fernet(key)
        except ValueError:
            return ["SSO_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)"]
    return []


_problems = unsafe_configuration_problems(ENV)
if _problems:
    raise ImproperlyConfigured(
        "Refusing to start with an unsafe production configuration:\n- " + "\n- ".join(_problems)
    )

DEBUG = False
DATABASES = database_settings(ENV.database_url)
CELERY_BROKER_URL = ENV.broker_url
# The schema is documented for our clients; strangers get no map of it.
GRAPHQL_INTROSPECTION = ENV.graphql_introspection
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HTTPS only. Plain HTTP is redirected; browsers are told to use HTTPS for a year on the
# platform domain and every organisation's subdomain (includeSubDomains covers <slug>.<domain>).
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Behind the TLS-terminating proxy / load balancer, which must set X-Forwarded-Proto on every
# request and strip any the client sent; otherwise a client could claim HTTPS. The load
# balancer's health probe is exempt from the redirect (it speaks plain HTTP inside).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": ENV.broker_url,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
