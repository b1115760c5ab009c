"""Per-organisation backup and restore, against committed data (pg_dump, pg_restore and psql
have connections of their own): a PI deleted in A comes back when A is restored, and B —
its rows and a change made after A's backup — is untouched."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.indicators.models import Indicator
from goldenthread.tenants.archive.errors import ArchiveRefused
from goldenthread.tenants.archive.models import OrganisationBackup, RestoredCopy, RestoreRun
from goldenthread.tenants.archive.services.backups import (
    backup_create,
    backup_restore_copy,
    backup_restore_in_place,
    backups_prune,
    restored_copy_drop,
)
from goldenthread.tenants.models import Organisation, PlatformAuditEvent
from tests.factories import IndicatorFactory, provision_organisation


@pytest.fixture
def committed(django_db_setup, django_db_blocker, settings, tmp_path):
    """Two organisations of this test's own, committed; removed afterwards."""
    settings.BACKUP_DIR = tmp_path / "backups"
    made: list[Organisation] = []
    with django_db_blocker.unblock():

        def make(label: str) -> Organisation:
            slug = f"bk-{label}-{uuid.uuid4().hex[:6]}"
            organisation = provision_organisation(slug=slug, name=f"Backup test {label}")
            made.append(organisation)
            return organisation

        yield make
        connection.set_schema_to_public()
        for organisation in made:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname = %s OR nspname LIKE %s",
                    [organisation.schema_name, organisation.schema_name + "\\_r%"],
                )
                for (schema,) in cursor.fetchall():
                    cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
            RestoreRun.objects.filter(organisation=organisation).delete()
            RestoredCopy.objects.filter(backup__schema_name=organisation.schema_name).delete()
            OrganisationBackup.objects.filter(schema_name=organisation.schema_name).delete()
            PlatformAuditEvent.objects.filter(organisation=organisation).delete()
            organisation.delete()


def _titles(organisation_or_schema) -> set[str]:
    schema = getattr(organisation_or_schema, "schema_name", organisation_or_schema)
    with schema_context(schema):
        return set(Indicator.objects.values_list("title", flat=True))


