"""schemathesis against the helpdesk API's own OpenAPI document: every operation, called on
the platform host with a helpdesk lead's key, answers no 5xx and only what the document says
(status code, content type, body). Same harness as tests/test_api_schemathesis.py; all in the
test's transaction, rolled back. Select it with `pytest -m schemathesis`."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler

from tests.tenants.test_helpdesk_api import lead_key  # noqa: F401 (a fixture)
from tests.test_api_schemathesis import Seeded, _exercise, sharing_the_test_transaction

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]


def test_every_helpdesk_operation_answers_as_documented(
    org_a,
    org_b,
    lead_key,  # noqa: F811
    client_for,
    settings,
    tmp_path,
):
    # Archive imports store what they are sent: somewhere of the test's own.
    settings.ARCHIVE_DIR = tmp_path / "archives"
    served = client_for(None).get(
        "/api/helpdesk/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(served.content))
    schema.app = WSGIHandler()
    failures: dict[str, str] = {}
    calls: list[int] = []
    # Path slugs drawn half the time from real organisations ("v1/organisations" is how the
    # shared harness keys the first path parameter of /api/helpdesk/v1/organisations/{slug}/)
    seeded = Seeded(
        host=settings.PLATFORM_DOMAIN,
        key=lead_key,
        ids={"v1/organisations": [org_a.slug, org_b.slug]},
    )
    with sharing_the_test_transaction():
        for result in schema.get_all_operations():
            _exercise(result.ok(), seeded, failures, calls)()
    assert len(calls) >= 8
    assert 200 in calls
    assert not failures, f"{len(failures)} kinds of failure:\n" + "\n".join(
        f"{kind}\n      {example}" for kind, example in sorted(failures.items())
    )
