"""Uploads are read on the worker, never in the web request (#16 item 6).

Through the pages and REST, with the real Celery worker (a thread of this process, consuming
from the real broker) and committed data in an organisation of its own. The Django test
client runs each request in the test's main thread, so "not in the request" is checked by
thread: the `reads` spy records the thread of every call that reads an uploaded file in this
process (the memory-capped reading, the parse, openpyxl opening a workbook) and no call may
come from the main thread. A request that parsed the file, with or without the memory-capped
child, would be recorded there. openpyxl is never called in this process at all: the worker
reads inside its forked child.
"""

from __future__ import annotations

import re
import resource
import threading
import uuid

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import UserImport
from goldenthread.platform.core import tabular
from goldenthread.platform.indicators.models import ImportJob, IndicatorValue
from tests.factories import provision_staffed_organisation
from tests.fixtures.worker import wait_for
from tests.platform.core.tabular_files import (
    PI_IMPORT,
    USER_HEADER,
    USER_IMPORTS,
    VALUE_HEADER,
    XLSX,
    shared_strings_bomb,
    xlsx_bytes,
)

pytestmark = pytest.mark.worker

# How much the test (web) process may grow while a hostile file is handled: the 8,000-row
# dimension bomb, padded as the report measured, takes a reader to over a gigabyte.
GROWTH_ALLOWED_MB = 40


@pytest.fixture(scope="module")
def uploads(session_organisations, django_db_blocker):
    """A committed organisation with an officer, an administrator, a councillor and a PI."""
    return provision_staffed_organisation(
        django_db_blocker,
        prefix="upl",
        name="Upload Borough Council",
        roles=("performance_officer", "org_admin", "councillor"),
        indicator_code="UP 1",
        indicator_title="Uploaded",
    )


@pytest.fixture
def reads(monkeypatch):
    """(what, thread name) for every reading of an uploaded file done in this process."""
    seen: list[tuple[str, str]] = []

    def spy(what, real):
        def recorded(*args, **kwargs):
            seen.append((what, threading.current_thread().name))
            return real(*args, **kwargs)

        return recorded

    monkeypatch.setattr(
        tabular, "run_with_memory_ceiling", spy("bounded", tabular.run_with_memory_ceiling)
    )
    monkeypatch.setattr(tabular, "_read_checked", spy("parse", tabular._read_checked))
    monkeypatch.setattr(openpyxl, "load_workbook", spy("openpyxl", openpyxl.load_workbook))
    return seen


def in_the_request(seen) -> list[tuple[str, str]]:
    main = threading.main_thread().name
    return [entry for entry in seen if entry[1] == main]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dimension_bomb(header: list[str], cells, rows: int = 8_000) -> bytes:
    """The hostile workbook of #16: `rows` rows declaring A1:XFD1048576 (16,384 columns by a
    million rows), a few tens of KB."""
    return xlsx_bytes(
        [header, *(cells(number) for number in range(rows))], dimension="A1:XFD1048576"
    )


def _client(client_for, uploads, user, django_db_blocker):
    with django_db_blocker.unblock():
        return client_for(uploads.organisation, user=user)


def _pi_job(uploads, pk: int) -> ImportJob:
    with schema_context(uploads.organisation.schema_name):
        return ImportJob.objects.defer("content").get(pk=pk)


def _job_pk(response) -> int:
    assert response.status_code == 302, response.content[:500]
    return int(re.fullmatch(rf"{PI_IMPORT}(\d+)/", response["Location"])[1])


def _checked(uploads, pk: int) -> ImportJob:
    return wait_for(
        lambda: (job := _pi_job(uploads, pk)).status != "previewing" and job,
        what="the worker's check of the upload",
    )


HOSTILE_PI_FILES = {
    # As stored, 8,000 rows of an unknown PI: each named, by row and column.
    "dimension bomb, read as stored": (
        lambda: dimension_bomb(VALUE_HEADER, lambda n: ["NOPE", "2024/25 Q1", n]),
        {},
        (2, "indicator code", "There is no indicator with the code 'NOPE'"),
    ),
    # The same file over a lower row cap: refused as a whole, naming the cap.
    "dimension bomb, over the row cap": (
        lambda: dimension_bomb(VALUE_HEADER, lambda n: ["NOPE", "2024/25 Q1", n]),
        {"TABULAR_IMPORT_LIMITS": {"indicator value": {"max_rows": 5_000}}},
        (None, "", "The file has more than 5,000 rows, the limit for indicator value files"),
    ),
    # ~150 MB of shared strings from under 2 MB: refused by the worker's memory ceiling.
    "shared strings bomb": (
        lambda: shared_strings_bomb(VALUE_HEADER),
        {"TABULAR_READ_MEMORY_MB": 64},
        (None, "", "The file is too large to read: reading it needed more than 64 MB"),
    ),
}


