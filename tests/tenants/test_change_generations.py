"""Change generations (`tenants.database.changes`): every committed write to a table a cached
read is built from moves its schema's token, whichever way the write is made; nothing else
does."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from goldenthread.tenants.database.changes import (
    GENERATION_TABLE,
    PUBLIC,
    schemas_written,
    watched_tables,
)
from tests.factories import provision_staffed_organisation

pytestmark = pytest.mark.usefixtures("committed_data")


# --- which schemas a statement writes -----------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "written"),
    [
        # The ORM's own shapes, unqualified: a tenant table is the connection's organisation's.
        ('INSERT INTO "indicators_indicator" ("code") VALUES (%s) RETURNING "id"', {"org_x"}),
        ('UPDATE "indicators_indicatorvalue" SET "status" = %s WHERE "id" = %s', {"org_x"}),
        ('DELETE FROM "indicators_indicator_sub_areas" WHERE "id" IN (%s)', {"org_x"}),
        # Hand-written and lower case, as raw SQL may be.
        ("update indicators_servicearea set name = 'x'", {"org_x"}),
        ('COPY "indicators_indicatorvalue" ("id") FROM STDIN', {"org_x"}),
        ('TRUNCATE "accounts_user", "indicators_subarea" CASCADE', {"org_x"}),
        # A table only the public schema has is public's, whatever the connection serves.
        ('UPDATE "shared_indicators_catalogueindicator" SET "version" = 2', {PUBLIC}),
        # A qualified name is its schema's.
        ('UPDATE "org_y"."indicators_indicator" SET "title" = %s', {"org_y"}),
        ('INSERT INTO org_z.indicators_indicatorvalue SELECT * FROM "x"', {"org_z"}),
        # A write to a data-modifying CTE is still a write.
        (
            'WITH moved AS (UPDATE "indicators_indicator" SET "is_active" = false) SELECT 1',
            {"org_x"},
        ),
        # Reads, and writes to tables no cached read is built from, change nothing cached.
        ('SELECT "indicators_indicator"."id" FROM "indicators_indicator" FOR UPDATE', set()),
        ('  (SELECT 1 FROM "indicators_indicator")', set()),
        ('UPDATE "accounts_user" SET "last_login" = %s', set()),
        ('COPY (SELECT * FROM "indicators_indicator") TO STDOUT', set()),
        ("SET search_path = org_x, public", set()),
        # A procedure may write anything: assumed to write here and in public.
        ("CALL tidy_up()", {"org_x", PUBLIC}),
    ],
)
def test_the_schemas_a_statement_may_change(statement, written):
    assert schemas_written(statement, "org_x") == written


def test_the_pi_list_tables_are_watched_in_every_process():
    # Declared at app loading (indicators' AppConfig.ready), so a Celery worker watches too.
    assert {
        "indicators_indicator",
        "indicators_indicatorvalue",
        "shared_indicators_catalogueindicator",
    } <= watched_tables()


# --- the tokens, on a real database -------------------------------------------------------


def token(schema: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT generation FROM "{schema}"."{GENERATION_TABLE}" WHERE id = 1')  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def council(session_organisations, django_db_blocker):
    return provision_staffed_organisation(
        django_db_blocker, prefix="tokens", name="Token Council", indicator_code="TOK 1"
    )


def test_each_way_of_writing_a_watched_table_moves_the_token(council):
    from goldenthread.platform.indicators.models import Indicator, ServiceArea

    schema = council.schema_name
    seen = [token(schema)]

    def moved() -> bool:
        seen.append(token(schema))
        return seen[-1] is not None and seen[-1] != seen[-2]

    with schema_context(schema):
        pi = Indicator.objects.get(code="TOK 1")
        pi.title = "Saved"
        pi.save()  # the ORM, autocommit
        assert moved()
        Indicator.objects.filter(pk=pi.pk).update(title="Updated")  # a queryset update
        assert moved()
        with transaction.atomic():  # a transaction: stamped as it commits
            ServiceArea.objects.create(name="Waste")
            ServiceArea.objects.create(name="Parks")
        assert moved()
        with connection.cursor() as cursor:  # raw SQL
            cursor.execute("update indicators_indicator set title = 'Raw' where id = %s", [pi.pk])
        assert moved()
        with (
            connection.cursor() as cursor,
            cursor.copy(  # COPY, as the bulk import does
                'COPY "indicators_servicearea" ("name", "code") FROM STDIN'
            ) as copy,
        ):
            copy.write_row(("Copied", "CPD"))
        assert moved()
        pi.delete()
        assert moved()


def test_a_rolled_back_write_and_an_unwatched_write_leave_the_token(council):
    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.indicators.models import Indicator

    schema = council.schema_name
    with schema_context(schema):
        Indicator.objects.filter(code="TOK 1").update(title="Before")
        before = token(schema)
        with pytest.raises(RuntimeError), transaction.atomic():
            Indicator.objects.filter(code="TOK 1").update(title="Rolled back")
            raise RuntimeError("abandoned")
        assert token(schema) == before
        User.objects.filter(pk=council.officer.pk).update(full_name="Olive Renamed")
        assert token(schema) == before
        assert Indicator.objects.get(code="TOK 1").title == "Before"


def test_a_write_moves_only_its_own_organisations_token(council, django_db_blocker):
    from goldenthread.platform.indicators.models import Indicator

    other = provision_staffed_organisation(
        django_db_blocker, prefix="tokens", name="Other Council", indicator_code="TOK 2"
    )
    with schema_context(other.schema_name):
        Indicator.objects.filter(code="TOK 2").update(title="Warm")
    others_before, public_before = token(other.schema_name), token(PUBLIC)
    with schema_context(council.schema_name):
        Indicator.objects.filter(code="TOK 1").update(title="Changed here")
    assert token(other.schema_name) == others_before
    assert token(PUBLIC) == public_before
