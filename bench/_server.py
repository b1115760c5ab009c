"""What the server benchmarks share (`throughput.py`, `soak.py`): a throw-away database,
one organisation filled as `report.py` fills it, and gunicorn started with the production
settings module (`goldenthread.platform.gunicorn_conf`) on a free local port.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Budgets far above any benchmark's load: their counting is measured, their 429s would not be.
UNREACHED_BUDGET = "100000000/minute"


@contextmanager
def bench_database(*, keep: bool, environment: dict[str, str] | None = None) -> Iterator[str]:
    """A fresh `<DATABASE_URL's name>_bench` database for the block (dropped after it unless
    `keep`), with the services it needs running, DEBUG off and Django set up on it; yields
    its name. `environment` is set too (defaults only: the caller's environment wins)."""
    from goldenthread.platform.devtools.database import (
        drop_database,
        ensure_database,
        with_database_name,
    )
    from goldenthread.platform.devtools.services import available_services

    with available_services():
        name = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}_bench"
        bench_url = with_database_name(os.environ["DATABASE_URL"], name)
        drop_database(bench_url)
        ensure_database(bench_url)
        os.environ["DATABASE_URL"] = bench_url
        os.environ["DEBUG"] = "0"
        for variable, value in (environment or {}).items():
            os.environ.setdefault(variable, value)
        os.environ.setdefault(
            "DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development"
        )
        import django

        django.setup()
        try:
            yield name
        finally:
            from django.db import connections

            connections.close_all()
            if keep:
                print(f"kept {name}")
            else:
                drop_database(bench_url)
                print(f"dropped {name}")


def bench_organisation(*, name: str, slug: str, pis: int) -> tuple[Any, dict]:
    """Migrates the bench database and provisions one organisation with `pis` PIs (eight
    quarters of values and targets each, `report.populate`), then ANALYZEs its tables.
    Returns (organisation, the facts `populate` returns). Call inside `bench_database`."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context
    from report import populate

    from goldenthread.tenants.services import organisation_create

    call_command("migrate", verbosity=0)
    organisation = organisation_create(
        name=name,
        slug=slug,
        type="unitary",
        admin_email=f"admin@{slug}.example",
        admin_name="Bench Administrator",
    ).organisation
    with schema_context(organisation.schema_name):
        facts = populate(pis=pis, years=2)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return organisation, facts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    port: int,
    log_dir: Path,
    *,
    workers: int | None = None,
    threads: int | None = None,
    worker_class: str | None = None,
    reuse_port: bool | None = None,
    environment: dict[str, str] | None = None,
) -> subprocess.Popen:
    """gunicorn with `gunicorn_conf` (its GUNICORN_* variables set from the arguments given,
    and `environment`'s), DEBUG off, no tracing or metrics export, unreached budgets; returns
    once `/livez` answers.
    Its log and the application's go to files in `log_dir`."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "OTEL_TRACES_EXPORTER": "none",
        "OTEL_METRICS_EXPORTER": "none",
        "API_RATE_PER_CREDENTIAL": UNREACHED_BUDGET,
        "API_RATE_PER_USER": UNREACHED_BUDGET,
        **(environment or {}),
    }
    for variable, value in (
        ("GUNICORN_WORKERS", workers),
        ("GUNICORN_THREADS", threads),
        ("GUNICORN_WORKER_CLASS", worker_class),
        ("GUNICORN_REUSE_PORT", None if reuse_port is None else int(reuse_port)),
    ):
        if value is not None:
            env[variable] = str(value)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "goldenthread.platform.wsgi:application",
        "-c",
        "python:goldenthread.platform.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        str(log_dir / "gunicorn.log"),
    ]
    # The application's own request log lines go to a file too, as a server's would.
    log = (log_dir / "app.log").open("a")
    process = subprocess.Popen(  # noqa: S603
        command, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/livez")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not start; see " + str(log_dir / "gunicorn.log"))


def stop(*processes: subprocess.Popen) -> None:
    """SIGTERM to each process group (gunicorn's master and workers, Celery's pool), then
    SIGKILL to any still running a minute later."""
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
