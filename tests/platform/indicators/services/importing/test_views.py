"""The import pages through real requests: upload, preview, commit, status, templates, and who
may do what (anonymous, wrong role, another organisation, another user's job)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import ImportJob, IndicatorValue
from goldenthread.platform.indicators.services.importing.tasks import (
    import_commit_task,
    import_preview_task,
)
from goldenthread.tenants.models import Domain
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse

BASE = "/indicators/import/"
JOB_URL = re.compile(r"/indicators/import/(\d+)/")


def upload(client, content: bytes, *, kind: str = "values", name: str = "values.csv"):
    """Upload through the page; then do the worker's part (the check), which the test's
    transaction keeps from being queued, by running the task's body here."""
    response = client.post(BASE, {"kind": kind, "file": SimpleUploadedFile(name, content)})
    if response.status_code == 302 and JOB_URL.fullmatch(response["Location"]):
        run_task(client, import_preview_task, response["Location"])
    return response


def run_task(client, task, job_url: str) -> None:
    pk = int(JOB_URL.fullmatch(job_url)[1])
    host = client.defaults["HTTP_HOST"].split(":")[0]
    with schema_context(Domain.objects.get(domain=host).tenant.schema_name):
        task(pk)


@pytest.fixture
def alpha_pis(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        return [make_indicator("PI 1"), make_indicator("PI 2", frequency="monthly")]


def test_a_provider_uploads_previews_and_commits(org_a, people, alpha_pis, client_for, values_csv):
    client = client_for(org_a, user=people.provider)
    # Given the upload page
    page = client.get(BASE)
    assert page.status_code == 200
    assert b"<h1>Import values</h1>" in page.content
    # When a file is uploaded
    response = upload(
        client,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "55"},
            {"indicator code": "PI 2", "period": "2024-05", "value": "7"},
        ),
    )
    # Then the preview lists what would change, with a button to import
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "What importing would change" in html
    assert "Import 2 values" in html
    with schema_context(org_a.schema_name):
        job = ImportJob.objects.get(created_by=people.provider)
        assert IndicatorValue.objects.count() == 0
    # When the import is confirmed, the page follows the worker's progress
    waiting = client.post(f"{BASE}{job.pk}/commit/", follow=True)
    assert '<h2 id="job-progress-title">Importing</h2>' in waiting.content.decode()
    run_task(client, import_commit_task, response["Location"])
    # Then both values are saved and the page says so
    done = client.get(response["Location"]).content.decode()
    assert "2 new and 0 changed values were saved" in done
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.count() == 2


def test_the_preview_lists_every_problem_and_escapes_what_the_file_says(
    org_a, people, alpha_pis, client_for, values_csv
):
    client = client_for(org_a, user=people.provider)
    response = upload(
        client,
        values_csv(
            {"indicator code": "<script>alert(1)</script>", "period": "2024/25 Q1", "value": 1},
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": '=HYPERLINK("x")'},
        ),
    )
    html = client.get(response["Location"]).content.decode()
    assert "2 problems to fix" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "The value must be a number, not &#x27;=HYPERLINK(&quot;x&quot;)&#x27;." in html
    assert "Import 0" not in html and "/commit/" not in html


@pytest.mark.parametrize("roles", [["councillor"], ["verifier"], ["manager"], []])
def test_users_without_an_importing_role_are_refused(
    org_a, make_user, alpha_pis, client_for, values_csv, roles
):
    client = client_for(org_a, user=make_user(org_a, roles=roles).user)
    assert client.get(BASE).status_code == 403
    content = values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"})
    assert upload(client, content).status_code == 403
    assert client.get(f"{BASE}template/values.csv").status_code == 403
    with schema_context(org_a.schema_name):
        assert ImportJob.objects.count() == 0
        assert IndicatorValue.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(org_a, client_for, values_csv):
    client = client_for(org_a)
    assert client.get(BASE).status_code == 302
    response = upload(client, values_csv({"indicator code": "PI 1", "period": "2024/25 Q1"}))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    with schema_context(org_a.schema_name):
        assert ImportJob.objects.count() == 0


