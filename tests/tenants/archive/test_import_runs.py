"""The helpdesk imports an organisation archive without a shell: the console page and the
helpdesk REST API store the upload and queue an `ImportRun`; the worker's side
(`import_run_execute`, called here as the task calls it) checks and imports it. A good archive
ends as a new organisation serving its data, a refused one as a failed run naming the problem
with nothing created, an over-size upload is refused at the door (over REST, from its declared
length before its body is read), and nobody but a helpdesk lead on the platform host may do
any of it. A second delivery of the task does nothing."""

from __future__ import annotations

import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.accounts.permissions import HELPDESK_LEAD_GROUP
from goldenthread.platform.indicators.models import Indicator
from goldenthread.shared_indicators.publication.models import OutboxMessage
from goldenthread.tenants.archive.models import ImportRun, ImportStatus
from goldenthread.tenants.archive.services.exporting import write_archive
from goldenthread.tenants.archive.services.import_runs import (
    IMPORT,
    INTERRUPTED,
    UPLOAD_ENVELOPE_BYTES,
    import_request,
    import_run_execute,
)
from goldenthread.tenants.models import Domain, Organisation, PlatformAuditEvent
from tests.factories import IndicatorFactory
from tests.tenants.test_helpdesk_api import (  # noqa: F401 - fixtures
    BASE,
    enrolled_staff,
    lead_key,
    staff_key,
)

IMPORTS = "/helpdesk/imports/"


@pytest.fixture
def lead(staff, client_for):
    """A helpdesk lead signed in to the console on the platform host."""
    with schema_context("public"):
        staff.user.groups.add(Group.objects.get_or_create(name=HELPDESK_LEAD_GROUP)[0])
    return staff.user, client_for(None, user=staff.user)


@pytest.fixture
def archive(org_a, archive_dirs):
    """Alpha's export, with a PI of its own to look for after the import."""
    with schema_context(org_a.schema_name):
        IndicatorFactory(title="Missed bins per 100,000 collections")
    path = archive_dirs / "alpha.zip"
    write_archive(organisation=org_a, target=path, created_by="admin@alpha.example")
    return path


def _upload(path, name: str = "alpha.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/zip")


def _stored_uploads(archive_dirs) -> list:
    folder = archive_dirs / "archives" / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def _nothing_created(slug: str) -> None:
    assert not Organisation.objects.filter(slug=slug).exists()
    assert not schema_exists("org_" + slug.replace("-", "_"))
    assert not Domain.objects.filter(domain__startswith=slug + ".").exists()
    assert not PlatformAuditEvent.objects.filter(action="organisation.imported").exists()


