"""`goldenthread user create`: add a user to an organisation from the shell."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import Role
from goldenthread.platform.accounts.services import user_create
from goldenthread.platform.accounts.services.passwords import password_validate_for_new_account
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.cli_support import command_error, split_list
from goldenthread.tenants.selectors import organisation_get
from goldenthread.tenants.services import generate_password, organisation_host, sign_in_url_for


class Command(BaseCommand):
    help = "Create users in an organisation."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Create a user in an organisation.")
        create.add_argument("--org", required=True, metavar="SLUG")
        create.add_argument("--email", required=True)
        create.add_argument("--name", required=True)
        create.add_argument(
            "--roles", default="", help=f"Comma-separated, from: {', '.join(Role.values)}."
        )
        create.add_argument(
            "--password",
            default=None,
            help="Default: generated and printed. At least 12 characters, not a common password "
            "and nothing to do with the person or the organisation.",
        )
        create.add_argument("--port", type=int, default=None, help="Port for the sign-in URL.")

    def handle(self, *args, **options):
        try:
            organisation = organisation_get(slug=options["org"])
            password = options["password"] or generate_password()
            with schema_context(organisation.schema_name):
                if options["password"]:
                    password_validate_for_new_account(
                        password=password, email=options["email"], full_name=options["name"]
                    )
                user = user_create(
                    email=options["email"],
                    full_name=options["name"],
                    roles=split_list(options["roles"]) or [],
                    password=password,
                )
        except (ValidationError, DomainError) as exc:
            raise command_error(exc) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.email} in {organisation.name}."))
        self.stdout.write(f"  roles:       {', '.join(user.roles) or '(none)'}")
        url = sign_in_url_for(organisation_host(organisation.slug), port=options["port"])
        self.stdout.write(f"  sign-in URL: {url}")
        if not options["password"]:
            self.stdout.write(f"  password:    {password}  (shown once)")