@pytest.mark.parametrize("case", HOSTILE_PI_FILES)
def test_a_hostile_workbook_uploaded_on_the_page_is_read_by_the_worker_and_refused(
    celery_worker, uploads, client_for, django_db_blocker, reads, settings, case
):
    build, overrides, (row, column, message) = HOSTILE_PI_FILES[case]
    for name, value in overrides.items():
        setattr(settings, name, value)
    data = build()
    assert len(data) < 2_000_000
    client = _client(client_for, uploads, uploads.officer, django_db_blocker)
    before = _peak_mb()
    with django_db_blocker.unblock():
        # When an officer uploads the hostile workbook on the import page
        response = client.post(
            PI_IMPORT,
            {"kind": "values", "file": SimpleUploadedFile("hostile.xlsx", data, XLSX)},
        )
        # Then the request kept it without reading it
        assert in_the_request(reads) == []
        # And the worker reads it (in its memory-capped child) and lists what is wrong
        job = _checked(uploads, _job_pk(response))
        page = client.get(response["Location"]).content.decode()
    grown = _peak_mb() - before
    assert grown < GROWTH_ALLOWED_MB, f"the web process grew by {grown:.0f} MB"
    assert in_the_request(reads) == [] and ("bounded", celery_worker_thread(reads)) in reads
    assert [entry for entry in reads if entry[0] == "openpyxl"] == []  # only in the child
    assert job.status == "previewed" and not job.can_commit
    first = job.problems[0]
    assert (first["row"], first["column"]) == (row, column)
    assert first["message"].startswith(message), first["message"]
    assert message.split(":")[0].replace("'", "&#x27;") in page
    assert "Nothing can be imported until every problem is fixed" in page
    with django_db_blocker.unblock(), schema_context(uploads.organisation.schema_name):
        assert not IndicatorValue.objects.exists()


def celery_worker_thread(seen) -> str:
    """The one thread other than the main one that read files (the worker's)."""
    (thread,) = {name for _, name in seen} - {threading.main_thread().name}
    return thread


def test_a_normal_file_goes_through_the_worker_to_preview_and_confirm(
    celery_worker, uploads, client_for, django_db_blocker, reads
):
    client = _client(client_for, uploads, uploads.officer, django_db_blocker)
    data = xlsx_bytes([VALUE_HEADER, [uploads.indicator_code, "2023/24 Q1", 12]])
    with django_db_blocker.unblock():
        response = client.post(
            PI_IMPORT, {"kind": "values", "file": SimpleUploadedFile("ok.xlsx", data, XLSX)}
        )
        pk = _job_pk(response)
        # The page the officer lands on waits for the worker (or shows it done, if quick)
        first = client.get(response["Location"]).content.decode()
        assert "Checking the file" in first or "Import 1 values" in first
        job = _checked(uploads, pk)
        assert job.status == "previewed" and job.can_commit, job.problems
        preview = client.get(response["Location"]).content.decode()
        assert "What importing would change" in preview and "Import 1 values" in preview
        # When the officer confirms, the worker writes it, all at once
        client.post(f"{response['Location']}commit/")
        done = wait_for(
            lambda: (j := _pi_job(uploads, pk)).status in ("committed", "failed") and j,
            what="the worker's import",
        )
        assert (done.status, done.message) == ("committed", "")
        assert (
            "1 new and 0 changed values were saved"
            in client.get(response["Location"]).content.decode()
        )
        with schema_context(uploads.organisation.schema_name):
            assert IndicatorValue.objects.filter(indicator__code="UP 1").count() == 1
            IndicatorValue.objects.filter(indicator__code="UP 1").delete()
    assert in_the_request(reads) == []


def _rest_import(client, uploads, pk: int) -> dict:
    return client.get(f"{USER_IMPORTS}{pk}/").json()


def test_a_hostile_workbook_sent_to_rest_is_accepted_for_the_worker_and_refused_there(
    celery_worker, uploads, client_for, django_db_blocker, reads
):
    client = _client(client_for, uploads, uploads.administrator, django_db_blocker)
    data = dimension_bomb(USER_HEADER, lambda n: [f"P {n}", f"p{n}@x.example", "verifier"])
    before = _peak_mb()
    with django_db_blocker.unblock():
        # When an administrator sends the hostile workbook to the REST import
        sent = client.post(USER_IMPORTS, {"file": SimpleUploadedFile("h.xlsx", data, XLSX)})
        # Then it is accepted for checking (202), unread, with where to ask
        assert sent.status_code == 202, sent.content
        assert in_the_request(reads) == []
        assert sent.json()["status"] == "checking" and sent["Retry-After"] == "1"
        location = sent["Location"]
        # And asking there shows the worker's refusal, naming the row cap
        checked = wait_for(
            lambda: (body := client.get(location).json())["status"] != "checking" and body,
            what="the worker's check of the user import",
        )
    grown = _peak_mb() - before
    assert grown < GROWTH_ALLOWED_MB, f"the web process grew by {grown:.0f} MB"
    assert in_the_request(reads) == [] and any(what == "bounded" for what, _ in reads)
    assert checked["status"] == "previewed" and checked["can_commit"] is False
    assert checked["problems"] == [
        {
            "row": None,
            "message": "The file has more than 5,000 rows, the limit for user invitation "
            "files; split it into files of up to 5,000 rows.",
        }
    ]
    with django_db_blocker.unblock():
        refused = client.post(f"{location}commit/")
    assert refused.status_code == 400


