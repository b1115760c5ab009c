"""Console restores are carried out by the worker (the real one, on the real broker): the
page and the helpdesk REST API answer at once with a queued restore, and its state and
progress are read while the worker takes the safety backup and restores. Refusals — staff
who are not leads, a wrong typed confirmation, a second restore while one is under way —
queue nothing. Data here are committed (the worker and pg_dump/psql have connections of their
own), made with unique names and removed afterwards."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.indicators.models import Indicator
from goldenthread.tenants.archive.errors import ArchiveRefused
from goldenthread.tenants.archive.models import (
    OrganisationBackup,
    RestoreKind,
    RestoreRun,
    RunStatus,
)
from goldenthread.tenants.archive.services.backups import backup_create
from goldenthread.tenants.archive.services.restores import (
    INTERRUPTED,
    restore_request,
    restore_run_execute,
)
from goldenthread.tenants.helpdesk.api_keys import helpdesk_api_key_issue
from goldenthread.tenants.models import PlatformAuditEvent
from tests.factories import IndicatorFactory
from tests.fixtures.worker import wait_for
from tests.tenants.archive.test_backups import committed  # noqa: F401 - fixture
from tests.tenants.test_helpdesk_api import BASE, enrol, next_code

pytestmark = pytest.mark.worker


@pytest.fixture
def committed_staff(django_db_blocker):
    """make(lead=...) -> a committed helpdesk user (public schema) and a test client signed
    in as them on the platform host; removed afterwards."""
    from goldenthread.platform.accounts.services import staff_lead_set, user_create
    from goldenthread.tenants.services import ensure_public_organisation

    made = []

    def make(*, lead: bool):
        with django_db_blocker.unblock(), schema_context("public"):
            ensure_public_organisation()
            user = user_create(
                email=f"restorer-{uuid.uuid4().hex[:6]}@helpdesk.example",
                full_name="Helpdesk Restorer",
                password="a-Long-Passw0rd!",
                is_staff=True,
            )
            if lead:
                staff_lead_set(email=user.email)
        made.append(user)
        client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
        with django_db_blocker.unblock(), schema_context("public"):
            client.force_login(user)
        return user, client

    yield make
    with django_db_blocker.unblock(), schema_context("public"):
        for user in made:
            _delete_helpdesk_user(user)


def _delete_helpdesk_user(user) -> None:
    """Delete a public-schema user and the public rows that refer to it, and to those.
    `user.delete()` cannot: Django's collector also looks for the user's rows in
    organisation-only tables, which the public schema does not have."""
    _purge(f"public.{user._meta.db_table}", [user.pk])


def _purge(table: str, ids: list[int], depth: int = 0) -> None:
    assert depth < 5, f"references to {table} go deeper than expected"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f' AND c.confrelid = %s::regclass "
            "AND c.connamespace = 'public'::regnamespace",
            [table],
        )
        for referring, column in cursor.fetchall():
            cursor.execute(
                f"SELECT id FROM {referring} WHERE {connection.ops.quote_name(column)} = ANY(%s)",  # noqa: S608
                [ids],
            )
            children = [row[0] for row in cursor.fetchall()]
            if children:
                _purge(referring, children, depth + 1)
        cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])  # noqa: S608


def _titles(schema_name: str) -> set[str]:
    with schema_context(schema_name):
        return set(Indicator.objects.values_list("title", flat=True))


def _finished(run_id: int) -> RestoreRun | None:
    run = RestoreRun.objects.select_related("safety_backup", "copy").get(pk=run_id)
    return run if not run.is_running else None


def test_a_lead_restores_in_place_on_the_worker_and_the_page_shows_it(
    committed,  # noqa: F811
    committed_staff,
    celery_worker,
    django_db_blocker,
):
    org = committed("w")
    with django_db_blocker.unblock():
        with schema_context(org.schema_name):
            IndicatorFactory(title="Kept")
            doomed = IndicatorFactory(title="Deleted by mistake")
        backup = backup_create(organisation=org, actor="lead@vendor.example")
        with schema_context(org.schema_name):
            Indicator.objects.filter(pk=doomed.pk).delete()
    address = f"/helpdesk/organisations/{org.slug}/data/backups/{backup.pk}/restore/"
    _, plain = committed_staff(lead=False)
    lead_user, lead = committed_staff(lead=True)

    with django_db_blocker.unblock():
        # Staff who are not leads, and a wrong confirmation: refused, nothing queued.
        assert plain.post(address, {"confirmation": org.slug}).status_code == 403
        refused = lead.post(address, {"confirmation": "not-the-slug"})
        assert refused.status_code == 400
        assert f"Type the organisation&#x27;s slug, {org.slug}" in refused.content.decode()
        assert not RestoreRun.objects.filter(organisation=org).exists()

        # The lead types the slug: answered at once, carried out by the worker.
        response = lead.post(address, {"confirmation": org.slug})
        assert response.status_code == 302
        assert response["Location"].endswith(f"/helpdesk/organisations/{org.slug}/data/")
        [run] = RestoreRun.objects.filter(organisation=org)
        assert (run.kind, run.requested_by) == (RestoreKind.IN_PLACE, lead_user.email)
        page = lead.get(response["Location"]).content.decode()
        assert "under way; this page shows its progress" in page
        assert f'data-restore="{run.pk}"' in page

        done = wait_for(lambda: _finished(run.pk), timeout=120, what="the restore to finish")
        assert (done.status, done.progress, done.phase, done.error) == (
            RunStatus.DONE,
            100,
            "Restored",
            "",
        )
        assert _titles(org.schema_name) == {"Kept", "Deleted by mistake"}
        # The safety backup was taken first, by the lead, and only once: the refused requests
        # queued nothing.
        safety = done.safety_backup
        assert safety is not None and safety.created_by == lead_user.email
        assert safety.created_at > backup.created_at
        assert OrganisationBackup.objects.filter(organisation=org).count() == 2
        assert PlatformAuditEvent.objects.filter(
            organisation=org, action="organisation.restored", actor=lead_user.email
        ).exists()
        page = lead.get(response["Location"]).content.decode()
        assert f'data-restore="{run.pk}" data-status="done"' in page
        assert "Safety backup of" in page


def test_a_lead_restores_a_copy_over_rest_and_polls_its_progress(
    committed,  # noqa: F811
    committed_staff,
    celery_worker,
    django_db_blocker,
):
    org = committed("c")
    with django_db_blocker.unblock():
        with schema_context(org.schema_name):
            IndicatorFactory(title="In the copy")
        backup = backup_create(organisation=org, actor="lead@vendor.example")
        with schema_context(org.schema_name):
            IndicatorFactory(title="Only live")
        keys = {}
        for role, lead in (("plain", False), ("lead", True)):
            user, _ = committed_staff(lead=lead)
            secret = enrol(user)
            _, keys[role] = helpdesk_api_key_issue(user=user, name=role, code=next_code(secret))

    def call(method, path, key):
        client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
        return getattr(client, method)(
            BASE + path, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )

    path = f"/organisations/{org.slug}/backups/{backup.pk}/restore-copy/"
    with django_db_blocker.unblock():
        assert call("post", path, keys["plain"]).status_code == 403
        assert call("get", f"/organisations/{org.slug}/restores/", keys["plain"]).status_code == 403
        assert not RestoreRun.objects.filter(organisation=org).exists()

        queued = call("post", path, keys["lead"])
        assert queued.status_code == 202, queued.content
        body = queued.json()
        assert body["kind"] == "copy" and body["backup"] == backup.pk
        assert body["status"] in ("queued", "running") and body["copy_schema"] is None

        def polled():
            answer = call("get", f"/organisations/{org.slug}/restores/{body['id']}/", keys["lead"])
            assert answer.status_code == 200
            state = answer.json()
            return state if state["status"] in ("done", "failed") else None

        state = wait_for(polled, timeout=120, what="the copy to be restored")
        assert state["status"] == "done" and state["progress"] == 100, state
        copy_schema = state["copy_schema"]
        assert copy_schema.startswith(f"{org.schema_name}_r") and schema_exists(copy_schema)
        assert _titles(copy_schema) == {"In the copy"}
        assert _titles(org.schema_name) == {"In the copy", "Only live"}
        listed = call("get", f"/organisations/{org.slug}/restores/", keys["lead"]).json()
        assert [row["id"] for row in listed] == [body["id"]]
        # Another organisation's path does not reach it.
        other = call("get", f"/organisations/beta/restores/{body['id']}/", keys["lead"])
        assert other.status_code == 404


def _backup_row(org, **fields) -> OrganisationBackup:
    return OrganisationBackup.objects.create(
        organisation=org,
        schema_name=org.schema_name,
        created_by="t",
        trigger="manual",
        file_name="x.dump",
        size=1,
        sha256="0" * 64,
        **fields,
    )


def test_a_second_restore_while_one_is_under_way_is_refused(org_a):
    backup = _backup_row(org_a)
    first = restore_request(backup=backup, actor="lead@vendor.example", kind=RestoreKind.COPY)
    with pytest.raises(ArchiveRefused, match="already under way"):
        restore_request(backup=backup, actor="other@vendor.example", kind=RestoreKind.COPY)
    assert list(RestoreRun.objects.filter(organisation=org_a)) == [first]
    # Once it has finished, the next may be asked for.
    RestoreRun.objects.filter(pk=first.pk).update(status=RunStatus.FAILED)
    restore_request(backup=backup, actor="other@vendor.example", kind=RestoreKind.COPY)


def test_a_damaged_backup_fails_the_run_with_the_reason(org_a, archive_dirs):
    path = archive_dirs / "backups" / "x.dump"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not what was dumped")
    run = restore_request(backup=_backup_row(org_a), actor="t", kind=RestoreKind.COPY)

    finished = restore_run_execute(run_id=run.pk)

    assert finished.status == RunStatus.FAILED and finished.phase == "Not restored"
    assert "does not match the checksum" in finished.error
    assert not PlatformAuditEvent.objects.filter(action="organisation.restored_copy").exists()


def test_a_run_delivered_again_after_its_worker_died_is_marked_interrupted_not_rerun(org_a):
    run = restore_request(backup=_backup_row(org_a), actor="t", kind=RestoreKind.COPY)
    RestoreRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=30)

    assert restore_run_execute(run_id=run.pk) is None

    run.refresh_from_db()
    assert (run.status, run.phase, run.error) == (RunStatus.FAILED, "Interrupted", INTERRUPTED)
    assert not PlatformAuditEvent.objects.filter(action="organisation.restored_copy").exists()


def test_a_duplicate_delivered_while_the_restore_runs_does_nothing(org_a):
    """The runner holds the run's job lock (`core.jobs.claim`); a second delivery meanwhile
    (a re-send, a duplicate) must neither restore again nor mark the live run interrupted."""
    import psycopg

    from goldenthread.platform.core import jobs
    from goldenthread.tenants.archive.services.restores import RESTORE
    from tests import support

    run = restore_request(backup=_backup_row(org_a), actor="t", kind=RestoreKind.COPY)
    RestoreRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=30)
    name = f"public:{RESTORE.key(run.pk)}"
    conninfo = support.test_database_url().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as runner:
        runner.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [jobs.JOB_LOCK_CLASS, name])
        assert restore_run_execute(run_id=run.pk) is None

    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (RunStatus.RUNNING, 30, "")
