"""Console imports are carried out by the worker (the real one, on the real broker): the page
answers at once with a queued import, and the worker imports a good archive as a new
organisation and refuses a bad one, the page showing both outcomes. Data here are committed
(the worker has a connection of its own), made with unique names and removed afterwards."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import Indicator
from goldenthread.tenants.archive.models import ImportRun, ImportStatus
from goldenthread.tenants.archive.services.exporting import write_archive
from goldenthread.tenants.models import Domain, Organisation, PlatformAuditEvent
from tests.factories import IndicatorFactory
from tests.fixtures.worker import wait_for
from tests.tenants.archive.test_backups import committed  # noqa: F401 - fixture
from tests.tenants.archive.test_restores_on_worker import committed_staff  # noqa: F401

pytestmark = pytest.mark.worker


def _finished(slug: str) -> ImportRun | None:
    run = ImportRun.objects.select_related("organisation").filter(slug=slug).first()
    return run if run is not None and not run.is_running else None


def _remove_imports(slugs: list[str]) -> None:
    connection.set_schema_to_public()
    for slug in slugs:
        organisation = Organisation.objects.filter(slug=slug).first()
        ImportRun.objects.filter(slug=slug).delete()
        if organisation is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{organisation.schema_name}" CASCADE')
        PlatformAuditEvent.objects.filter(organisation=organisation).delete()
        Domain.objects.filter(tenant=organisation).delete()
        organisation.delete()


def test_the_worker_imports_an_archive_uploaded_in_the_console(
    committed,  # noqa: F811
    committed_staff,  # noqa: F811
    celery_worker,
    django_db_blocker,
    settings,
    tmp_path,
):
    settings.ARCHIVE_DIR = tmp_path / "archives"
    settings.MEDIA_ROOT = tmp_path / "media"
    tag = uuid.uuid4().hex[:6]
    good, bad = f"imp-{tag}", f"imp-bad-{tag}"
    source = committed("i")
    path = tmp_path / "source.zip"
    with django_db_blocker.unblock():
        with schema_context(source.schema_name):
            IndicatorFactory(title="Carried across by the worker")
        write_archive(organisation=source, target=path, created_by="t")
    lead_user, lead = committed_staff(lead=True)

    try:
        with django_db_blocker.unblock():
            # A good archive and a file that is not one, uploaded in the console
            for slug, content in ((good, path.read_bytes()), (bad, b"not a zip at all")):
                upload = SimpleUploadedFile(f"{slug}.zip", content, "application/zip")
                response = lead.post(
                    "/helpdesk/imports/",
                    {"archive": upload, "name": f"Imported {slug}", "slug": slug},
                )
                assert response.status_code == 302, response.content

            done = wait_for(lambda: _finished(good), timeout=120, what="the import to finish")
            assert (done.status, done.error) == (ImportStatus.DONE, "")
            imported = done.organisation
            assert imported.slug == good
            with schema_context(imported.schema_name):
                assert Indicator.objects.filter(title="Carried across by the worker").exists()
            assert PlatformAuditEvent.objects.filter(
                organisation=imported, action="organisation.imported", actor=lead_user.email
            ).exists()

            failed = wait_for(lambda: _finished(bad), timeout=120, what="the refusal")
            assert failed.status == ImportStatus.FAILED
            assert "not a readable ZIP archive" in failed.error
            assert not Organisation.objects.filter(slug=bad).exists()

            page = lead.get("/helpdesk/imports/").content.decode()
            assert f'data-import="{done.pk}" data-status="done"' in page
            assert f'href="/helpdesk/organisations/{good}/"' in page
            assert f'data-import="{failed.pk}" data-status="failed"' in page
            assert list((tmp_path / "archives" / "imports").iterdir()) == []
    finally:
        with django_db_blocker.unblock():
            _remove_imports([good, bad])
