"""A provisioning process for one database, driven line by line: for comparing provisioning in
two databases of one cluster under the same conditions, alternately (bench/estate_scale.py).

Started with DATABASE_URL naming its database, it brings the public and template schemas up
to date, then for each slug read from stdin provisions that organisation and writes the
seconds `organisation_create` took (or `error <message>`) on a line of its own. Given a
`migrations` (module name, folder) pair, it uses that copy of the accounts migrations, so
that its template has the columns the benchmark's new migrations added to the other's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from _throwaway import SETTINGS_MODULE, timed_organisation_create

MIGRATIONS_VARIABLE = "GT_BENCH_ACCOUNTS_MIGRATIONS"  # "<module>:<folder on sys.path>"


class Provisioner:
    """The parent's handle on one provisioning process."""

    def __init__(
        self, database_url: str, label: str, migrations: tuple[str, Path] | None = None
    ) -> None:
        self.label = label
        environment = {**os.environ, "DATABASE_URL": database_url}
        if migrations is not None:
            module, folder = migrations
            environment[MIGRATIONS_VARIABLE] = f"{module}:{folder}"
        environment.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
        self.process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            [sys.executable, str(Path(__file__).resolve())],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answer()  # "ready" once migrated

    def provision(self, slug: str) -> float:
        self.process.stdin.write(slug + "\n")
        self.process.stdin.flush()
        return float(self._answer())

    def _answer(self) -> str:
        line = self.process.stdout.readline().strip()
        if not line or line.startswith("error"):
            raise SystemExit(f"the {self.label} provisioning process failed: {line or 'exited'}")
        return line

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def serve() -> None:
    # The answers own stdout; anything else printed or logged goes to stderr.
    answers, sys.stdout = sys.stdout, sys.stderr
    import django
    from django.core.management import call_command

    django.setup()
    if os.environ.get(MIGRATIONS_VARIABLE):
        from django.conf import settings

        module, folder = os.environ[MIGRATIONS_VARIABLE].split(":", 1)
        sys.path.insert(0, folder)
        settings.MIGRATION_MODULES = {"accounts": module}
    call_command("migrate", interactive=False, verbosity=0)
    print("ready", file=answers, flush=True)
    for line in sys.stdin:
        slug = line.strip()
        try:
            _, seconds = timed_organisation_create(slug=slug, name=f"Council {slug}")
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops
            print(f"error {exc!r}", file=answers, flush=True)
            return
        print(f"{seconds:.6f}", file=answers, flush=True)


if __name__ == "__main__":
    serve()
