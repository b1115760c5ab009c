"""`make demo`: prepare the database, then run the web server, a Celery worker and beat in the
foreground until Ctrl-C.

    python -m goldenthread.platform.devtools.demo [--port 8000] [--bind 127.0.0.1]

It listens on loopback only: the demo runs with DEBUG on and publishes its passwords, so it
must not be reachable from the network unless the developer asks (`make demo BIND=0.0.0.0`).

Steps, each safe to repeat: create the database if the server lacks it, `goldenthread migrate`,
`collectstatic`, `goldenthread demo_seed`. Then three children, each in its own process group
so that one Ctrl-C reaches only this supervisor, which stops them in an orderly way (SIGTERM:
a warm shutdown for Celery, a graceful one for gunicorn). If any child dies the others are
stopped too and the demo exits with a message naming it.

The web server is gunicorn rather than `runserver`: it is what production runs (see infra/),
so the demo also exercises the WSGI entry point and static files served by WhiteNoise from
`collectstatic`'s output, and it stops cleanly on SIGTERM with no autoreloader process to chase.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from goldenthread.platform.settings.environment import LOCAL_STATE_DIR, read_environment

from .database import ensure_database
from .demo_data import (
    DEMO_ORGANISATIONS,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    HELPDESK_EMAIL,
)
from .services import available_services

STOP_SECONDS = 25
WEB_READY_SECONDS = 60


class StopRequested(Exception):
    """Ctrl-C or SIGTERM arrived while preparing; nothing is running yet to stop."""


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    _pump: threading.Thread | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed commands from this module
            self.argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            text=True,
            bufsize=1,
        )
        self._pump = threading.Thread(target=self._prefix_output, daemon=True)
        self._pump.start()

    def _prefix_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            print(f"{self.name:>6} | {line}", end="", flush=True)

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()

    def kill_group(self) -> None:
        """Kill the child and anything it left behind (gunicorn or Celery pool processes)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def finish_output(self) -> None:
        if self._pump is not None:
            self._pump.join(timeout=2)


class Supervisor:
    """Runs the steps and the children; turns the first SIGINT/SIGTERM into an orderly stop."""

    def __init__(self) -> None:
        self.stop_signal: int | None = None
        self.children: list[Child] = []

    def on_signal(self, signum: int, _frame) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum
            print(f"\n{signal.Signals(signum).name} received: stopping the demo…", flush=True)

    def run_step(self, title: str, argv: list[str], env: dict[str, str]) -> None:
        print(f"==> {title}: {' '.join(_display(argv))}", flush=True)
        step = subprocess.Popen(argv, env=env, start_new_session=True)  # noqa: S603
        while step.poll() is None:
            if self.stop_signal is not None:
                step.terminate()
                step.wait()
                raise StopRequested
            time.sleep(0.1)
        if step.returncode != 0:
            raise SystemExit(f"\n`{' '.join(_display(argv))}` failed (exit {step.returncode}).")

    def start(self, children: list[Child], env: dict[str, str]) -> None:
        for child in children:
            print(f"==> starting {child.name}: {' '.join(_display(child.argv))}", flush=True)
            child.start(env)
            self.children.append(child)

    def first_exited(self) -> Child | None:
        return next((c for c in self.children if c.exit_code() is not None), None)

    def wait_until_web_answers(self, port: int) -> bool:
        deadline = time.monotonic() + WEB_READY_SECONDS
        while time.monotonic() < deadline:
            if self.stop_signal is not None or self.first_exited() is not None:
                return False
            if _answers_http(port):
                return True
            time.sleep(0.2)
        print(f"The web server did not answer within {WEB_READY_SECONDS}s.", flush=True)
        return False

    def watch(self) -> int:
        """Block until a signal or a child's death; returns the exit code for the demo."""
        while self.stop_signal is None:
            dead = self.first_exited()
            if dead is not None:
                print(
                    f"\n{dead.name} stopped unexpectedly (exit code {dead.exit_code()}); "
                    "stopping the rest of the demo.",
                    flush=True,
                )
                return 1
            time.sleep(0.2)
        return 0

    def stop_all(self) -> None:
        for child in reversed(self.children):
            child.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for child in reversed(self.children):
            assert child.process is not None
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                child.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                print(f"{child.name} did not stop within {STOP_SECONDS}s; killing it.", flush=True)
            # Sweep the child's process group either way: nothing of the demo outlives it.
            child.kill_group()
            child.finish_output()
            print(f"==> {child.name} stopped", flush=True)


def _display(argv: list[str]) -> list[str]:
    """Commands as a person would type them (`goldenthread …`, `celery …`)."""
    if argv[:2] == [sys.executable, "-m"]:
        module = argv[2]
        shown = {
            "goldenthread.platform.cli": "goldenthread",
            "celery": "celery",
            "gunicorn": "gunicorn",
        }
        return [shown.get(module, f"python -m {module}"), *argv[3:]]
    return argv