def test_a_normal_file_goes_through_rest_to_preview_and_commit(
    celery_worker, uploads, client_for, django_db_blocker, reads
):
    client = _client(client_for, uploads, uploads.administrator, django_db_blocker)
    tag = uuid.uuid4().hex[:6]
    data = xlsx_bytes([USER_HEADER, ["Rita Rest", f"rita-{tag}@upload.example", "verifier"]])
    with django_db_blocker.unblock():
        sent = client.post(USER_IMPORTS, {"file": SimpleUploadedFile("ok.xlsx", data, XLSX)})
        assert sent.status_code == 202
        location = sent["Location"]
        checked = wait_for(
            lambda: (body := client.get(location).json())["status"] != "checking" and body,
            what="the worker's check of the user import",
        )
        assert checked["problems"] == [] and checked["can_commit"] is True
        assert [row["email"] for row in checked["rows"]] == [f"rita-{tag}@upload.example"]
        done = client.post(f"{location}commit/")
        assert done.status_code == 200 and done.json()["status"] == "committed"
    assert in_the_request(reads) == []


def test_another_organisations_jobs_are_not_found_and_other_roles_are_refused(
    uploads, session_organisations, client_for, django_db_blocker, make_user
):
    """No worker needed: nothing here may be read at all."""
    from goldenthread.platform.accounts.models import UserAuditEntry

    elsewhere = session_organisations["alpha"]
    with django_db_blocker.unblock():
        with schema_context(uploads.organisation.schema_name):
            job = ImportJob.objects.create(
                kind="values", created_by=uploads.officer, file_name="x.csv", content=b"x"
            )
            user_import = UserImport.objects.create(
                created_by=uploads.administrator, file_name="x.csv", content=b"x"
            )
            kept = (ImportJob.objects.count(), UserImport.objects.count())
        alpha_officer = make_user(elsewhere, roles=["performance_officer"]).user
        alpha_admin = make_user(elsewhere, roles=["org_admin"]).user
        on_alpha = client_for(elsewhere, user=alpha_officer)
        alpha_administration = client_for(elsewhere, user=alpha_admin)
        councillor = client_for(uploads.organisation, user=uploads.councillor)
        officer = client_for(uploads.organisation, user=uploads.officer)
        try:
            # Another organisation's job ids name nothing on this organisation's host
            for path in (f"{PI_IMPORT}{job.pk}/", f"{PI_IMPORT}{job.pk}/status.json"):
                assert on_alpha.get(path).status_code == 404, path
            assert on_alpha.post(f"{PI_IMPORT}{job.pk}/commit/").status_code == 404
            for path in (f"{USER_IMPORTS}{user_import.pk}/", f"/users/import/{user_import.pk}/"):
                assert alpha_administration.get(path).status_code == 404, path
            assert (
                alpha_administration.get(f"/users/import/{user_import.pk}/status.json").status_code
                == 404
            )
            assert (
                alpha_administration.post(f"{USER_IMPORTS}{user_import.pk}/commit/").status_code
                == 404
            )
            # A role that may not import is refused before anything is kept
            upload = SimpleUploadedFile("v.csv", b"indicator code,period,value\nUP 1,2023/24 Q1,1")
            assert councillor.post(PI_IMPORT, {"kind": "values", "file": upload}).status_code == 403
            people = SimpleUploadedFile("p.csv", b"name,email,roles\nA,a@x.example,verifier\n")
            assert officer.post(USER_IMPORTS, {"file": people}).status_code == 403
            assert officer.get(f"{USER_IMPORTS}{user_import.pk}/").status_code == 403
            with schema_context(uploads.organisation.schema_name):
                assert (ImportJob.objects.count(), UserImport.objects.count()) == kept
        finally:
            with schema_context(uploads.organisation.schema_name):
                ImportJob.objects.filter(pk=job.pk).delete()
                UserImport.objects.filter(pk=user_import.pk).delete()
            with schema_context(elsewhere.schema_name):
                strangers = [alpha_officer.pk, alpha_admin.pk]
                UserAuditEntry.objects.filter(user_id__in=strangers).delete()
                type(alpha_officer).objects.filter(pk__in=strangers).delete()
