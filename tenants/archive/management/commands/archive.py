"""`goldenthread archive export|import|backup|backups|restore|restore-copy|drop-copy`: one
organisation's export, import, backups and restores from the shell (audited as `cli:<user>`)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.cli_support import cli_actor, command_error
from goldenthread.tenants.selectors import organisation_get, primary_host

from ...models import RestoredCopy
from ...selectors import backup_get, backups_of, restored_copies_of
from ...services.backups import (
    backup_create,
    backup_restore_copy,
    backup_restore_in_place,
    backups_prune,
    restored_copy_drop,
)
from ...services.exporting import export_to_file
from ...services.importing import organisation_import


class Command(BaseCommand):
    help = "Export, import, back up and restore one organisation."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        export = actions.add_parser("export", help="Write an organisation's archive (ZIP).")
        export.add_argument("slug")
        export.add_argument("--output", required=True, help="The new archive's file name.")
        export.add_argument("--reason", required=True, help="Whose request this answers.")

        imp = actions.add_parser("import", help="Create a new organisation from an archive.")
        imp.add_argument("archive")
        imp.add_argument("--slug", required=True, help="The new organisation's slug.")
        imp.add_argument("--name", required=True, help="The new organisation's name.")

        backup = actions.add_parser("backup", help="Back up an organisation's schema now.")
        backup.add_argument("slug")
        backup.add_argument("--prune", action="store_true", help="Apply retention afterwards.")

        listing = actions.add_parser("backups", help="List an organisation's backups.")
        listing.add_argument("slug")

        restore = actions.add_parser(
            "restore", help="Replace an organisation's data by one of its backups."
        )
        restore.add_argument("slug")
        restore.add_argument("backup", type=int, help="The backup's id (see `backups`).")
        restore.add_argument(
            "--confirm", required=True, metavar="SLUG", help="Type the slug again to confirm."
        )

        copy = actions.add_parser(
            "restore-copy", help="Restore a backup beside the organisation, for inspection."
        )
        copy.add_argument("slug")
        copy.add_argument("backup", type=int)

        drop = actions.add_parser("drop-copy", help="Drop a copy restored for inspection.")
        drop.add_argument("schema")

    def handle(self, *args, **options):
        handler = getattr(self, "handle_" + options["action"].replace("-", "_"))
        try:
            handler(options)
        except (ValidationError, DomainError) as exc:
            raise command_error(exc) from exc

    def handle_export(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        manifest = export_to_file(
            organisation=organisation,
            target=Path(options["output"]),
            actor=cli_actor(),
            reason=options["reason"],
        )
        rows = sum(manifest["counts"].values())
        files = sum(1 for name in manifest["files"] if name.startswith("files/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {organisation.name} to {options['output']}: "
                f"{len(manifest['counts'])} tables, {rows} rows, {files} files."
            )
        )

    def handle_import(self, options) -> None:
        organisation = organisation_import(
            archive_path=Path(options["archive"]),
            name=options["name"],
            slug=options["slug"],
            actor=cli_actor(),
        )
        self.stdout.write(self.style.SUCCESS(f"Imported as {organisation.name}."))
        self.stdout.write(f"  schema: {organisation.schema_name}")
        self.stdout.write(f"  host:   {primary_host(organisation)}")
        self.stdout.write(
            "  people: imported without passwords; each sets one by 'Forgot your password?'"
        )

    def handle_backup(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        backup = backup_create(organisation=organisation, actor=cli_actor())
        self.stdout.write(
            self.style.SUCCESS(f"Backup {backup.pk} of {organisation.name}: {backup.file_name}")
        )
        if options["prune"]:
            self.stdout.write(f"Deleted {backups_prune(organisation=organisation)} old backups.")

    def handle_backups(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        for backup in backups_of(organisation=organisation):
            self.stdout.write(
                f"{backup.pk}  {backup.created_at:%Y-%m-%d %H:%M}  {backup.trigger:<9}  "
                f"{backup.size:>12,} bytes  {backup.created_by}"
            )
        for copy in restored_copies_of(organisation=organisation):
            self.stdout.write(f"copy  {copy.schema_name}  (from backup {copy.backup_id})")

    def handle_restore(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        backup = backup_get(organisation=organisation, pk=options["backup"])
        safety = backup_restore_in_place(
            backup=backup, actor=cli_actor(), confirmation=options["confirm"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {organisation.name} to backup {backup.pk} "
                f"({backup.created_at:%Y-%m-%d %H:%M}); its data just before is backup {safety.pk}."
            )
        )

    def handle_restore_copy(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        backup = backup_get(organisation=organisation, pk=options["backup"])
        copy = backup_restore_copy(backup=backup, actor=cli_actor())
        self.stdout.write(self.style.SUCCESS(f"Restored backup {backup.pk} as {copy.schema_name}."))

    def handle_drop_copy(self, options) -> None:
        copy = RestoredCopy.objects.filter(
            schema_name=options["schema"], dropped_at__isnull=True
        ).first()
        if copy is None:
            raise CommandError(f"{options['schema']} is not a restored copy.")
        restored_copy_drop(copy=copy, actor=cli_actor())
        self.stdout.write(self.style.SUCCESS(f"Dropped {copy.schema_name}."))
