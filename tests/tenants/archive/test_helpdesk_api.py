"""The helpdesk REST endpoints of exports and backups: leads only (through a helpdesk key,
issued after MFA), an export needs the organisation's request as its reason, a restore in
place needs the typed slug; refusals change nothing."""

from __future__ import annotations

from goldenthread.tenants.archive.models import (
    ExportRun,
    OrganisationBackup,
    RequestedVia,
    RestoreRun,
)
from goldenthread.tenants.models import PlatformAuditEvent
from tests.tenants.test_helpdesk_api import (  # noqa: F401 - fixtures
    api,
    enrolled_staff,
    lead_key,
    staff_key,
)


def test_staff_who_are_not_leads_cannot_export_or_list_backups(api, staff_key, org_a):  # noqa: F811
    path = f"/organisations/{org_a.slug}/exports/"
    assert api("post", path, staff_key, reason="ticket 1").status_code == 403
    assert api("get", f"/organisations/{org_a.slug}/backups/", staff_key).status_code == 403
    assert not ExportRun.objects.exists()


def test_no_key_no_export(api, org_a):  # noqa: F811
    assert api("post", f"/organisations/{org_a.slug}/exports/", None, reason="x").status_code == 401


def test_a_lead_exports_on_request_and_reads_its_progress(api, lead_key, org_a):  # noqa: F811
    path = f"/organisations/{org_a.slug}/exports/"
    assert api("post", path, lead_key, reason="").status_code == 400
    response = api("post", path, lead_key, reason="Ticket 9, the council's data officer")
    assert response.status_code == 202
    run = ExportRun.objects.get(organisation=org_a)
    assert run.requested_via == RequestedVia.HELPDESK and run.reason.startswith("Ticket 9")
    detail = api("get", f"{path}{run.pk}/", lead_key)
    assert detail.status_code == 200 and detail.json()["status"] == "queued"
    assert api("get", f"{path}{run.pk}/download/", lead_key).status_code == 400
    # another organisation's path does not reach it
    assert api("get", f"/organisations/beta/exports/{run.pk}/", lead_key).status_code == 404
    assert PlatformAuditEvent.objects.filter(
        organisation=org_a, action="organisation.export_requested"
    ).exists()


def test_a_restore_in_place_over_the_api_needs_the_typed_slug(api, lead_key, org_a):  # noqa: F811
    backup = OrganisationBackup.objects.create(
        organisation=org_a,
        schema_name=org_a.schema_name,
        created_by="t",
        trigger="manual",
        file_name="x.dump",
        size=1,
        sha256="0" * 64,
    )
    listed = api("get", f"/organisations/{org_a.slug}/backups/", lead_key).json()
    assert [row["id"] for row in listed] == [backup.pk]
    path = f"/organisations/{org_a.slug}/backups/{backup.pk}/restore/"
    refused = api("post", path, lead_key, confirmation="beta")
    assert refused.status_code == 400
    assert "Type the organisation's slug" in refused.json()["message"]
    assert not PlatformAuditEvent.objects.filter(action="organisation.restored").exists()
    assert not RestoreRun.objects.exists()  # nothing queued for the worker
    assert (
        api("post", f"/organisations/beta/backups/{backup.pk}/restore/", lead_key).status_code
        == 404
    )
