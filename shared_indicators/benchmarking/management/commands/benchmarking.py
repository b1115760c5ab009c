"""`goldenthread benchmarking import-neighbours FILE`: load nearest-neighbour lists from CSV.
`goldenthread benchmarking rebuild-rankings`: rebuild the ranking table from the store."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import schema_context

from goldenthread.shared_indicators.benchmarking.errors import NeighbourImportError
from goldenthread.shared_indicators.benchmarking.services.neighbours import neighbours_import
from goldenthread.shared_indicators.benchmarking.services.rankings.refresh import rebuild_everything
from goldenthread.tenants.cli_support import cli_actor


class Command(BaseCommand):
    help = "Manage benchmarking data."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importer = actions.add_parser(
            "import-neighbours",
            help="Import nearest-neighbour lists from a CSV file, all or nothing.",
            description="Import nearest-neighbour lists from a CSV file with the columns "
            "organisation, neighbour and (optionally) position; organisations are named by "
            "slug or ONS code. Every row is checked first; on any problem nothing is written "
            "and every problem is listed with its row number.",
        )
        importer.add_argument("file", help="Path of the CSV file.")
        actions.add_parser(
            "rebuild-rankings",
            help="Rebuild every club's ranking table from the published-values store.",
            description="The ranking table is kept up to date by every change that affects it; "
            "this rebuilds all of it in one transaction, after a bulk load or to repair it.",
        )

    def handle(self, *args, **options) -> None:
        if options["action"] == "import-neighbours":
            with schema_context("public"):
                try:
                    report = neighbours_import(path_or_file=options["file"], actor=cli_actor())
                except NeighbourImportError as exc:
                    for problem in exc.problems:
                        self.stderr.write(f"  {problem}")
                    raise CommandError(exc.message, returncode=1) from None
            self.stdout.write(self.style.SUCCESS(report.summary()))
        elif options["action"] == "rebuild-rankings":
            with schema_context("public"), transaction.atomic():
                count = rebuild_everything()
            message = f"Rebuilt the rankings of {count} club indicators."
            self.stdout.write(self.style.SUCCESS(message))
