"""Production settings refuse an unsafe configuration and say why; `.env.example` and the
README list every variable the settings read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_MODULE = REPO_ROOT / "platform" / "settings" / "environment.py"

SAFE = {
    "SECRET_KEY": "k" * 20 + "3f9a-unguessable-production-secret-value-0c1d",
    "DEBUG": "0",
    "DATABASE_URL": "postgres://goldenthread@db.internal:5432/goldenthread",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "PLATFORM_DOMAIN": "goldenthread.example.org",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.org:587?tls=1",
    "SSO_ENCRYPTION_KEYS": "Jl5n9pV0bq8o4oQ7mH4l3x1zT5aG2cR6eW8yU0iK3sE=",
}


def variables_read_by_settings() -> set[str]:
    source = ENVIRONMENT_MODULE.read_text()
    return set(re.findall(r'(?:os\.environ\.get|_flag|_number)\(\s*"([A-Z0-9_]+)"', source))


def import_production_settings(
    *, then: str = "", **overrides: str | None
) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter with exactly this configuration
    (and run the code `then`)."""
    env = {k: v for k, v in os.environ.items() if k not in variables_read_by_settings()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for name, value in {**SAFE, **overrides}.items():
        if value is not None:
            env[name] = value
    code = (
        "import os, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'goldenthread.platform.settings.production'\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "print('DEBUG', settings.DEBUG, 'HSTS', settings.SECURE_HSTS_SECONDS)\n"
        "print('GRAPHQL_INTROSPECTION', settings.GRAPHQL_INTROSPECTION)\n" + then
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_safe_production_environment_imports():
    result = import_production_settings()
    assert result.returncode == 0, result.stderr
    assert "DEBUG False HSTS 31536000" in result.stdout


PROBE_SECURITY_MIDDLEWARE = """
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
middleware = SecurityMiddleware(lambda request: HttpResponse("ok"))
factory = RequestFactory()
plain = middleware(factory.get("/indicators/", HTTP_HOST="alpha.goldenthread.example.org"))
print("PLAIN", plain.status_code, plain.get("Location"))
probe = middleware(factory.get("/healthz", HTTP_HOST="alpha.goldenthread.example.org"))
print("PROBE", probe.status_code)
proxied = middleware(factory.get(
    "/indicators/", HTTP_HOST="alpha.goldenthread.example.org", HTTP_X_FORWARDED_PROTO="https"
))
print("HTTPS", proxied.status_code, proxied.get("Strict-Transport-Security"))
print("REFERRER", proxied.get("Referrer-Policy"))
"""


def test_production_redirects_to_https_and_sends_hsts_for_every_subdomain():
    result = import_production_settings(then=PROBE_SECURITY_MIDDLEWARE)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    # Plain HTTP (no X-Forwarded-Proto from the proxy) is sent to HTTPS, except the probe.
    assert lines["PLAIN"] == "301 https://alpha.goldenthread.example.org/indicators/"
    assert lines["PROBE"] == "200"
    # Behind the proxy, HTTPS requests carry HSTS for a year, subdomains included.
    assert lines["HTTPS"] == "200 max-age=31536000; includeSubDomains"
    assert lines["REFERRER"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set to a random value"),
        ({"SECRET_KEY": "short-secret"}, "SECRET_KEY must be set to a random value"),
        ({"DEBUG": "1"}, "DEBUG must be off in production"),
        ({"DEBUG": "true"}, "DEBUG must be off in production"),
        ({"DATABASE_URL": None}, "DATABASE_URL must name the production PostgreSQL server"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL must name the production broker"),
        ({"PLATFORM_DOMAIN": None}, "PLATFORM_DOMAIN must be the public domain"),
        # Set-password links must not reach the logs, nor be lost.
        ({"EMAIL_URL": None}, "EMAIL_URL must be an smtp:// URL in production, not console://"),
        ({"EMAIL_URL": "console://"}, "which console:// would write to the logs"),
        ({"EMAIL_URL": "locmem://"}, "not locmem://"),
        ({"SSO_ENCRYPTION_KEYS": None}, "SSO_ENCRYPTION_KEYS must hold at least one Fernet key"),
        ({"SSO_ENCRYPTION_KEYS": "not-a-key"}, "SSO_ENCRYPTION_KEYS must be Fernet keys"),
    ],
)
def test_an_unsafe_production_environment_is_refused_with_the_reason(overrides, problem):
    result = import_production_settings(**overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Refusing to start with an unsafe production configuration" in (
        result.stderr
    )
    assert problem in result.stderr
    # Only the problem that exists is reported.
    assert result.stderr.count("\n- ") == 1


def test_development_keeps_printing_e_mail_to_the_console():
    """Locally the links are wanted on the console (`make demo` has no mail server)."""
    env = {k: v for k, v in os.environ.items() if k not in variables_read_by_settings()}
    env.update(
        DJANGO_SETTINGS_MODULE="goldenthread.platform.settings.development",
        DATABASE_URL=SAFE["DATABASE_URL"],
        CELERY_BROKER_URL=SAFE["CELERY_BROKER_URL"],
    )
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.EMAIL_BACKEND)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_every_problem_is_named_at_once():
    result = import_production_settings(SECRET_KEY=None, DEBUG="1", DATABASE_URL=None)
    assert result.returncode != 0
    for problem in ("SECRET_KEY must be set", "DEBUG must be off", "DATABASE_URL must name"):
        assert problem in result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    read = variables_read_by_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "PLATFORM_DOMAIN"} <= read  # the scan works
    example = (REPO_ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert read - listed == set(), "missing from .env.example"


def test_readme_configuration_table_lists_every_variable_the_settings_read():
    readme = (REPO_ROOT / "README.md").read_text()
    in_table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))
    assert variables_read_by_settings() - in_table == set(), "missing from the README table"
