"""Usage per organisation (#15 item 6): counts only, each measure one query for every
organisation, API calls counted in Redis without a database write; on the helpdesk's
dashboard, in its CSV/Excel download, and refused to anyone but helpdesk staff."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.core.api_usage import api_calls_by_schema
from goldenthread.platform.planning.models import EvidenceDocument
from goldenthread.tenants import usage
from tests.factories import IndicatorFactory, IndicatorValueFactory, provision_organisation


def usage_of(slug: str) -> usage.OrganisationUsage:
    return next(row for row in usage.usage_all() if row.organisation.slug == slug)


def test_the_counts_follow_what_happens_in_the_organisation(org_a, org_b, make_user):
    before = usage_of("alpha")
    beta_before = usage_of("beta")
    now = timezone.now()
    # Given in Alpha: one user in last week, one 60 days ago, one 200 days ago, one never
    for days in (7, 60, 200, None):
        person = make_user(org_a).user
        with schema_context(org_a.schema_name):
            User.objects.filter(pk=person.pk).update(
                last_login=None if days is None else now - timedelta(days=days)
            )
    with schema_context(org_a.schema_name):
        indicator = IndicatorFactory()
        IndicatorFactory(retired_at=now)  # retired: not counted
        IndicatorValueFactory(indicator=indicator, period="2024/25 Q1")
        IndicatorValueFactory(
            indicator=indicator, period="2024/25 Q2", entered_at=now - timedelta(days=400)
        )
        EvidenceDocument.objects.create(
            file="evidence/a.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=2048,
            indicator=indicator,
        )

    after = usage_of("alpha")
    assert after.active_users_30 - before.active_users_30 == 1
    assert after.active_users_90 - before.active_users_90 == 2
    assert after.users - before.users == 4
    assert after.last_sign_in >= now - timedelta(days=7, seconds=5)
    assert after.indicators - before.indicators == 1
    assert after.values_this_quarter - before.values_this_quarter == 1
    assert after.file_bytes - before.file_bytes == 2048
    assert after.database_bytes > 0
    # Beta's counts did not move with Alpha's
    beta_after = usage_of("beta")
    assert (beta_after.users, beta_after.indicators) == (beta_before.users, beta_before.indicators)


def reads(captured) -> int:
    return sum(1 for query in captured if not query["sql"].upper().startswith("SET "))


def test_each_measure_is_one_query_whatever_the_number_of_organisations(org_a, org_b):
    with CaptureQueriesContext(connection) as two:
        usage.usage_all()
    provision_organisation(slug="usage-gamma", name="Gamma")
    provision_organisation(slug="usage-delta", name="Delta")
    with CaptureQueriesContext(connection) as four:
        rows = usage.usage_all()
    assert {"usage-gamma", "usage-delta"} <= {row.organisation.slug for row in rows}
    # organisations, users, PIs, values, files, storage: six queries, for 2 or for 400
    # (django-tenants' own `SET search_path` after a schema switch is not a read)
    assert reads(four) == reads(two) == 6


def test_api_calls_are_counted_per_organisation_without_a_database_write(
    org_a, org_b, make_user, client_for
):
    admin = make_user(org_a, roles=["org_admin", "performance_officer"]).user
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=admin, name="usage")
    before = api_calls_by_schema(days=30)
    client = client_for(org_a)
    for _ in range(3):
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    after = api_calls_by_schema(days=30)
    assert after.get("org_alpha", 0) - before.get("org_alpha", 0) == 3
    assert after.get("org_beta", 0) == before.get("org_beta", 0)
    # The count writes nothing to the database (nor does the authentication: the key's
    # last-use stamp was written by the first call and is not due again for minutes).
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_the_dashboard_shows_counts_in_words_and_downloads(staff_client, org_a, org_b):
    with schema_context(org_a.schema_name):
        IndicatorFactory(title="Secret waste figure")
    page = staff_client.get("/helpdesk/usage/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Alpha District Council" in text and "Beta District Council" in text
    assert "Plans, actions and risks" in text  # modules by name
    assert "&#x27;planning&#x27;" not in text and "['performance'" not in text
    assert "Secret waste figure" not in text  # counts, never content
    download = staff_client.get("/helpdesk/usage/?export=csv")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Organisation", "Slug", "Status"]
    alpha = next(row for row in rows if row[1] == "alpha")
    assert alpha[2] == "Active"
    excel = staff_client.get("/helpdesk/usage/?export=xlsx")
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    assert staff_client.get("/helpdesk/usage/?export=pdf").status_code == 400


def test_the_dashboard_is_refused_to_organisation_users_and_off_the_platform_host(
    org_a, make_user, client_for, public_org
):
    admin = make_user(org_a, roles=["org_admin"], is_staff=True).user
    assert client_for(org_a, user=admin).get("/helpdesk/usage/").status_code == 404
    person = make_user(public_org, email="plain@goldenthread.example").user
    assert client_for(None, user=person).get("/helpdesk/usage/").status_code == 403
