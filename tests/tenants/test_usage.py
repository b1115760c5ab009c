"""Usage per organisation (#15 item 6): counts only, each measure one query for every
organisation, API calls counted in Redis without a database write; on the helpdesk's
dashboard, in its CSV/Excel download, and refused to anyone but helpdesk staff."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.core.api_usage import api_calls_by_schema
from goldenthread.platform.planning.models import EvidenceDocument
from goldenthread.tenants import usage, usage_figures
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


# --- kept figures (tenants.usage_figures) ---------------------------------------------------


def measure_reads(captured) -> int:
    """Queries that read an organisation's schema for a measure (the UNION ALL statements
    and the catalogue's sizes), as opposed to the organisations list or the session."""
    return sum(
        1 for q in captured if "UNION ALL" in q["sql"] or "pg_total_relation_size" in q["sql"]
    )


def as_of_words(as_of) -> str:
    return f"Figures as of {timezone.localtime(as_of):%H:%M}"


def alpha_pis_on_the_page(staff_client) -> int:
    text = staff_client.get("/helpdesk/usage/").content.decode()
    row = text.split("Alpha District Council</a>", 1)[1].split("</tr>", 1)[0]
    cells = row.split("<td>")
    return int(cells[5].split("</td>")[0])  # modules, 30 days, 90 days, last sign-in, PIs


def test_the_dashboard_shows_kept_figures_and_when_they_were_computed(staff_client, org_a, org_b):
    with CaptureQueriesContext(connection) as first:
        page = staff_client.get("/helpdesk/usage/")
    assert page.status_code == 200
    as_of = usage_figures.usage_figures().as_of
    assert as_of_words(as_of) in page.content.decode()
    assert measure_reads(first) == 5  # computed: users, PIs, values, files, storage
    shown = alpha_pis_on_the_page(staff_client)
    with schema_context(org_a.schema_name):
        IndicatorFactory()

    # A second look within the kept time reads no schema and shows the same figures and time,
    # on the page, in the download and through the API alike.
    with CaptureQueriesContext(connection) as second:
        page = staff_client.get("/helpdesk/usage/")
    assert measure_reads(second) == 0
    assert as_of_words(as_of) in page.content.decode()
    assert alpha_pis_on_the_page(staff_client) == shown
    download = staff_client.get("/helpdesk/usage/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][8] == "PIs" and rows[0][-1] == "Figures as of"
    alpha = next(row for row in rows if row[1] == "alpha")
    assert int(alpha[8]) == shown
    assert datetime.fromisoformat(alpha[-1]) == as_of.replace(microsecond=0)


def test_recomputing_shows_new_figures_and_a_new_time(staff_client, org_a, org_b):
    staff_client.get("/helpdesk/usage/")
    before = usage_figures.usage_figures()
    shown = alpha_pis_on_the_page(staff_client)
    with schema_context(org_a.schema_name):
        IndicatorFactory()

    response = staff_client.post("/helpdesk/usage/refresh/", follow=True)
    assert response.redirect_chain == [("/helpdesk/usage/", 302)]
    after = usage_figures.usage_figures()
    assert after.as_of > before.as_of
    text = response.content.decode()
    assert "Usage figures recomputed at" in text
    assert as_of_words(after.as_of) in text
    assert alpha_pis_on_the_page(staff_client) == shown + 1


def test_recomputing_costs_six_queries_and_reads_fresh_organisation_rows(org_a, org_b, fresh):
    with CaptureQueriesContext(connection) as computing:
        usage_figures.usage_figures_refresh()
    assert reads(computing) == 6
    # Names, statuses and modules are not kept with the figures: a change shows at once.
    alpha = fresh(org_a)
    alpha.licensed_modules = ["partnerships"]
    alpha.save(update_fields=["licensed_modules"])
    kept = next(r for r in usage_figures.usage_figures().rows if r.organisation.slug == "alpha")
    assert kept.modules_in_words == "Partnerships"


def test_an_organisation_provisioned_since_makes_the_next_look_recompute(org_a, org_b):
    before = usage_figures.usage_figures()
    provision_organisation(slug="usage-epsilon", name="Epsilon")
    after = usage_figures.usage_figures()
    assert "usage-epsilon" in {row.organisation.slug for row in after.rows}
    assert after.as_of > before.as_of


def test_recomputing_is_refused_to_anyone_but_helpdesk_staff_and_needs_a_post(
    staff_client, org_a, make_user, client_for, public_org
):
    admin = make_user(org_a, roles=["org_admin"], is_staff=True).user
    assert client_for(org_a, user=admin).post("/helpdesk/usage/refresh/").status_code == 404
    person = make_user(public_org, email="plain-refresh@goldenthread.example").user
    assert client_for(None, user=person).post("/helpdesk/usage/refresh/").status_code == 403
    assert staff_client.get("/helpdesk/usage/refresh/").status_code == 405
    assert usage_figures._kept() is None  # none of these computed anything
