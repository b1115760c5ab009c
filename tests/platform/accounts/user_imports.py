"""A user import's two steps, run one after the other in the test's own transaction: the
web's (keep the file, queue its check) and then the worker's, called directly. The check on a
real worker is tested in `tests/platform/test_uploads_on_the_worker.py`."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import UserImport
from goldenthread.platform.accounts.services.importing import (
    user_import_check,
    user_import_receive,
)
from goldenthread.platform.accounts.tasks import user_import_check_task

IMPORT_PAGE = re.compile(r"/users/import/(\d+)/")


def checked_import(*, actor, file_name: str, content: bytes) -> UserImport:
    kept = user_import_receive(actor=actor, file_name=file_name, content=content)
    assert kept.status == "checking" and kept.rows == [] and kept.problems == []  # unread
    return user_import_check(kept)


def check_on_worker(organisation, import_id: int) -> None:
    """What the worker does with a queued import (the task's body, here)."""
    with schema_context(organisation.schema_name):
        user_import_check_task(import_id)


def check_uploaded_page(organisation, response) -> None:
    """After an upload through the page, the worker's check of the import it redirected to."""
    assert response.status_code == 302, response.content[:300]
    check_on_worker(organisation, int(IMPORT_PAGE.fullmatch(response["Location"])[1]))
