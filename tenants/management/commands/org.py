"""`goldenthread org create|list|suspend|resume|modules|delete|cancel-deletion`: organisation
lifecycle from the shell."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.cli_support import cli_actor, command_error, split_list
from goldenthread.tenants.deletion.models import DeletionStatus, OrganisationDeletion
from goldenthread.tenants.deletion.selectors import pending_deletion
from goldenthread.tenants.deletion.services import deletion_cancel, deletion_request
from goldenthread.tenants.models import (
    Module,
    Organisation,
    OrganisationStatus,
    OrganisationType,
    Region,
)
from goldenthread.tenants.modules import organisation_modules_set
from goldenthread.tenants.selectors import organisation_get, organisation_list, primary_host
from goldenthread.tenants.services import (
    organisation_create,
    organisation_resume,
    organisation_suspend,
)


class Command(BaseCommand):
    help = "Create, list, suspend, resume and delete organisations."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser(
            "create", help="Provision an organisation with its schema, host and administrator."
        )
        create.add_argument("--name", required=True, help="Full name of the body.")
        create.add_argument("--slug", required=True, help="Host label: <slug>.<platform domain>.")
        create.add_argument("--type", required=True, choices=OrganisationType.values)
        create.add_argument("--admin-email", required=True)
        create.add_argument("--admin-name", required=True)
        create.add_argument("--ons-code", default="", help="ONS area code, e.g. E07000123.")
        create.add_argument("--region", default="", choices=["", *Region.values])
        create.add_argument(
            "--parent-county", default=None, metavar="SLUG", help="A district's county."
        )
        create.add_argument("--modules", default=None, help="Licensed modules, comma-separated.")
        create.add_argument("--port", type=int, default=None, help="Port for the sign-in URL.")
        create.add_argument("--scheme", default="http", choices=["http", "https"])

        actions.add_parser("list", help="List organisations.")

        suspend = actions.add_parser("suspend", help="Suspend an organisation.")
        suspend.add_argument("slug")
        suspend.add_argument("--reason", required=True)

        resume = actions.add_parser("resume", help="Resume a suspended organisation.")
        resume.add_argument("slug")

        modules = actions.add_parser(
            "modules", help="Set the licensed modules of an organisation (audited)."
        )
        modules.add_argument("slug")
        modules.add_argument(
            "modules",
            nargs="*",
            metavar="MODULE",
            help=f"Every module it holds from now on: {', '.join(Module.values)} (none: none).",
        )

        delete = actions.add_parser(
            "delete",
            help="Ask for an organisation to be deleted after the grace period (suspended now).",
        )
        delete.add_argument("slug")
        delete.add_argument(
            "--reason", required=True, help="Why, e.g. the customer's written request."
        )

        cancel = actions.add_parser(
            "cancel-deletion", help="Call off a pending deletion (the organisation as before)."
        )
        cancel.add_argument("slug")

    def handle(self, *args, **options):
        handler = getattr(self, f"handle_{options['action'].replace('-', '_')}")
        try:
            handler(options)
        except (ValidationError, DomainError) as exc:
            raise command_error(exc) from exc

    def handle_create(self, options) -> None:
        parent = None
        if options["parent_county"]:
            try:
                parent = organisation_get(slug=options["parent_county"])
            except DomainError as exc:
                raise CommandError(f"--parent-county: {exc.message}") from exc
        result = organisation_create(
            name=options["name"],
            slug=options["slug"],
            type=options["type"],
            admin_email=options["admin_email"],
            admin_name=options["admin_name"],
            ons_code=options["ons_code"],
            region=options["region"],
            parent_county=parent,
            licensed_modules=split_list(options["modules"]),
            url_scheme=options["scheme"],
            port=options["port"],
            actor=cli_actor(),
        )
        organisation = result.organisation
        self.stdout.write(self.style.SUCCESS(f"Created {organisation.name}."))
        self.stdout.write(f"  schema:      {organisation.schema_name}")
        self.stdout.write(f"  host:        {primary_host(organisation)}")
        self.stdout.write(f"  sign-in URL: {result.sign_in_url}")
        self.stdout.write(f"  admin:       {result.administrator.email}")
        # The set-password link goes to the administrator's mailbox only, never to this output.
        self.stdout.write(
            f"  invitation:  on its way to {result.administrator.email} (a one-time link to "
            "choose their password; nobody else receives it)"
        )

    def handle_list(self, options) -> None:
        organisations = list(organisation_list())
        # Pending deletions in one query, so the status can say when each will be purged.
        purge_after = dict(
            OrganisationDeletion.objects.filter(status=DeletionStatus.PENDING).values_list(
                "organisation_id", "purge_after"
            )
        )
        headers = ("SLUG", "NAME", "TYPE", "STATUS", "MODULES", "HOST")
        rows = [
            (
                org.slug,
                org.name,
                org.get_type_display(),
                self._status_in_words(org, purge_after.get(org.pk)),
                org.licensed_modules_in_words or "None",
                primary_host(org),
            )
            for org in organisations
        ]
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
        ]
        for row in (headers, *rows):
            self.stdout.write(
                "  ".join(
                    str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        suspended = sum(1 for org in organisations if org.status == OrganisationStatus.SUSPENDED)
        self.stdout.write(f"{len(organisations)} organisations, {suspended} suspended.")

    @staticmethod
    def _status_in_words(organisation: Organisation, purge_after) -> str:
        status = organisation.get_status_display()
        if purge_after is not None:
            return f"{status}, to be deleted after {purge_after:%d %B %Y}"
        return status

    def handle_delete(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        deletion = deletion_request(
            organisation=organisation, actor=cli_actor(), reason=options["reason"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{organisation.name} is suspended and will be deleted after "
                f"{deletion.purge_after:%d %B %Y}."
            )
        )
        self.stdout.write(
            f"  Until then: goldenthread org cancel-deletion {organisation.slug} puts it back."
        )

    def handle_cancel_deletion(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        deletion = pending_deletion(organisation=organisation)
        if deletion is None:
            raise CommandError(f"No deletion of {organisation.name} is pending.")
        deletion_cancel(deletion=deletion, actor=cli_actor())
        organisation.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deletion of {organisation.name} cancelled; it is "
                f"{organisation.get_status_display().lower()} again."
            )
        )

    def handle_suspend(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        organisation_suspend(organisation=organisation, reason=options["reason"], actor=cli_actor())
        self.stdout.write(
            self.style.SUCCESS(f"Suspended {organisation.name}: {organisation.status_reason}")
        )

    def handle_modules(self, options) -> None:
        organisation = organisation_get(slug=options["slug"])
        before = organisation.licensed_modules_in_words or "none"
        organisation_modules_set(
            organisation=organisation, modules=options["modules"], actor=cli_actor()
        )
        after = organisation.licensed_modules_in_words or "none"
        self.stdout.write(
            self.style.SUCCESS(f"{organisation.name}'s modules: {after} (were: {before}).")
        )

    def handle_resume(self, options) -> None:
        organisation: Organisation = organisation_get(slug=options["slug"])
        organisation_resume(organisation=organisation, actor=cli_actor())
        self.stdout.write(self.style.SUCCESS(f"Resumed {organisation.name}."))
