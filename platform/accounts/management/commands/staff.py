"""`goldenthread staff create`: a helpdesk user on the platform's public host.

By default the new helpdesk user is invited: a worker e-mails them, after commit, a one-time
link to choose their password. `--password` sets one the operator chose instead (checked like
any password). The command never makes up a password or prints one, or the link."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.services import staff_lead_set, staff_user_create
from goldenthread.platform.accounts.services.passwords import password_validate_for_new_account
from goldenthread.platform.accounts.services.users import queue_invitation_email
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.cli_support import command_error
from goldenthread.tenants.services import SIGN_IN_PATH, sign_in_url_for


class Command(BaseCommand):
    help = "Create helpdesk (platform staff) users."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a helpdesk user.")
        create.add_argument("--email", required=True)
        create.add_argument("--name", required=True)
        create.add_argument(
            "--password",
            default=None,
            help="Default: none; the person is e-mailed a one-time link to choose theirs.",
        )
        create.add_argument("--port", type=int, default=None, help="Port for the links.")
        create.add_argument("--scheme", default="http", choices=["http", "https"])
        create.add_argument(
            "--lead", action="store_true", help="A helpdesk lead: also sees staff sign-ins."
        )
        lead = actions.add_parser("lead", help="Make a helpdesk user a lead (or not).")
        lead.add_argument("--email", required=True)
        lead.add_argument("--remove", action="store_true", help="No longer a lead.")

    def handle(self, *args, **options):
        if options["action"] == "lead":
            try:
                user = staff_lead_set(email=options["email"], lead=not options["remove"])
            except DomainError as exc:
                raise command_error(exc) from exc
            now = "no longer a helpdesk lead" if options["remove"] else "a helpdesk lead"
            self.stdout.write(self.style.SUCCESS(f"{user.email} is {now}."))
            return
        password = options["password"]
        url = sign_in_url_for(
            settings.PLATFORM_DOMAIN, url_scheme=options["scheme"], port=options["port"]
        )
        try:
            # In the public schema until the invitation is queued after commit, so the
            # worker sends it from there.
            with schema_context(get_public_schema_name()), transaction.atomic():
                if password:
                    password_validate_for_new_account(
                        password=password, email=options["email"], full_name=options["name"]
                    )
                user = staff_user_create(
                    email=options["email"], full_name=options["name"], password=password
                )
                if options["lead"]:
                    staff_lead_set(email=user.email)
                if not password:
                    queue_invitation_email(user=user, base_url=url.removesuffix(SIGN_IN_PATH))
        except (ValidationError, DomainError) as exc:
            raise command_error(exc) from exc
        lead = " (a helpdesk lead)" if options["lead"] else ""
        self.stdout.write(self.style.SUCCESS(f"Created helpdesk user {user.email}{lead}."))
        self.stdout.write(f"  sign-in URL: {url}")
        if not password:
            self.stdout.write(
                f"  invitation:  on its way to {user.email} (a one-time link to choose their "
                "password; nobody else receives it)"
            )
