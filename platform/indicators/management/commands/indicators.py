"""`goldenthread indicators import --org SLUG --user EMAIL FILE [--commit]`: the same check
and all-or-nothing import as the import pages, from the shell, acting as a user of the
organisation (whose permissions apply, row by row)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import DomainError

PROBLEMS_SHOWN = 200


class Command(BaseCommand):
    help = "Performance indicator tasks: import values or targets from a CSV or XLSX file."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imports = actions.add_parser(
            "import",
            help="Check a file of values or targets; with --commit, import it all or nothing.",
        )
        imports.add_argument("file", metavar="FILE", help="A CSV or XLSX file.")
        imports.add_argument("--org", required=True, metavar="SLUG", help="The organisation.")
        imports.add_argument(
            "--user", required=True, metavar="EMAIL", help="The user the import acts as."
        )
        imports.add_argument("--kind", choices=["values", "targets"], default="values")
        imports.add_argument(
            "--commit",
            action="store_true",
            help="Import the file when it has no problems (default: only check it).",
        )

    def handle(self, *args, **options):
        from goldenthread.tenants.selectors import organisation_get

        try:
            organisation = organisation_get(slug=options["org"])
        except DomainError as error:
            raise CommandError(f"--org: {error.message}") from None
        with schema_context(organisation.schema_name):
            self.handle_import(options)

    def handle_import(self, options) -> None:
        from goldenthread.platform.accounts.models import User
        from goldenthread.platform.indicators.domain.importing.columns import COLUMNS_FOR_KIND
        from goldenthread.platform.indicators.domain.importing.reader import (
            ImportFileError,
            read_file,
        )
        from goldenthread.platform.indicators.services.importing.commit import (
            ImportRefused,
            commit_table,
        )
        from goldenthread.platform.indicators.services.importing.preview import require_import
        from goldenthread.platform.indicators.services.importing.validator import validate

        email = options["user"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"--user: there is no active user '{email}' in {options['org']}.")
        kind = options["kind"]
        try:
            require_import(user, kind)
        except DomainError as error:
            raise CommandError(error.message) from None
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}.") from None
        try:
            table = read_file(content, file_name=path.name, columns=COLUMNS_FOR_KIND[kind])
        except ImportFileError as error:
            raise CommandError(f"{path.name}: {error.message}") from None
        validation = validate(kind=kind, table=table, actor=user)
        self._report(validation)
        if not validation.ok:
            raise CommandError(
                f"{len(validation.problems)} problem(s): nothing was imported. Fix the file and "
                "run the command again."
            )
        if not options["commit"]:
            self.stdout.write("Checked only: run again with --commit to import.")
            return
        try:
            written = commit_table(
                table=table,
                kind=kind,
                actor=user,
                file_name=path.name,
                expected_digest=validation.digest,
            )
        except ImportRefused as refused:
            self._report(refused.validation)
            raise CommandError(refused.message) from None
        counts = written.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {counts['new']} new and {counts['changed']} changed {kind}."
            )
        )

    def _report(self, validation) -> None:
        counts = validation.counts
        self.stdout.write(
            f"{counts['rows']} rows: {counts['new']} new, {counts['changed']} changed, "
            f"{counts['unchanged']} unchanged, {counts['skipped']} skipped, "
            f"{counts['problems']} problem(s)."
        )
        for problem in validation.problems[:PROBLEMS_SHOWN]:
            where = f"row {problem.row}" if problem.row is not None else "file"
            column = f", {problem.column}" if problem.column else ""
            self.stderr.write(f"{where}{column}: {problem.message}")
        if len(validation.problems) > PROBLEMS_SHOWN:
            self.stderr.write(f"… and {len(validation.problems) - PROBLEMS_SHOWN} more.")
