"""The export covers every table of an organisation's schema, so a new tenant model cannot be
left out of exports (and imports) unnoticed, and no secret-looking column leaves unreviewed."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from goldenthread.tenants.archive.selectors.coverage import (
    REVIEWED_NOT_SECRET,
    SECRET_LIKE,
    WITHHELD_COLUMNS,
    WITHHELD_TABLES,
    archive_tables,
    tenant_models,
)


def _tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_of_an_organisation_schema_is_exported_or_withheld_with_a_reason(org_a):
    exported = {table.table for table in archive_tables()}
    withheld = {apps.get_model(label)._meta.db_table for label in WITHHELD_TABLES}
    present = _tables_in(org_a.schema_name) - {"django_migrations"}
    assert present - exported - withheld == set(), "tables no export covers"
    assert exported & withheld == set()
    assert exported <= present


def test_every_tenant_model_is_exported_unless_withheld():
    labels = {model._meta.label_lower for model in tenant_models()}
    exported = {table.label for table in archive_tables()}
    assert labels - exported == set(WITHHELD_TABLES)
    # each withheld entry names a model that exists (a renamed model must be reviewed again)
    assert set(WITHHELD_TABLES) <= labels
    for (label, column), (_placeholder, reason) in WITHHELD_COLUMNS.items():
        assert label in exported and reason
        table = next(t for t in archive_tables() if t.label == label)
        assert column in table.columns


def test_no_secret_looking_column_is_exported_without_review():
    unreviewed = [
        f"{table.label}.{column}"
        for table in archive_tables()
        for column in table.columns
        if any(word in column for word in SECRET_LIKE)
        and column not in table.withheld
        and (table.label, column) not in REVIEWED_NOT_SECRET
    ]
    assert unreviewed == []