def _change_token(schema: str) -> int | None:
    """The schema's change generation (`tenants.database.changes`): cached reads are kept
    under it."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT generation FROM "{schema}".core_changegeneration')  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def test_restoring_a_brings_its_deleted_pi_back_and_leaves_b_alone(committed):
    org_a, org_b = committed("a"), committed("b")
    with schema_context(org_a.schema_name):
        IndicatorFactory(title="Kept in A")
        doomed = IndicatorFactory(title="Deleted from A by mistake")
    with schema_context(org_b.schema_name):
        renamed = IndicatorFactory(title="B as it was")
    backup = backup_create(organisation=org_a, actor="lead@vendor.example")
    assert backup.size > 0 and len(backup.sha256) == 64
    token_in_backup = _change_token(org_a.schema_name)

    # The mistake in A, and ordinary work in B after A's backup
    with schema_context(org_a.schema_name):
        Indicator.objects.filter(pk=doomed.pk).delete()
    with schema_context(org_b.schema_name):
        IndicatorFactory(title="Added in B after the backup")
        Indicator.objects.filter(pk=renamed.pk).update(title="B renamed after the backup")
    assert _titles(org_a) == {"Kept in A"}

    # A wrong confirmation changes nothing
    with pytest.raises(ArchiveRefused, match="Type the organisation's slug"):
        backup_restore_in_place(backup=backup, actor="lead@vendor.example", confirmation="yes")
    assert _titles(org_a) == {"Kept in A"}

    # When A is restored in place
    tokens_before = {org.schema_name: _change_token(org.schema_name) for org in (org_a, org_b)}
    safety = backup_restore_in_place(
        backup=backup, actor="lead@vendor.example", confirmation=org_a.slug
    )

    # Then A's PI is back, B keeps its rows and its later change
    assert _titles(org_a) == {"Kept in A", "Deleted from A by mistake"}
    assert _titles(org_b) == {"B renamed after the backup", "Added in B after the backup"}
    # A's cached reads are done with (psql wrote its rows, and the token the dump brought back
    # is moved on), B's stand
    assert _change_token(org_a.schema_name) not in (
        None,
        token_in_backup,
        tokens_before[org_a.schema_name],
    )
    assert _change_token(org_b.schema_name) == tokens_before[org_b.schema_name]
    # A safety backup of A as it was just before the restore was taken
    assert safety.pk != backup.pk and safety.organisation == org_a
    actions = set(
        PlatformAuditEvent.objects.filter(organisation=org_a).values_list("action", flat=True)
    )
    assert {"organisation.backed_up", "organisation.restored"} <= actions
    # New PIs still get fresh ids in the restored schema (its identity sequences came back too)
    with schema_context(org_a.schema_name):
        assert IndicatorFactory(title="After restore").pk > doomed.pk


def test_a_backup_restored_as_a_copy_sits_beside_the_live_organisation(committed):
    org_a = committed("c")
    with schema_context(org_a.schema_name):
        doomed = IndicatorFactory(title="Only in the backup")
    backup = backup_create(organisation=org_a, actor="lead@vendor.example")
    with schema_context(org_a.schema_name):
        Indicator.objects.filter(pk=doomed.pk).delete()
        IndicatorFactory(title="Only live")

    copy = backup_restore_copy(backup=backup, actor="lead@vendor.example")

    assert copy.schema_name.startswith(org_a.schema_name + "_r")
    assert _titles(copy.schema_name) == {"Only in the backup"}
    assert _titles(org_a) == {"Only live"}
    restored_copy_drop(copy=copy, actor="lead@vendor.example")
    assert not schema_exists(copy.schema_name)
    assert _titles(org_a) == {"Only live"}


def test_a_damaged_backup_file_is_not_restored(committed, settings):
    org_a = committed("d")
    with schema_context(org_a.schema_name):
        IndicatorFactory(title="Live")
    backup = backup_create(organisation=org_a, actor="t")
    path = settings.BACKUP_DIR / backup.file_name
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")

    with pytest.raises(ArchiveRefused, match="does not match the checksum"):
        backup_restore_in_place(backup=backup, actor="t", confirmation=org_a.slug)
    assert _titles(org_a) == {"Live"}


def test_retention_deletes_old_backups_but_keeps_the_newest(committed, settings):
    from datetime import timedelta

    from django.utils import timezone

    org_a = committed("e")
    settings.BACKUP_RETENTION_DAYS = 10
    settings.BACKUP_KEEP_AT_LEAST = 2
    backups = [backup_create(organisation=org_a, actor="t") for _ in range(4)]
    now = timezone.now()
    for age, backup in zip([40, 30, 20, 1], backups, strict=True):
        OrganisationBackup.objects.filter(pk=backup.pk).update(created_at=now - timedelta(days=age))

    assert backups_prune(organisation=org_a, now=now) == 2

    kept = OrganisationBackup.objects.filter(organisation=org_a, deleted_at__isnull=True)
    assert set(kept.values_list("pk", flat=True)) == {backups[2].pk, backups[3].pk}
    assert not (settings.BACKUP_DIR / backups[0].file_name).exists()
    assert (settings.BACKUP_DIR / backups[3].file_name).exists()


def test_the_nightly_fan_out_backs_up_each_organisation_in_its_own_schema(committed):
    from goldenthread.platform.celery_app import app
    from goldenthread.platform.core.licensing import ALWAYS, module_of_task
    from goldenthread.tenants.archive.tasks import backup_this_organisation

    entry = app.conf.beat_schedule["archive-backups"]
    assert entry["kwargs"]["task_name"] == backup_this_organisation.name
    assert module_of_task(app.tasks[backup_this_organisation.name]) == ALWAYS

    org_a = committed("f")
    with schema_context(org_a.schema_name):
        backup_pk = backup_this_organisation()
    backup = OrganisationBackup.objects.get(pk=backup_pk)
    assert backup.organisation == org_a and backup.trigger == "scheduled"
    assert backup.created_by == "system:schedule"
