"""The doors to exports, backups and restores: the organisation's pages and REST (its
administrators only, its own exports only), the console (helpdesk leads only), the command
line, and the real worker writing an export with progress."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.permissions import HELPDESK_LEAD_GROUP
from goldenthread.tenants.archive.models import ExportRun, RequestedVia, RestoreRun, RunStatus
from goldenthread.tenants.models import Organisation, PlatformAuditEvent
from tests.fixtures.worker import wait_for

EXPORTS = "/api/v1/archive/exports/"


@pytest.fixture
def admin_of_a(org_a, make_user):
    return make_user(org_a, roles=["org_admin"])


@pytest.fixture
def staff(db):
    from goldenthread.platform.accounts.services import user_create

    def make(*, lead: bool):
        with schema_context("public"):
            user = user_create(
                email=f"staff-{uuid.uuid4().hex[:6]}@helpdesk.example",
                full_name="Helpdesk Person",
                password="a-Long-Passw0rd!",
                is_staff=True,
            )
            if lead:
                user.groups.add(Group.objects.get_or_create(name=HELPDESK_LEAD_GROUP)[0])
        return user

    return make


def _done_run(organisation, path_maker) -> ExportRun:
    """A finished export with a real archive file (written in the test's transaction)."""
    from goldenthread.tenants.archive.services.exporting import write_archive

    folder = path_maker / "archives" / "exports" / organisation.schema_name
    folder.mkdir(parents=True)
    target = folder / "done.zip"
    write_archive(organisation=organisation, target=target, created_by="t")
    return ExportRun.objects.create(
        organisation=organisation,
        requested_by="t",
        requested_via=RequestedVia.ORGANISATION,
        status=RunStatus.DONE,
        progress=100,
        file_name=f"exports/{organisation.schema_name}/done.zip",
        size=target.stat().st_size,
    )


def test_an_administrator_asks_for_an_export_over_rest_and_reads_its_progress(
    org_a, admin_of_a, client_for
):
    client = client_for(org_a, user=admin_of_a.user)
    response = client.post(EXPORTS)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["progress"] == 0
    detail = client.get(f"{EXPORTS}{body['id']}/")
    assert detail.status_code == 200 and detail.json()["status_words"] == "Waiting to start"
    assert [row["id"] for row in client.get(EXPORTS).json()] == [body["id"]]
    assert PlatformAuditEvent.objects.filter(
        organisation=org_a, action="organisation.export_requested", actor=admin_of_a.user.email
    ).exists()
    # not ready yet: no download
    assert client.get(f"{EXPORTS}{body['id']}/download/").status_code == 400


@pytest.mark.parametrize("roles", [["performance_officer"], ["manager"], ["auditor"]])
def test_no_one_but_an_administrator_may_export(org_a, make_user, client_for, roles):
    from datetime import timedelta

    from django.utils import timezone

    extra = {"access_expires_at": timezone.now() + timedelta(days=5)} if "auditor" in roles else {}
    person = make_user(org_a, roles=roles, **extra)
    client = client_for(org_a, user=person.user)
    assert client.post(EXPORTS).status_code == 403
    assert client.get(EXPORTS).status_code == 403
    assert client.post("/organisation-data/").status_code == 403
    assert not ExportRun.objects.filter(organisation=org_a).exists()


def test_anonymous_callers_are_refused(org_a, client_for):
    assert client_for(org_a).post(EXPORTS).status_code in (401, 403)
    assert client_for(org_a).get("/organisation-data/").status_code == 302
    assert not ExportRun.objects.exists()


def test_another_organisations_export_is_not_found(
    org_a, org_b, admin_of_a, client_for, archive_dirs
):
    theirs = _done_run(org_b, archive_dirs)
    client = client_for(org_a, user=admin_of_a.user)
    assert client.get(f"{EXPORTS}{theirs.pk}/").status_code == 404
    assert client.get(f"{EXPORTS}{theirs.pk}/download/").status_code == 404
    assert client.get(f"/organisation-data/exports/{theirs.pk}/download/").status_code == 404
    assert not PlatformAuditEvent.objects.filter(action="organisation.export_downloaded").exists()


def test_an_administrator_downloads_a_finished_export_and_it_is_audited(
    org_a, admin_of_a, client_for, archive_dirs
):
    run = _done_run(org_a, archive_dirs)
    client = client_for(org_a, user=admin_of_a.user)
    page = client.get(f"/organisation-data/exports/{run.pk}/")
    assert page.status_code == 200 and "The archive is ready" in page.content.decode()
    response = client.get(f"{EXPORTS}{run.pk}/download/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("manifest.json"))["organisation"]["slug"] == org_a.slug
    assert PlatformAuditEvent.objects.filter(
        organisation=org_a, action="organisation.export_downloaded"
    ).exists()


def test_the_export_page_asks_for_an_export_and_shows_its_progress(org_a, admin_of_a, client_for):
    client = client_for(org_a, user=admin_of_a.user)
    assert "Export all our data" in client.get("/organisation-data/").content.decode()
    response = client.post("/organisation-data/")
    run = ExportRun.objects.get(organisation=org_a)
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{run.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "Waiting to start" in page
    # The shared progress script finds the section and the bar by their data attributes.
    assert "goldenthread/job-progress.js" in page
    assert "data-job-progress" in page and 'id="job-progress-bar"' in page
    status = client.get(f"/organisation-data/exports/{run.pk}/status/").json()
    assert status["running"] is True and status["progress"] == 0


def test_the_console_data_page_is_for_helpdesk_leads_only(org_a, staff, client_for):
    address = f"/helpdesk/organisations/{org_a.slug}/data/"
    plain = client_for(None)
    plain.force_login(staff(lead=False))
    assert plain.get(address).status_code == 403
    assert plain.post(address, {"reason": "ticket 1"}).status_code == 403
    lead = client_for(None)
    lead.force_login(staff(lead=True))
    assert lead.get(address).status_code == 200
    assert not ExportRun.objects.exists()
    # the console is not on an organisation's host
    assert client_for(org_a).get(address).status_code == 404


def test_a_lead_exports_on_request_with_a_reason_and_it_is_audited(org_a, staff, client_for):
    address = f"/helpdesk/organisations/{org_a.slug}/data/"
    lead_user = staff(lead=True)
    lead = client_for(None)
    lead.force_login(lead_user)
    refused = lead.post(address, {"reason": "  "})
    assert refused.status_code == 400
    assert not ExportRun.objects.exists()

    assert (
        lead.post(address, {"reason": "Ticket 4711, asked by the chief executive"}).status_code
        == 302
    )
    run = ExportRun.objects.get(organisation=org_a)
    assert run.requested_via == RequestedVia.HELPDESK and run.requested_by == lead_user.email
    event = PlatformAuditEvent.objects.get(
        organisation=org_a, action="organisation.export_requested"
    )
    assert event.detail["reason"].startswith("Ticket 4711")


def test_a_restore_in_place_needs_the_typed_slug(org_a, staff, client_for, archive_dirs):
    from goldenthread.tenants.archive.models import OrganisationBackup

    backup = OrganisationBackup.objects.create(
        organisation=org_a,
        schema_name=org_a.schema_name,
        created_by="t",
        trigger="manual",
        file_name="x.dump",
        size=1,
        sha256="0" * 64,
    )
    lead = client_for(None)
    lead.force_login(staff(lead=True))
    address = f"/helpdesk/organisations/{org_a.slug}/data/backups/{backup.pk}/restore/"
    assert lead.get(address).status_code == 200
    response = lead.post(address, {"confirmation": "beta"})
    assert response.status_code == 400
    assert "Type the organisation&#x27;s slug" in response.content.decode()
    assert not PlatformAuditEvent.objects.filter(action="organisation.restored").exists()
    assert not RestoreRun.objects.exists()  # nothing queued for the worker
    # another organisation's backup is not found under this one
    other = f"/helpdesk/organisations/beta/data/backups/{backup.pk}/restore/"
    assert lead.get(other).status_code == 404


def test_the_command_exports_and_imports_an_organisation(org_a, archive_dirs, capsys):
    target = archive_dirs / "alpha-cli.zip"
    call_command("archive", "export", org_a.slug, "--output", str(target), "--reason", "test")
    assert "Exported Alpha District Council" in capsys.readouterr().out
    call_command("archive", "import", str(target), "--slug", "alpha-cli", "--name", "Alpha CLI")
    assert "Imported as Alpha CLI" in capsys.readouterr().out
    assert Organisation.objects.filter(slug="alpha-cli").exists()


def test_the_worker_writes_an_export_with_progress(
    session_organisations, celery_worker, django_db_blocker, settings, tmp_path
):
    """The real worker and broker: the run moves to done, with the archive on disk."""
    from goldenthread.tenants.archive.services.exporting import export_request

    settings.ARCHIVE_DIR = tmp_path / "archives"
    org_a = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        with schema_context(org_a.schema_name):
            from goldenthread.platform.accounts.services import user_create

            admin = user_create(
                email=f"exporter-{tag}@alpha.example", full_name="Exporter", roles=["org_admin"]
            )
        run = export_request(organisation=org_a, user=admin)
        try:
            finished = wait_for(
                lambda: ExportRun.objects.filter(pk=run.pk, status=RunStatus.DONE).first(),
                timeout=120,
                what="the export to finish",
            )
            assert finished.progress == 100 and finished.phase == "Ready"
            path = settings.ARCHIVE_DIR / finished.file_name
            with zipfile.ZipFile(path) as zf:
                manifest = json.loads(zf.read("manifest.json"))
            assert manifest["counts"]["accounts.user"] >= 1
            assert oct(path.stat().st_mode & 0o777) == "0o600"
        finally:
            ExportRun.objects.filter(pk=run.pk).delete()
            PlatformAuditEvent.objects.filter(detail__export=run.pk).delete()
            with schema_context(org_a.schema_name):
                admin.delete()


def test_the_command_refuses_a_restore_without_the_typed_slug(org_a, archive_dirs):
    from django.core.management.base import CommandError

    from goldenthread.tenants.archive.models import OrganisationBackup

    backup = OrganisationBackup.objects.create(
        organisation=org_a,
        schema_name=org_a.schema_name,
        created_by="t",
        trigger="manual",
        file_name="x.dump",
        size=1,
        sha256="0" * 64,
    )
    with pytest.raises(CommandError, match="Type the organisation's slug"):
        call_command("archive", "restore", org_a.slug, str(backup.pk), "--confirm", "alpha-x")
    with pytest.raises(CommandError, match="no such backup"):
        call_command("archive", "restore", "beta", str(backup.pk), "--confirm", "beta")
    assert not PlatformAuditEvent.objects.filter(action="organisation.restored").exists()


def test_old_export_archives_are_deleted_and_say_so(org_a, admin_of_a, client_for, archive_dirs):
    from datetime import timedelta

    from django.utils import timezone

    from goldenthread.tenants.archive.services.exporting import exports_prune

    old, recent = _done_run(org_a, archive_dirs), None
    ExportRun.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=30))
    recent = ExportRun.objects.create(
        organisation=org_a,
        requested_by="t",
        requested_via=RequestedVia.ORGANISATION,
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        file_name="exports/recent.zip",
    )
    path = archive_dirs / "archives" / old.file_name

    assert exports_prune(organisation=org_a) == 1

    assert not path.exists()
    recent.refresh_from_db()
    assert recent.file_name == "exports/recent.zip"
    response = client_for(org_a, user=admin_of_a.user).get(f"{EXPORTS}{old.pk}/download/")
    assert response.status_code == 400 and "deleted" in response.json()["message"]
