"""`goldenthread catalogue import FILE [--dry-run]`: load the national catalogue from CSV/XLSX."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import DomainError
from goldenthread.shared_indicators.errors import CatalogueImportError
from goldenthread.shared_indicators.services import catalogue_import


class Command(BaseCommand):
    help = "Manage the national indicator catalogue."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importer = actions.add_parser(
            "import",
            help="Import indicators from a CSV or XLSX file, all or nothing.",
            description="Import indicators from a CSV or XLSX file. Every row is checked "
            "first; on any problem nothing is written and every problem is listed.",
        )
        importer.add_argument("file", help="Path of the CSV or XLSX file.")
        importer.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )

    def handle(self, *args, **options) -> None:
        if options["action"] == "import":
            self._import(options["file"], dry_run=options["dry_run"])

    def _import(self, path: str, *, dry_run: bool) -> None:
        # The catalogue lives in the public schema whatever schema the command started in.
        with schema_context("public"):
            try:
                report = catalogue_import(path_or_file=path, dry_run=dry_run)
            except CatalogueImportError as exc:
                for problem in exc.problems:
                    self.stderr.write(f"  {problem}")
                raise CommandError(exc.message, returncode=1) from None
            except DomainError as exc:
                raise CommandError(exc.message, returncode=1) from None
        if report.ignored_columns:
            self.stdout.write("Ignored columns: " + ", ".join(report.ignored_columns))
        self.stdout.write(self.style.SUCCESS(report.summary()))
