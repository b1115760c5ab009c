"""One function per integration, turning environment values into Django settings."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}


def email_settings(url: str) -> tuple[str, str, int, str, str, bool]:
    """Parse EMAIL_URL, e.g. `smtp://user:password@mail.example.org:587?tls=1` or `console://`."""
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_BACKENDS:
        raise ValueError(
            f"EMAIL_URL scheme {parts.scheme!r} is not one of {sorted(EMAIL_BACKENDS)}"
        )
    query = parse_qs(parts.query)
    use_tls = query.get("tls", ["0"])[0] in {"1", "true", "yes"}
    return (
        EMAIL_BACKENDS[parts.scheme],
        parts.hostname or "localhost",
        parts.port or 25,
        unquote(parts.username or ""),
        unquote(parts.password or ""),
        use_tls,
    )


def celery_settings() -> dict:
    return {
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_backend": None,
        "task_ignore_result": True,
        "task_acks_late": True,
        # A worker process killed mid-task (SIGKILL, out of memory) puts the message back
        # instead of acknowledging it as failed: with late acks alone the task would be lost.
        # Every task is idempotent (publication reads the value afresh and keeps identical
        # figures as they are), so running one again after a crash is safe.
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "timezone": "Europe/London",
        "beat_schedule": {},
    }
