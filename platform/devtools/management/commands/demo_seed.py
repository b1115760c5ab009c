"""`goldenthread demo_seed`: create the demo organisations, users and catalogue if missing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.devtools.demo_data import CATALOGUE_SAMPLE, DEMO_PASSWORD
from goldenthread.platform.devtools.seed import demo_seed


class Command(BaseCommand):
    help = (
        "Seed the demo: a county with three districts, a police force and a health body, one "
        "user per role in each, a helpdesk user and the national catalogue sample. Safe to "
        "re-run: only what is missing is created."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="Password for users the seed creates (existing users are left alone).",
        )
        parser.add_argument(
            "--catalogue",
            type=Path,
            default=CATALOGUE_SAMPLE,
            help="Catalogue CSV to load (default: the bundled national indicator sample).",
        )
        parser.add_argument(
            "--no-catalogue", action="store_true", help="Do not touch the national catalogue."
        )

    def handle(self, *args, **options) -> None:
        try:
            report = demo_seed(
                password=options["password"],
                catalogue_path=None if options["no_catalogue"] else options["catalogue"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in report.lines():
            self.stdout.write(f"demo_seed: {line}")
        if not report.changed_anything:
            self.stdout.write("demo_seed: nothing to do, the demo data is already in place.")