def _answers_http(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz", headers={"Host": "localhost"})
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def _port_is_free(bind: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((bind, port))
        except OSError:
            return False
    return True


def _goldenthread(*args: str) -> list[str]:
    return [sys.executable, "-m", "goldenthread.platform.cli", *args]


def children(*, bind: str, port: int, state_dir: Path) -> list[Child]:
    celery = [sys.executable, "-m", "celery", "-A", "goldenthread.platform.celery_app"]
    return [
        Child(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "goldenthread.platform.wsgi:application",
                "--bind",
                f"{bind}:{port}",
                "-c",
                "python:goldenthread.platform.gunicorn_conf",
                "--graceful-timeout",
                "10",
                "--access-logfile",
                "-",
            ],
        ),
        Child("worker", [*celery, "worker", "-l", "info", "-n", "demo@%h"]),
        Child(
            "beat",
            [*celery, "beat", "-l", "info", "-s", str(state_dir / "celerybeat-schedule")],
        ),
    ]


def sign_in_banner(*, port: int, platform_domain: str, password: str) -> str:
    def url(host: str) -> str:
        return f"http://{host}:{port}/"

    helpdesk_label = "Helpdesk console (platform staff)"
    width = max(len(helpdesk_label), *(len(spec.name) for spec in DEMO_ORGANISATIONS))
    lines = [
        "",
        "=" * 78,
        "Golden Thread demo is running.  Ctrl-C stops it (web, worker, beat and any",
        "embedded database or broker it started).",
        "",
        "Organisations (each on its own host):",
        *(
            f"  {spec.name:<{width}}  {url(f'{spec.slug}.{platform_domain}')}"
            for spec in DEMO_ORGANISATIONS
        ),
        f"  {helpdesk_label:<{width}}  {url(platform_domain)}helpdesk/",
        "",
        f"Demo sign-ins. Every account's password is:  {password}",
        "On each organisation's host, one user per role, <mailbox>@<organisation>.example:",
        *(
            f"  {person.email('<organisation>'):<34} {', '.join(person.roles)}"
            + ("  (access ends in a year)" if person.access_for_days else "")
            for person in DEMO_PEOPLE
        ),
        f"  e.g. on {url(f'ashby-vale.{platform_domain}')}accounts/sign-in/ "
        f"sign in as {DEMO_PEOPLE[0].email('ashby-vale')}",
        f"Helpdesk on {url(platform_domain)}accounts/sign-in/:  {HELPDESK_EMAIL}",
        "",
        "Also: the catalogue at /catalogue/, REST at /api/v1/ (docs at /api/docs/), GraphQL",
        "at /graphql/ and /healthz, on every host.",
        "=" * 78,
        "",
    ]
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--bind", default=os.environ.get("BIND") or "127.0.0.1")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)

    supervisor = Supervisor()
    signal.signal(signal.SIGINT, supervisor.on_signal)
    signal.signal(signal.SIGTERM, supervisor.on_signal)
    if not _port_is_free(args.bind, args.port):
        print(
            f"Port {args.port} is already in use (is another demo running?). Stop that, or "
            f"run `make demo PORT={args.port + 1}`.",
            file=sys.stderr,
        )
        return 1
    LOCAL_STATE_DIR.mkdir(parents=True, exist_ok=True)
    with available_services():
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development"
            ),
            "PYTHONUNBUFFERED": "1",
        }
        try:
            if ensure_database(os.environ["DATABASE_URL"]):
                print("==> created the database named by DATABASE_URL", flush=True)
            supervisor.run_step("migrate", _goldenthread("migrate"), env)
            supervisor.run_step(
                "static files", _goldenthread("collectstatic", "--noinput", "-v", "0"), env
            )
            supervisor.run_step("demo data", _goldenthread("demo_seed"), env)
        except StopRequested:
            print("Stopped before the demo started.", flush=True)
            return 130
        supervisor.start(children(bind=args.bind, port=args.port, state_dir=LOCAL_STATE_DIR), env)
        try:
            if supervisor.wait_until_web_answers(args.port):
                print(
                    sign_in_banner(
                        port=args.port,
                        platform_domain=read_environment(debug_default=True).platform_domain,
                        password=DEMO_PASSWORD,
                    ),
                    flush=True,
                )
                code = supervisor.watch()
            else:
                dead = supervisor.first_exited()
                if dead is not None:
                    print(f"\n{dead.name} exited (code {dead.exit_code()}) while starting.")
                code = 0 if supervisor.stop_signal is not None else 1
        finally:
            supervisor.stop_all()
        print("Demo stopped.", flush=True)
        return code


if __name__ == "__main__":
    sys.exit(main())