def test_a_provider_cannot_import_targets(org_a, people, alpha_pis, client_for, targets_csv):
    client = client_for(org_a, user=people.provider)
    page = client.get(BASE).content.decode()
    assert "<h1>Import values</h1>" in page and 'value="targets"' not in page
    response = upload(
        client,
        targets_csv({"indicator code": "PI 1", "period": "2024/25", "target": "5"}),
        kind="targets",
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # One kind only, so no radios: the summary says so with nothing to link to.
    page = parse(response)
    (summary,) = summaries(page)
    assert "What the file holds: Select a valid choice" in summary.text
    assert summary_links(page, summary) == []
    assert_form_markup(page)
    assert client.get(f"{BASE}template/targets.csv").status_code == 403
    with schema_context(org_a.schema_name):
        assert ImportJob.objects.count() == 0


def test_another_organisations_user_cannot_import_into_alpha(
    org_a, org_b, make_user, alpha_pis, client_for, values_csv
):
    beta_officer = make_user(org_b, roles=["performance_officer"]).user
    content = values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"})
    # On Alpha's host Beta's session means nothing: they must sign in (and cannot)
    on_alpha = client_for(org_a)
    on_alpha.cookies = client_for(org_b, user=beta_officer).cookies
    assert upload(on_alpha, content).status_code == 302
    # On their own host, Alpha's PI codes do not exist
    on_beta = client_for(org_b, user=beta_officer)
    response = upload(on_beta, content)
    html = on_beta.get(response["Location"]).content.decode()
    assert "There is no indicator with the code &#x27;PI 1&#x27; in this organisation." in html
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.count() == 0 and ImportJob.objects.count() == 0


def test_someone_elses_job_is_not_found(org_a, people, alpha_pis, client_for, values_csv):
    owner = client_for(org_a, user=people.provider)
    response = upload(
        owner, values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"})
    )
    job_url = response["Location"]
    other = client_for(org_a, user=people.officer)
    assert other.get(job_url).status_code == 404
    assert other.get(f"{job_url}status.json").status_code == 404
    assert other.post(f"{job_url}commit/").status_code == 404
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.count() == 0


def test_the_status_endpoint_reports_progress(org_a, people, alpha_pis, client_for, values_csv):
    client = client_for(org_a, user=people.provider)
    response = upload(
        client, values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"})
    )
    status = client.get(f"{response['Location']}status.json").json()
    assert status["status"] == "previewed" and status["running"] is False
    assert status["progress"] == 100 and status["counts"]["new"] == 1
    assert client.get(f"{response['Location']}commit/").status_code == 405


def test_the_progress_page_works_without_javascript(org_a, people, client_for):
    with schema_context(org_a.schema_name):
        job = ImportJob.objects.create(
            kind="values",
            created_by=people.provider,
            file_name="big.csv",
            content=b"",
            status="previewing",
            total_rows=20000,
            progress=35,
            phase="Checking rows",
        )
    html = client_for(org_a, user=people.provider).get(f"{BASE}{job.pk}/").content.decode()
    assert '<progress id="job-progress-bar" max="100" value="35"' in html
    assert '<label for="job-progress-bar" id="job-progress-phase">Checking rows</label>' in html
    assert "35% done" in html
    assert f'href="{BASE}{job.pk}/">Refresh to see the latest progress' in html
    assert "goldenthread/job-progress.js" in html


def test_an_unreadable_file_is_reported_on_the_preview(org_a, people, alpha_pis, client_for):
    client = client_for(org_a, user=people.provider)
    response = upload(client, b"%PDF-1.4 \x00\x01", name="report.pdf")
    assert response.status_code == 400
    assert "Choose a CSV or XLSX file." in response.content.decode()
    page = parse(response)
    assert summary_links(page, summaries(page)[0]) == ["#id_file"]
    assert page.by_id("id_file").get("accept").startswith(".csv,.xlsx")
    assert_form_markup(page)
    response = upload(client, b"PK\x03\x04 not really a zip", name="values.xlsx")
    html = client.get(response["Location"]).content.decode()
    assert "The file is not a readable XLSX workbook." in html


def test_an_officer_choosing_no_kind_is_sent_to_the_kinds_fieldset(
    org_a, people, alpha_pis, client_for, values_csv
):
    client = client_for(org_a, user=people.officer)
    assert 'value="targets"' in client.get(BASE).content.decode()

    response = client.post(BASE, {"file": SimpleUploadedFile("v.csv", b"indicator code\n")})

    assert response.status_code == 400
    page = parse(response)
    (summary,) = summaries(page)
    assert summary_links(page, summary) == ["#id_kind"]
    kinds = page.by_id("id_kind")
    assert kinds.tag == "fieldset" and kinds.children[0].text == "What the file holds"
    assert [e.get("value") for e in page.find_all("input", type="radio")] == ["values", "targets"]
    assert_form_markup(page)
    with schema_context(org_a.schema_name):
        assert ImportJob.objects.count() == 0


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_templates_are_pre_filled_with_the_users_pis_and_next_due_period(
    org_a, people, make_indicator, client_for
):
    from openpyxl import load_workbook

    with schema_context(org_a.schema_name):
        make_indicator("MINE", title='=HYPERLINK("http://evil.example","x")')
        make_indicator("NOT MINE", data_providers=[people.other_provider])
    client = client_for(org_a, user=people.provider)
    response = client.get(f"{BASE}template/values.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="values-template.csv"'
    rows = _csv_rows(response.content)
    assert rows[0] == [
        "indicator code",
        "indicator title",
        "period",
        "value",
        "numerator",
        "denominator",
        "sub-area",
        "state",
        "note",
    ]
    # Only the provider's own PI, its title disarmed, with the quarter due next
    assert [row[0] for row in rows[1:]] == ["MINE"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    with schema_context(org_a.schema_name):
        from django.utils import timezone

        from goldenthread.platform.indicators.models import Indicator, PerformanceSettings
        from goldenthread.platform.indicators.selectors.importing.downloads import next_due_period

        expected = next_due_period(
            Indicator.objects.get(code="MINE"), PerformanceSettings.load(), timezone.localdate()
        )
    assert rows[1][2] == expected.code

    xlsx = client.get(f"{BASE}template/values.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][:3] == [
        "MINE",
        '=HYPERLINK("http://evil.example","x")',
        expected.code,
    ]
    assert sheet["B2"].data_type == "s"  # text, not a formula

    officer = client_for(org_a, user=people.officer)
    targets = _csv_rows(officer.get(f"{BASE}template/targets.csv").content)
    assert targets[0][:4] == ["indicator code", "indicator title", "period", "target"]
    assert [row[0] for row in targets[1:]] == ["MINE", "NOT MINE"]
    assert client.get(f"{BASE}template/values.pdf").status_code == 404


def test_a_downloaded_template_filled_in_imports(org_a, people, make_indicator, client_for):
    with schema_context(org_a.schema_name):
        make_indicator("MINE")
    client = client_for(org_a, user=people.provider)
    rows = _csv_rows(client.get(f"{BASE}template/values.csv").content)
    period = rows[1][2]
    rows[1][3] = "42"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = upload(client, out.getvalue().encode())
    html = client.get(response["Location"]).content.decode()
    # The current period may not have started yet only if the template is wrong
    assert "Import 1 values" in html, html
    assert period in html
