"""`goldenthread user create`: invite a user of an organisation from the shell.

The person is invited exactly as an administrator would invite them: no password exists until
they choose one through a one-time link e-mailed only to them (by a worker, after commit).
The command never takes, makes or prints a password or that link."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import Role
from goldenthread.platform.accounts.services.users import user_invite_from_command_line
from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.cli_support import cli_actor, command_error, split_list
from goldenthread.tenants.selectors import organisation_get
from goldenthread.tenants.services import SIGN_IN_PATH, organisation_host, sign_in_url_for


def access_end(text: str | None) -> datetime | None:
    """`--access-ends 2027-03-31`: access lasts to the end of that day, local time (as on
    the pages)."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--access-ends: '{text}' is not a date (write 2027-03-31).") from None
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


class Command(BaseCommand):
    help = "Invite users to an organisation."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser(
            "create",
            help="Invite a user to an organisation: they are e-mailed a one-time link to choose "
            "their password (nobody else sees it).",
        )
        create.add_argument("--org", required=True, metavar="SLUG")
        create.add_argument("--email", required=True)
        create.add_argument("--name", required=True)
        create.add_argument(
            "--roles", default="", help=f"Comma-separated, from: {', '.join(Role.values)}."
        )
        create.add_argument(
            "--access-ends",
            default=None,
            metavar="YYYY-MM-DD",
            help="The last day of access (required for auditors).",
        )
        create.add_argument("--port", type=int, default=None, help="Port for the links.")
        create.add_argument("--scheme", default="http", choices=["http", "https"])

    def handle(self, *args, **options):
        ends = access_end(options["access_ends"])
        try:
            organisation = organisation_get(slug=options["org"])
            sign_in_url = sign_in_url_for(
                organisation_host(organisation.slug),
                url_scheme=options["scheme"],
                port=options["port"],
            )
            # In the organisation's schema until the invitation is queued after commit, so
            # the worker runs it there.
            with schema_context(organisation.schema_name):
                user = user_invite_from_command_line(
                    actor_label=cli_actor(),
                    email=options["email"],
                    full_name=options["name"],
                    roles=split_list(options["roles"]) or [],
                    access_expires_at=ends,
                    base_url=sign_in_url.removesuffix(SIGN_IN_PATH),
                )
        except (ValidationError, DomainError) as exc:
            raise command_error(exc) from exc
        self.stdout.write(self.style.SUCCESS(f"Invited {user.email} to {organisation.name}."))
        self.stdout.write(f"  roles:       {', '.join(user.roles) or '(none)'}")
        if user.access_expires_at:
            last_day = timezone.localtime(user.access_expires_at).date()
            self.stdout.write(f"  access ends: {last_day.isoformat()} (end of the day)")
        self.stdout.write(f"  sign-in URL: {sign_in_url}")
        self.stdout.write(
            f"  invitation:  on its way to {user.email} (a one-time link to choose their "
            "password; nobody else receives it)"
        )
