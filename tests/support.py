"""Helpers shared by tests that run our real console script in a subprocess."""

from __future__ import annotations

import os
from urllib.parse import quote

from django.db import connection


def test_database_url() -> str:
    """A DATABASE_URL naming this run's test database, for a child process.

    The host may be a Unix-socket folder (the embedded PostgreSQL), so it is percent-encoded.
    """
    db = connection.settings_dict
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = quote(db["USER"] or "", safe="")
    return f"postgres://{user}{password}@{quote(host, safe='')}{port}/{db['NAME']}"


def test_database_conninfo() -> str:
    """`test_database_url` as `psycopg.connect` takes it: for a session of the test's own
    beside Django's (to hold a lock, or to watch another backend)."""
    return test_database_url().replace("postgres://", "postgresql://", 1)


def session_blocked_by(watcher, holder_pid: int) -> int | None:
    """The backend that waits on a lock the backend `holder_pid` holds, or None while none
    does. `watcher` must be in autocommit: a transaction sees one snapshot of
    pg_stat_activity, so it would never see the waiter arrive."""
    row = watcher.execute(
        "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [holder_pid]
    ).fetchone()
    return row[0] if row else None


def subprocess_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "goldenthread.platform.settings.test",
    }


def choose_password_through_link(client, link: str, password: str) -> None:
    """Follow a set-password (invitation or reset) link as its recipient would, and choose
    `password`. `client` must be on the link's host."""
    from urllib.parse import urlsplit

    opened = client.get(urlsplit(link).path, follow=True)
    assert opened.status_code == 200 and "new_password1" in opened.content.decode(), (
        "the set-password link did not open the form"
    )
    form_path = opened.redirect_chain[-1][0] if opened.redirect_chain else urlsplit(link).path
    chosen = client.post(form_path, {"new_password1": password, "new_password2": password})
    assert chosen.status_code == 302, chosen.content.decode()[:500]


def mailed_invitation_link(mailoutbox, *, organisation, email: str, base_url: str) -> str:
    """Run the invitation task (the worker's own code, here in-process) for `email` in the
    organisation's schema and return the set-password link from the e-mail it sent: the only
    place the link exists."""
    import re

    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.accounts.tasks import send_invitation_email

    with schema_context(organisation.schema_name):
        assert send_invitation_email(User.objects.get(email=email).pk, base_url)
    message = next(m for m in reversed(mailoutbox) if m.to == [email])
    return re.search(r"https?://\S+/accounts/password-reset/\S+/", message.body).group(0)


def outbox_messages(task, *args) -> list:
    """The outbox messages waiting for `task` whose arguments start with `args`, oldest
    first (in a test's transaction their on-commit send never happens, so they stay)."""
    from django_tenants.utils import get_public_schema_name, schema_context

    from goldenthread.shared_indicators.publication.models import OutboxMessage

    with schema_context(get_public_schema_name()):
        rows = OutboxMessage.objects.filter(task_name=task.name).order_by("id")
        return [row for row in rows if row.args[: len(args)] == list(args)]


def run_outbox_messages(task, *args) -> list:
    """Run, in this process and in the schema each was queued for, what the worker would
    run for the waiting messages of `task` (see `outbox_messages`); returns what each
    returned. The worker's own code, without a broker: for tests in a rolled-back
    transaction, which a real worker could not see."""
    from django_tenants.utils import schema_context

    results = []
    for message in outbox_messages(task, *args):
        with schema_context(message.schema_name):
            results.append(task.run(*message.args))
    return results
