"""`goldenthread migrate`: migrate the public schema, the template and every organisation,
skipping schemas that have nothing to apply and applying new migrations to the rest as a fleet
(`tenants.fleet_migrate`): one schema for real, the others by replaying its statements on a
bounded pool of connections. One schema's failure is reported by name without stopping the
others; the command then exits non-zero, and running it again resumes where it stopped."""

from __future__ import annotations

import time

from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name

from goldenthread.tenants.catalogue_upkeep import vacuum_churned_catalogue
from goldenthread.tenants.fleet_migrate import migrate_fleet
from goldenthread.tenants.models import Organisation
from goldenthread.tenants.services import ensure_public_organisation
from goldenthread.tenants.template_schema import ensure_template_schema

DEFAULT_JOBS = 4


class Command(MigrateSchemasCommand):
    help = (
        "Apply migrations to the public schema, the template schema and every organisation "
        "schema, skipping organisations that are already up to date."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--jobs",
            type=int,
            default=DEFAULT_JOBS,
            help=(
                "Connections used at once to apply new migrations to organisation schemas "
                f"(default {DEFAULT_JOBS}). Each is one PostgreSQL backend."
            ),
        )
        parser.add_argument(
            "--one-by-one",
            action="store_true",
            help="Apply new migrations schema by schema with Django's executor (no replay).",
        )

    def handle(self, *args, **options):
        narrowed = any(options.get(key) for key in ("schema_name", "app_label", "shared", "tenant"))
        if narrowed:
            return super().handle(*args, **options)
        jobs = options.pop("jobs", DEFAULT_JOBS)
        one_by_one = options.pop("one_by_one", False)
        if jobs < 1:
            raise CommandError("--jobs must be at least 1.")
        # Let SyncCommon parse the options, then do the tenant part ourselves.
        options = {**options, "shared": True, "tenant": False}
        super().handle(*args, **options)
        verbosity = int(options.get("verbosity", 1))
        ensure_public_organisation()
        if ensure_template_schema(verbosity=max(verbosity - 1, 0)) and verbosity:
            self.stdout.write("Template schema brought up to date.")
        schemas = list(
            Organisation.objects.exclude(schema_name=get_public_schema_name())
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        try:
            self._migrate_organisations(
                schemas, jobs=jobs, replay=not one_by_one, verbosity=verbosity
            )
        finally:
            # Whatever was applied, even in part, churned the catalogue; a failure is still
            # raised after this.
            self._vacuum_catalogue(verbosity)

    def _vacuum_catalogue(self, verbosity: int) -> None:
        """Housekeeping after the migrations: it never fails the command, nor hides the
        failure the command is reporting. (VACUUM cannot run in a caller's transaction.)"""
        if connection.in_atomic_block:
            return
        try:
            upkeep = vacuum_churned_catalogue()
        except DatabaseError as error:
            self.stderr.write(f"catalogue upkeep skipped: {error}")
            return
        if verbosity and (upkeep.vacuumed or upkeep.refused):
            self.stdout.write(upkeep.summary())

    def _migrate_organisations(
        self, schemas: list[str], *, jobs: int, replay: bool, verbosity: int
    ) -> None:
        started = time.monotonic()
        done = 0
        total = 0
        step = 1

        def progress(schema: str, error: str | None) -> None:
            nonlocal done
            done += 1
            if error is not None:
                self.stderr.write(f"[{done}/{total}] {schema} FAILED: {error}")
            elif verbosity >= 2 or (verbosity and (done % step == 0 or done == total)):
                self.stdout.write(
                    f"[{done}/{total}] {schema} migrated ({time.monotonic() - started:.1f} s)"
                )

        from goldenthread.tenants.fleet_migrate import (
            load_migrations,
            pending_plan,
            tenant_app_labels,
        )
        from goldenthread.tenants.template_schema import applied_migrations_by_schema

        loader = load_migrations()
        labels = tenant_app_labels()
        histories = applied_migrations_by_schema(schemas)
        pending = [s for s in schemas if pending_plan(loader, histories[s], labels)]
        total = len(pending)
        step = max(1, total // 20)
        if verbosity:
            self.stdout.write(
                f"{len(schemas) - total} of {len(schemas)} organisation schemas are up to "
                f"date; migrating {total}."
            )
        if not pending:
            return
        result = migrate_fleet(pending, jobs=jobs, loader=loader, progress=progress, replay=replay)
        elapsed = time.monotonic() - started
        if verbosity:
            self.stdout.write(
                f"Migrated {len(result.migrated)} of {total} organisation schemas in "
                f"{elapsed:.1f} s ({result.replayed} by replaying the first one's statements)."
            )
        if result.failed:
            listing = "; ".join(f"{name}: {error}" for name, error in sorted(result.failed.items()))
            raise CommandError(
                f"{len(result.failed)} organisation schema(s) failed to migrate and were left "
                f"as they were: {listing}. The others are migrated; fix the cause and run "
                "`goldenthread migrate` again to finish."
            )