def _tampered(path):
    """A copy of the archive whose users table was changed after it was made."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["tables/accounts.user.csv"] = members["tables/accounts.user.csv"].replace(
        b"alpha", b"evil!"
    )
    target = path.with_name("tampered.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


# --- the console ------------------------------------------------------------------------------


def test_a_lead_imports_an_archive_in_the_console_and_the_organisation_serves_its_data(
    lead, archive, archive_dirs, client_for, make_user
):
    lead_user, console = lead
    assert f'href="{IMPORTS}"' in console.get("/helpdesk/").content.decode()
    assert console.get(IMPORTS).status_code == 200

    # When the lead uploads Alpha's archive as a new organisation
    response = console.post(
        IMPORTS, {"archive": _upload(archive), "name": "Alpha Again", "slug": "alpha-again"}
    )

    # Then the page answers at once: the file is kept (0600) and the import queued, not run
    assert response.status_code == 302 and response["Location"] == IMPORTS
    run = ImportRun.objects.get()
    assert (run.status, run.name, run.slug, run.requested_by) == (
        ImportStatus.QUEUED,
        "Alpha Again",
        "alpha-again",
        lead_user.email,
    )
    [stored] = _stored_uploads(archive_dirs)
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    assert run.size == archive.stat().st_size and len(run.sha256) == 64
    assert OutboxMessage.objects.filter(job_key=IMPORT.key(run.pk)).exists()
    assert not Organisation.objects.filter(slug="alpha-again").exists()
    page = console.get(IMPORTS).content.decode()
    assert "the worker is importing it as Alpha Again" in page
    assert f'data-import="{run.pk}" data-status="queued"' in page

    # When the worker takes it
    finished = import_run_execute(run_id=run.pk)

    # Then the run is done, names the new organisation, and the upload is gone
    assert (finished.status, finished.progress, finished.phase, finished.error) == (
        ImportStatus.DONE,
        100,
        "Imported",
        "",
    )
    imported = finished.organisation
    assert (imported.name, imported.slug) == ("Alpha Again", "alpha-again")
    assert _stored_uploads(archive_dirs) == [] and finished.file_name == ""
    event = PlatformAuditEvent.objects.get(organisation=imported, action="organisation.imported")
    assert event.actor == lead_user.email and event.detail["import_run"] == run.pk
    page = console.get(IMPORTS).content.decode()
    assert f'data-import="{run.pk}" data-status="done"' in page
    assert 'href="/helpdesk/organisations/alpha-again/">Alpha Again</a>' in page
    detail = console.get("/helpdesk/organisations/alpha-again/")
    assert detail.status_code == 200
    assert "Organisation imported from an archive" in detail.content.decode()

    # And the new organisation serves its data on its own host
    reader = make_user(imported, roles=["performance_officer"])
    answer = client_for(imported, user=reader.user).get("/api/v1/indicators/")
    assert answer.status_code == 200
    assert "Missed bins per 100,000 collections" in answer.content.decode()


def test_a_tampered_archive_ends_as_a_failed_run_naming_the_problem_with_nothing_created(
    lead, archive, archive_dirs
):
    _, console = lead
    response = console.post(
        IMPORTS, {"archive": _upload(_tampered(archive)), "name": "Evil", "slug": "evil-one"}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()

    finished = import_run_execute(run_id=run.pk)

    assert (finished.status, finished.phase) == (ImportStatus.FAILED, "Not imported")
    assert "tables/accounts.user.csv does not match its checksum" in finished.error
    assert finished.organisation is None
    _nothing_created("evil-one")
    assert _stored_uploads(archive_dirs) == []
    page = console.get(IMPORTS).content.decode()
    assert f'data-import="{run.pk}" data-status="failed"' in page
    assert "does not match its checksum in the manifest" in page


def test_a_file_that_is_not_a_zip_ends_as_a_failed_run(lead, archive_dirs):
    _, console = lead
    junk = SimpleUploadedFile("alpha.zip", b"this is a spreadsheet, honestly", "application/zip")
    assert (
        console.post(IMPORTS, {"archive": junk, "name": "Junk", "slug": "junk"}).status_code == 302
    )

    finished = import_run_execute(run_id=ImportRun.objects.get().pk)

    assert finished.status == ImportStatus.FAILED
    assert "The file is not a readable ZIP archive" in finished.error
    _nothing_created("junk")


def test_an_over_size_upload_is_refused_on_the_page_with_the_limit(
    lead, archive, archive_dirs, settings
):
    settings.ARCHIVE_IMPORT_MAX_UPLOAD_BYTES = 1000
    _, console = lead
    response = console.post(
        IMPORTS, {"archive": _upload(archive), "name": "Too Big", "slug": "too-big"}
    )
    assert response.status_code == 400
    assert "the largest the helpdesk may upload is 1000 bytes" in response.content.decode()
    assert not ImportRun.objects.exists() and _stored_uploads(archive_dirs) == []
    assert not OutboxMessage.objects.filter(job_key__startswith="archive.importrun:").exists()


def test_a_slug_already_taken_is_refused_on_the_page_before_anything_is_stored(
    lead, archive, archive_dirs, org_a
):
    _, console = lead
    response = console.post(IMPORTS, {"archive": _upload(archive), "name": "A", "slug": "alpha"})
    assert response.status_code == 400
    assert "An organisation with the slug &#x27;alpha&#x27; already exists" in (
        response.content.decode()
    )
    assert not ImportRun.objects.exists() and _stored_uploads(archive_dirs) == []


def test_a_second_import_into_the_same_slug_waits_for_the_first(archive, archive_dirs):
    first = import_request(upload=_upload(archive), name="One", slug="same-slug", actor="t")
    with pytest.raises(Exception, match="already waiting or under way"):
        import_request(upload=_upload(archive), name="Two", slug="same-slug", actor="t")
    assert list(ImportRun.objects.all()) == [first]
    assert len(_stored_uploads(archive_dirs)) == 1


def test_the_console_import_page_is_for_helpdesk_leads_on_the_platform_host_only(
    staff, org_a, make_user, client_for, archive, archive_dirs
):
    data = {"archive": _upload(archive), "name": "Nope", "slug": "nope"}
    # Anonymous: sent to sign in
    assert client_for(None).get(IMPORTS).status_code == 302
    # Staff who are not leads: refused, and not offered the page in the organisation list
    plain = client_for(None, user=staff.user)
    assert IMPORTS not in plain.get("/helpdesk/").content.decode()
    assert plain.get(IMPORTS).status_code == 403
    assert plain.post(IMPORTS, data).status_code == 403
    # An organisation's administrator, on the organisation's host: the console is not there
    admin = make_user(org_a, roles=["org_admin"])
    on_org_host = client_for(org_a, user=admin.user)
    assert on_org_host.get(IMPORTS).status_code == 404
    assert on_org_host.post(IMPORTS, {**data, "archive": _upload(archive)}).status_code == 404
    # Nothing stored, queued or created
    assert not ImportRun.objects.exists() and _stored_uploads(archive_dirs) == []
    _nothing_created("nope")


# --- the worker's deliveries ------------------------------------------------------------------


def test_a_second_delivery_of_the_task_does_nothing(archive, archive_dirs):
    run = import_request(upload=_upload(archive), name="Once", slug="once-only", actor="t")
    assert import_run_execute(run_id=run.pk).status == ImportStatus.DONE

    assert import_run_execute(run_id=run.pk) is None

    assert Organisation.objects.filter(slug="once-only").count() == 1
    assert PlatformAuditEvent.objects.filter(action="organisation.imported").count() == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE


def test_a_duplicate_delivered_while_the_import_runs_does_nothing(archive, archive_dirs):
    """The runner holds the run's job lock (`core.jobs.claim`): a second delivery meanwhile
    neither imports again nor marks the live run interrupted."""
    import psycopg

    from goldenthread.platform.core import jobs
    from tests import support

    run = import_request(upload=_upload(archive), name="Held", slug="held", actor="t")
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, progress=40)
    name = f"public:{IMPORT.key(run.pk)}"
    conninfo = support.test_database_url().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as runner:
        runner.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [jobs.JOB_LOCK_CLASS, name])
        assert import_run_execute(run_id=run.pk) is None

    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (ImportStatus.RUNNING, 40, "")
    _nothing_created("held")


def test_a_run_delivered_again_after_its_worker_died_is_marked_interrupted(archive, archive_dirs):
    run = import_request(upload=_upload(archive), name="Died", slug="died", actor="t")
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)

    assert import_run_execute(run_id=run.pk) is None

    run.refresh_from_db()
    assert (run.status, run.phase, run.error) == (ImportStatus.FAILED, "Interrupted", INTERRUPTED)
    assert _stored_uploads(archive_dirs) == []
    _nothing_created("died")


# --- the helpdesk REST API --------------------------------------------------------------------


def _post(client_for, key, organisation=None, **data):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client_for(organisation).post(BASE + "/imports/", data, **headers)


def _get(client_for, key, path, organisation=None):
    return client_for(organisation).get(BASE + path, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_lead_imports_over_rest_and_reads_the_outcome(
    lead_key,  # noqa: F811
    archive,
    archive_dirs,
    client_for,
):
    response = _post(
        client_for, lead_key, archive=_upload(archive), name="Alpha Rest", slug="alpha-rest"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["status"], body["slug"], body["organisation"]) == ("queued", "alpha-rest", None)
    assert response["Location"] == f"{BASE}/imports/{body['id']}/"
    waiting = client_for(None).get(response["Location"], HTTP_AUTHORIZATION=f"Bearer {lead_key}")
    assert waiting.status_code == 200 and waiting["Retry-After"]

    import_run_execute(run_id=body["id"])

    done = _get(client_for, lead_key, f"/imports/{body['id']}/").json()
    assert (done["status"], done["status_words"], done["organisation"]) == (
        "done",
        "Imported",
        "alpha-rest",
    )
    listed = _get(client_for, lead_key, "/imports/").json()
    assert [row["id"] for row in listed] == [body["id"]]
    organisation = _get(client_for, lead_key, "/organisations/alpha-rest/")
    assert organisation.status_code == 200 and organisation.json()["name"] == "Alpha Rest"
    imported = Organisation.objects.get(slug="alpha-rest")
    with schema_context(imported.schema_name):
        assert Indicator.objects.filter(title="Missed bins per 100,000 collections").exists()


def test_rest_refuses_an_over_size_upload_and_a_bad_slug_with_nothing_stored(
    lead_key,  # noqa: F811
    archive,
    archive_dirs,
    client_for,
    settings,
):
    bad_slug = _post(client_for, lead_key, archive=_upload(archive), name="X", slug="Not A Slug")
    assert bad_slug.status_code == 400
    assert "slug" in bad_slug.json()["extra"]["fields"]

    settings.ARCHIVE_IMPORT_MAX_UPLOAD_BYTES = 1000
    too_big = _post(client_for, lead_key, archive=_upload(archive), name="X", slug="too-big")
    assert too_big.status_code == 400
    assert "the largest the helpdesk may upload is 1000 bytes" in too_big.json()["message"]
    assert not ImportRun.objects.exists() and _stored_uploads(archive_dirs) == []


def test_rest_refuses_staff_who_are_not_leads_and_organisation_hosts(
    staff_key,  # noqa: F811
    lead_key,  # noqa: F811
    archive,
    archive_dirs,
    org_a,
    client_for,
):
    plain = _post(client_for, staff_key, archive=_upload(archive), name="N", slug="nope")
    assert plain.status_code == 403
    assert _get(client_for, staff_key, "/imports/").status_code == 403
    on_org_host = _post(
        client_for, lead_key, organisation=org_a, archive=_upload(archive), name="N", slug="nope"
    )
    assert on_org_host.status_code == 404
    assert _get(client_for, lead_key, "/imports/", organisation=org_a).status_code == 404
    assert _post(client_for, None, archive=_upload(archive), name="N", slug="nope").status_code in (
        401,
        403,
    )
    assert not ImportRun.objects.exists() and _stored_uploads(archive_dirs) == []
    _nothing_created("nope")


class _UnreadBody:
    """A request body that must not be read: the test fails if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request's body was read")

    readline = read


