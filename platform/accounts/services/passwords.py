"""Password validators (settings.AUTH_PASSWORD_VALIDATORS), following NCSC guidance.

Every place a password is set runs them through Django's `validate_password`: the
set-password and reset link (Django's SetPasswordForm), and `goldenthread user|staff create
--password`. The rules themselves are `domain.passwords`; these classes gather what they need
(the deny list, the person, the organisation of the current schema) and word the refusal.

The deny list is Django's own (`django/contrib/auth/common-passwords.txt.gz`: 20,000
passwords compiled from breached-password corpora by Royce Williams), shipped with Django, so
no network call. Most of its entries are short; the variants in `domain.passwords` make it
bite on 12-character passwords too (Password2024!, p@ssw0rdp@ssw0rd).
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import django.contrib.auth
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import connection

from ..domain.passwords import is_common, made_of, tokens_of

MIN_LENGTH = 12
LENGTH_ADVICE = (
    "Length matters more than symbols or capitals: three or four random words make a good "
    "password that is easy to remember."
)


@cache
def common_passwords() -> frozenset[str]:
    path = Path(django.contrib.auth.__file__).parent / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as listed:
        return frozenset(line.strip().lower() for line in listed if line.strip())


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def __init__(self, min_length: int = MIN_LENGTH):
        super().__init__(min_length=min_length)

    def get_error_message(self) -> str:
        return f"Choose a password of at least {self.min_length} characters. {LENGTH_ADVICE}"

    def get_help_text(self) -> str:
        return f"At least {self.min_length} characters. {LENGTH_ADVICE}"


class CommonPasswordValidator:
    """Refuses passwords on the breached/common list, in any of their usual variants."""

    message = (
        "This password is on lists of common or breached passwords that attackers try first "
        "(or is one of them with numbers, symbols or repeats added). Choose another."
    )

    def validate(self, password: str, user=None) -> None:
        if is_common(password, common=common_passwords()):
            raise ValidationError(self.message, code="password_too_common")

    def get_help_text(self) -> str:
        return "Not a common or previously breached password."


class PersonalDetailsValidator:
    """Refuses a password made of the person's e-mail address or name."""

    least = 8

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        email = getattr(user, "email", "") or ""
        tokens = tokens_of(email, email.partition("@")[0], getattr(user, "full_name", "") or "")
        if tokens and made_of(password, tokens=tokens, common=common_passwords(), least=self.least):
            raise ValidationError(
                "This password is too close to your name or e-mail address, which others know. "
                "Choose one that has nothing to do with you.",
                code="password_too_personal",
            )

    def get_help_text(self) -> str:
        return "Not based on your name or e-mail address."


class OrganisationNameValidator:
    """Refuses a password made of the name or short name (slug) of the organisation whose
    schema the password is set in (the one a reset once accepted)."""

    least = 8

    def validate(self, password: str, user=None) -> None:
        organisation = current_organisation()
        if organisation is None:
            return
        tokens = tokens_of(
            organisation.name, organisation.slug.replace("-", " "), organisation.slug
        )
        if made_of(password, tokens=tokens, common=common_passwords(), least=self.least):
            raise ValidationError(
                f"This password is too close to the name of {organisation.name}, which anyone "
                "would try. Choose one that has nothing to do with your organisation.",
                code="password_too_close_to_organisation",
            )

    def get_help_text(self) -> str:
        return "Not based on your organisation's name."


def current_organisation():
    """The organisation whose schema is current (its row, also for `schema_context`, which
    only carries the schema name), or None when there is no such row."""
    from goldenthread.tenants.models import Organisation

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation):
        return tenant
    return Organisation.objects.filter(schema_name=connection.schema_name).first()


def password_validate_for_new_account(*, password: str, email: str, full_name: str) -> None:
    """Run every validator for an account about to be created in the current schema (the
    command line's `--password`); raises ValidationError with each problem."""
    from ..models import User

    try:
        password_validation.validate_password(
            password, User(email=email.strip().lower(), full_name=full_name.strip())
        )
    except ValidationError as error:
        raise ValidationError([f"--password: {message}" for message in error.messages]) from None
