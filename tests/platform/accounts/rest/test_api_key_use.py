"""An authenticated read with an API key writes nothing: "last used" is kept to within
`API_KEY_LAST_USED_RESOLUTION` (issue #16: a write on every read cost throughput)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import ApiCredential
from goldenthread.platform.accounts.services import api_credential_issue

ME = "/api/v1/me/"


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_a_keys_first_use_is_recorded_and_later_reads_within_the_resolution_write_nothing(
    org_a, make_user, client_for
):
    person = make_user(org_a, roles=["councillor"]).user
    with schema_context(org_a.schema_name):
        credential, key = api_credential_issue(user=person, name="reads")
    client = client_for(org_a)

    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    with schema_context(org_a.schema_name):
        first = ApiCredential.objects.get(pk=credential.pk).last_used_at
    assert first is not None

    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert _writes(queries.captured_queries) == []
    with schema_context(org_a.schema_name):
        assert ApiCredential.objects.get(pk=credential.pk).last_used_at == first


def test_a_use_after_the_resolution_moves_last_used_on(org_a, make_user, client_for, settings):
    person = make_user(org_a, roles=["councillor"]).user
    with schema_context(org_a.schema_name):
        credential, key = api_credential_issue(user=person, name="reads")
        stale = timezone.now() - timedelta(seconds=settings.API_KEY_LAST_USED_RESOLUTION + 1)
        ApiCredential.objects.filter(pk=credential.pk).update(last_used_at=stale)

    assert client_for(org_a).get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    with schema_context(org_a.schema_name):
        assert ApiCredential.objects.get(pk=credential.pk).last_used_at > stale