def _post_declaring(client_for, key, content_length: int):
    """A multipart POST whose headers declare `content_length` bytes, with a body nobody may
    read (as if a large upload were still on the way)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client_for(None).generic(
        "POST",
        BASE + "/imports/",
        # `generic` sets the type, length and input only for a body it is given.
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(content_length),
        **{"wsgi.input": _UnreadBody()},
        **headers,
    )


def test_rest_refuses_a_declared_over_size_upload_before_reading_its_body(
    lead_key,  # noqa: F811
    staff_key,  # noqa: F811
    archive_dirs,
    client_for,
    settings,
):
    settings.ARCHIVE_IMPORT_MAX_UPLOAD_BYTES = 10 * 1024**2
    over = 10 * 1024**2 + UPLOAD_ENVELOPE_BYTES + 1
    refused = _post_declaring(client_for, lead_key, over)
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert body["code"] == "archive_refused"
    assert "the largest the helpdesk may upload is 10.0 MB" in body["message"]
    assert "before being received" in body["message"]
    assert body["extra"] == {"max_bytes": 10 * 1024**2, "content_length": over}
    # Who may not import learns nothing about the limit, and their body is not read either.
    assert _post_declaring(client_for, staff_key, over).status_code == 403
    assert _post_declaring(client_for, None, over).status_code in (401, 403)
    assert not ImportRun.objects.exists() and _stored_uploads(archive_dirs) == []


def test_rest_takes_an_upload_just_under_the_limit_with_its_form(
    lead_key,  # noqa: F811
    archive,
    archive_dirs,
    client_for,
    settings,
):
    # The request is larger than the limit (the file plus the envelope) and still accepted.
    settings.ARCHIVE_IMPORT_MAX_UPLOAD_BYTES = archive.stat().st_size + 1
    response = _post(client_for, lead_key, archive=_upload(archive), name="Just In", slug="just-in")
    assert response.status_code == 202, response.content
    assert int(response.wsgi_request.META["CONTENT_LENGTH"]) > archive.stat().st_size + 1
    assert ImportRun.objects.get().size == archive.stat().st_size
    assert len(_stored_uploads(archive_dirs)) == 1
