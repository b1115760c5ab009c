"""What the provisioning benchmarks share: a throw-away database beside the configured one, and
one timed `organisation_create`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

SETTINGS_MODULE = "goldenthread.platform.settings.development"


@contextmanager
def throwaway_database(suffix: str, *, keep: bool = False, reuse: bool = False) -> Iterator[str]:
    """Point DATABASE_URL at `<configured name><suffix>` on the same server (never the
    configured database itself, and named after it so that two checkouts sharing a server do
    not drop each other's) for the duration; yields its URL. It is created afresh (dropping
    one an interrupted run left) unless `reuse`, and dropped at the end unless `keep` or
    `reuse`."""
    from goldenthread.platform.devtools.database import (
        database_name,
        drop_database,
        ensure_database,
        with_database_name,
    )
    from goldenthread.platform.devtools.services import available_services

    with available_services():
        configured = os.environ["DATABASE_URL"]
        name = f"{database_name(configured)}{suffix}"
        url = with_database_name(configured, name)
        if not reuse:
            drop_database(url)
        ensure_database(url)
        print(f"benchmark database: {name} (beside {database_name(configured)})", flush=True)
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
        try:
            yield url
        finally:
            if "django.db" in sys.modules:  # Django was set up inside
                from django.db import connections

                connections.close_all()
            if keep or reuse:
                print(f"kept {name}", flush=True)
            else:
                drop_database(url)
                print(f"dropped {name}", flush=True)


def timed_organisation_create(*, slug: str, name: str):
    """The whole of provisioning (row, schema copied from the template, domain, first
    administrator with a generated password, audit), timed: (provisioned, seconds)."""
    from goldenthread.tenants.services import organisation_create

    started = time.perf_counter()
    provisioned = organisation_create(
        name=name,
        slug=slug,
        type="district",
        admin_email=f"admin@{slug}.example",
        admin_name="Bench Administrator",
    )
    return provisioned, time.perf_counter() - started
