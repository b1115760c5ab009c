"""`goldenthread apikey issue`: an API key for a user of an organisation, printed once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.selectors import user_get_by_email
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.cli_support import command_error
from goldenthread.tenants.selectors import organisation_get


class Command(BaseCommand):
    help = "Issue API keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        issue = actions.add_parser("issue", help="Issue a key acting as one user.")
        issue.add_argument("--org", required=True, metavar="SLUG")
        issue.add_argument("--email", required=True, help="The user the key acts as.")
        issue.add_argument("--name", required=True, help="What the key is for.")

    def handle(self, *args, **options):
        try:
            organisation = organisation_get(slug=options["org"])
            with schema_context(organisation.schema_name):
                user = user_get_by_email(email=options["email"])
                credential, raw_key = api_credential_issue(user=user, name=options["name"])
        except (ValidationError, DomainError) as exc:
            raise command_error(exc) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Issued '{credential.name}' for {user.email} in {organisation.name}."
            )
        )
        self.stdout.write("The key is shown once; store it now:")
        self.stdout.write(raw_key)
