"""What an archive holds: every table of every app that lives in organisation schemas,
except those withheld on purpose (secrets and throwaway state), with the secret columns of
the tables it does hold replaced by a placeholder.

This is generic on purpose: a new tenant model is exported (and imported) without anyone
writing code for it. `tests/tenants/archive/test_coverage.py` compares it with the tables
really present in an organisation's schema, and fails for a table neither exported nor
withheld, and for a column that looks like a secret and is not reviewed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models

# Whole tables left out, each with the reason the archive's schema.json repeats.
WITHHELD_TABLES: dict[str, str] = {
    "sessions.session": "signed-in sessions are credentials, and worthless elsewhere",
    "accounts.totpdevice": "MFA secrets: each person sets up MFA again",
    "accounts.recoverycode": "MFA recovery code hashes: each person sets up MFA again",
    "accounts.securitykey": "security keys and passkeys are bound to this platform's host",
    "accounts.apicredential": "API key hashes: keys are issued again",
    "core.changegeneration": "a cached read's token, not data: loading the rows moves it",
}

# Columns replaced by a fixed placeholder (the column stays so the table imports as it is).
# "!" is Django's unusable-password prefix: imported people set a password by "Forgot your
# password?" or an administrator's invitation.
WITHHELD_COLUMNS: dict[tuple[str, str], tuple[str, str]] = {
    ("accounts.user", "password"): ("!", "password hashes are never exported"),
    ("accounts.ssoconfiguration", "oidc_client_secret_encrypted"): (
        "",
        "the single sign-on client secret is entered again",
    ),
}

# Columns whose names look like secrets but are not (reviewed): the coverage test fails for
# any other column matching SECRET_LIKE that is neither here nor withheld.
REVIEWED_NOT_SECRET: dict[tuple[str, str], str] = {
    ("notifications.notification", "event_key"): "names the event a notification is about",
}
SECRET_LIKE = ("password", "secret", "hash", "token", "private", "_key", "otp", "credential")


@dataclass(frozen=True)
class ArchiveTable:
    label: str  # app_label.model_name, lower case
    model: type[models.Model]
    table: str
    columns: tuple[str, ...]  # database column names, in model field order
    withheld: dict[str, str]  # column -> placeholder
    file_columns: tuple[str, ...]  # FileField columns: their files go under files/

    @property
    def pk_column(self) -> str:
        return self.model._meta.pk.column


def tenant_app_labels() -> list[str]:
    labels = []
    for app_name in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == app_name:
                labels.append(config.label)
    return labels


def tenant_models() -> list[type[models.Model]]:
    """Every concrete, managed model with a table in an organisation's schema (M2M
    through tables included)."""
    labels = set(tenant_app_labels())
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in labels and meta.managed and not meta.proxy:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def archive_tables() -> list[ArchiveTable]:
    tables = []
    for model in tenant_models():
        label = model._meta.label_lower
        if label in WITHHELD_TABLES:
            continue
        fields = [f for f in model._meta.concrete_fields]
        columns = tuple(f.column for f in fields)
        withheld = {
            column: placeholder
            for (table_label, column), (placeholder, _reason) in WITHHELD_COLUMNS.items()
            if table_label == label
        }
        file_columns = tuple(f.column for f in fields if isinstance(f, models.FileField))
        tables.append(
            ArchiveTable(
                label=label,
                model=model,
                table=model._meta.db_table,
                columns=columns,
                withheld=withheld,
                file_columns=file_columns,
            )
        )
    return tables
