"""Large files: checked and imported on the real Celery worker, with progress the page can
poll while the import's transaction is still open. Data the worker reads is committed, in an
organisation of its own."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import ImportJob, IndicatorValue
from goldenthread.platform.indicators.services.importing.commit import import_commit
from goldenthread.platform.indicators.services.importing.preview import import_start
from goldenthread.platform.indicators.services.importing.progress import COMMIT_PHASES, JobProgress
from tests.factories import provision_staffed_organisation
from tests.fixtures.worker import wait_for

PIS, MONTHS = 10, 120


@pytest.fixture(scope="module")
def import_organisation(session_organisations, django_db_blocker):
    """A committed organisation with an officer and ten monthly PIs."""
    from goldenthread.platform.indicators.services.indicators import indicator_create

    staffed = provision_staffed_organisation(
        django_db_blocker,
        prefix="imp",
        name="Import Borough Council",
        roles=("performance_officer",),
    )
    with django_db_blocker.unblock(), schema_context(staffed.schema_name):
        for number in range(PIS):
            indicator_create(
                actor=staffed.officer,
                code=f"BIG {number}",
                title=f"Big {number}",
                unit_kind="number",
                polarity="higher",
                frequency="monthly",
            )
    return staffed.organisation, staffed.officer


def big_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["indicator code", "period", "value"])
    for month in range(MONTHS):
        for number in range(PIS):
            writer.writerow([f"BIG {number}", f"{2014 + month // 12}-{month % 12 + 1:02d}", month])
    return out.getvalue().encode()


def _job(organisation, pk: int) -> ImportJob:
    with schema_context(organisation.schema_name):
        return ImportJob.objects.defer("content").get(pk=pk)


@pytest.mark.worker
def test_a_large_file_is_checked_and_imported_on_the_worker(
    celery_worker, import_organisation, django_db_blocker
):
    organisation, officer = import_organisation
    with django_db_blocker.unblock():
        # When a file of 1,200 rows is uploaded
        with schema_context(organisation.schema_name):
            job = import_start(
                actor=officer, kind="values", file_name="big.csv", content=big_file()
            )
        # Then it is kept unread and queued for the worker
        assert job.status == "previewing" and job.total_rows == 0
        # And the worker checks it, reaching 100%
        checked = wait_for(
            lambda: (j := _job(organisation, job.pk)).status == "previewed" and j,
            what="the background preview",
        )
        assert checked.progress == 100 and checked.problems == []
        assert checked.total_rows == PIS * MONTHS
        assert checked.counts["new"] == PIS * MONTHS
        with schema_context(organisation.schema_name):
            assert IndicatorValue.objects.count() == 0
            # When the officer commits it
            committing = import_commit(job=checked, actor=officer)
            assert committing.status == "committing"
        # Then the worker imports every row, and the job reaches 100%
        done = wait_for(
            lambda: (j := _job(organisation, job.pk)).status in ("committed", "failed") and j,
            what="the background commit",
        )
        assert (done.status, done.message) == ("committed", "")
        assert done.progress == 100 and done.counts["new"] == PIS * MONTHS
        with schema_context(organisation.schema_name):
            assert IndicatorValue.objects.count() == PIS * MONTHS


def test_progress_is_visible_while_the_import_transaction_is_open(
    import_organisation, django_db_blocker
):
    organisation, officer = import_organisation
    with django_db_blocker.unblock(), schema_context(organisation.schema_name):
        job = ImportJob.objects.create(
            kind="values", created_by=officer, file_name="x.csv", content=b"", status="committing"
        )
        reader = connections.create_connection(DEFAULT_DB_ALIAS)
        reader.set_schema(organisation.schema_name)
        progress = JobProgress(job.pk, phases=COMMIT_PHASES)
        try:
            with transaction.atomic():
                # Inside the (long) import transaction, half the new values are saved
                progress("Saving new values", 5, 10)
                # Another connection, like the page's poll, sees it at once
                with reader.cursor() as cursor:
                    cursor.execute(
                        "SELECT phase, progress FROM indicators_importjob WHERE id = %s", [job.pk]
                    )
                    assert cursor.fetchone() == ("Saving new values", 57)
                transaction.set_rollback(True)
        finally:
            progress.close()
            reader.close()
