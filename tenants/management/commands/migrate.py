"""`goldenthread migrate`: migrate the public schema, the template and every organisation,
skipping schemas that have nothing to apply."""

from __future__ import annotations

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

from goldenthread.tenants.models import Organisation
from goldenthread.tenants.services import ensure_public_organisation
from goldenthread.tenants.template_schema import (
    ensure_template_schema,
    schemas_needing_migrations,
)


class Command(MigrateSchemasCommand):
    help = (
        "Apply migrations to the public schema, the template schema and every organisation "
        "schema, skipping organisations that are already up to date."
    )

    def handle(self, *args, **options):
        narrowed = any(options.get(key) for key in ("schema_name", "app_label", "shared", "tenant"))
        if narrowed:
            return super().handle(*args, **options)
        # Let SyncCommon parse the options, then do the tenant part ourselves.
        options = {**options, "shared": True, "tenant": False}
        super().handle(*args, **options)
        verbosity = int(options.get("verbosity", 1))
        ensure_public_organisation()
        if ensure_template_schema(verbosity=max(verbosity - 1, 0)) and verbosity:
            self.stdout.write("Template schema brought up to date.")
        schemas = list(
            Organisation.objects.exclude(schema_name=get_public_schema_name()).values_list(
                "schema_name", flat=True
            )
        )
        pending = schemas_needing_migrations(schemas)
        if verbosity:
            self.stdout.write(
                f"{len(schemas) - len(pending)} of {len(schemas)} organisation schemas are up to "
                f"date; migrating {len(pending)}."
            )
        if pending:
            tenant_options = {**self.options, "shared": False, "tenant": True}
            executor = get_executor(codename=self.executor)(self.args, tenant_options)
            executor.run_migrations(tenants=pending)
