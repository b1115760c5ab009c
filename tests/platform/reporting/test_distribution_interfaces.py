"""Frozen packs through REST and pages: an officer freezes (202, a run to follow), readers list
the archive with its filters, read a pack, compare it with the previous one and download it;
schedules and distribution lists; attachments only when the organisation allows them, within
the size cap, and the setting's changes recorded; refusals (another organisation → 404, a role
without the right → 403, anonymous) change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from goldenthread.platform.reporting.models import (
    DistributionSettingChange,
    FrozenPack,
    PackRun,
    PackSchedule,
)
from goldenthread.platform.reporting.services import (
    definition_create,
    distribution_list_save,
    distribution_settings_update,
    pack_freeze,
    pack_run_execute,
)
from tests.factories import IndicatorFactory, IndicatorValueFactory, TargetFactory

API = "/api/v1/reporting/"
Q1, Q2 = "2024/25 Q1", "2024/25 Q2"


def pi(code, values):
    indicator = IndicatorFactory(code=code, title=f"PI {code}")
    for period, value in values.items():
        IndicatorValueFactory(
            indicator=indicator, period=period, value=Decimal(value), workflow_status="approved"
        )
        TargetFactory(indicator=indicator, period=period, value=Decimal("50"))


def run_worker_job(org, run_id):
    """What the worker does with a queued run (the real worker is exercised in
    test_scheduled_distribution)."""
    with schema_context(org.schema_name):
        return pack_run_execute(run_id=run_id)


@pytest.fixture
def two_packs(org_a, people, definition_data):
    with schema_context(org_a.schema_name):
        pi("R1", {Q1: "60", Q2: "40"})
        definition = definition_create(user=people.officer, data=definition_data())
        frozen = []
        for period in (Q1, Q2):
            run = pack_freeze(
                user=people.officer,
                definition=definition,
                period=period,
                committee="Cabinet" if period == Q2 else "Scrutiny",
                meeting_date=date(2024, 11, 20),
            )
            frozen.append(pack_run_execute(run_id=run.pk).frozen_pack)
    return definition, frozen


def test_an_officer_freezes_through_rest_and_follows_the_run(
    org_a, people, client_for, definition_data
):
    with schema_context(org_a.schema_name):
        pk = definition_create(user=people.officer, data=definition_data()).pk
    client = client_for(org_a, user=people.officer)
    answer = client.post(
        f"{API}definitions/{pk}/freeze/",
        {"period": Q2, "committee": "Cabinet", "meeting_date": "2024-11-20"},
        content_type="application/json",
    )
    assert answer.status_code == 202, answer.content
    run = answer.json()
    assert run["status"] == "queued" and run["frozen_pack"] is None
    run_worker_job(org_a, run["id"])
    done = client.get(f"{API}runs/{run['id']}/").json()
    assert (done["status"], done["progress"]) == ("done", 100)
    pack = client.get(f"{API}packs/{done['frozen_pack']}/").json()
    assert pack["committee"] == "Cabinet" and pack["pack"]["period_code"] == Q2
    bad = client.post(
        f"{API}definitions/{pk}/freeze/",
        {"period": Q2, "committee": "", "meeting_date": "not a date"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert {"committee", "meeting_date"} <= set(str(bad.content)) or b"committee" in bad.content


def test_readers_list_read_compare_and_download_through_rest(
    org_a, people, client_for, two_packs, django_assert_max_num_queries
):
    definition, (first, second) = two_packs
    client = client_for(org_a, user=people.councillor)
    with django_assert_max_num_queries(12):
        listed = client.get(f"{API}packs/").json()
    assert [p["id"] for p in listed] == [second.pk, first.pk]
    assert [p["id"] for p in client.get(f"{API}packs/", {"committee": "cab"}).json()] == [second.pk]
    assert [p["id"] for p in client.get(f"{API}packs/", {"period": Q1}).json()] == [first.pk]
    assert client.get(f"{API}packs/", {"definition": definition.pk + 999}).json() == []

    compared = client.get(f"{API}packs/{second.pk}/compare/").json()
    assert compared["previous"] == first.pk
    overall = compared["comparison"]["overall"]
    assert overall["change"]["on_target"] == -1 and overall["change"]["off_target"] == 1
    (row,) = compared["comparison"]["sections"][0]["changed"]
    value = next(c for c in row["cells"] if c["column"] == "value")
    assert (row["key"], value["before"], value["after"]) == ("R1", "60.0%", "40.0%")
    assert client.get(f"{API}packs/{first.pk}/compare/").json()["comparison"] is None

    html = client.get(f"{API}packs/{second.pk}/download/html/")
    assert html.status_code == 200 and b"40.0%" in html.content
    assert "attachment" in html["Content-Disposition"]
    assert client.get(f"{API}packs/{second.pk}/download/exe/").status_code == 404


def test_another_organisation_finds_nothing_and_changes_nothing(
    org_a, org_b, people, make_user, client_for, two_packs
):
    definition, (first, second) = two_packs
    theirs = make_user(org_b, roles=["performance_officer", "org_admin"]).user
    client = client_for(org_b, user=theirs)
    with schema_context(org_a.schema_name):
        run_id = PackRun.objects.first().pk
    for answer in (
        client.get(f"{API}packs/{second.pk}/"),
        client.get(f"{API}packs/{second.pk}/compare/"),
        client.get(f"{API}packs/{second.pk}/download/json/"),
        client.get(f"{API}runs/{run_id}/"),
        client.post(
            f"{API}definitions/{definition.pk}/freeze/",
            {"period": Q2, "committee": "Ours", "meeting_date": "2024-11-20"},
            content_type="application/json",
        ),
        client.put(
            f"{API}definitions/{definition.pk}/schedule/",
            {"working_days": 5, "committee": "Ours"},
            content_type="application/json",
        ),
    ):
        assert answer.status_code == 404
    assert client.get(f"{API}packs/").json() == []
    # Pages too.
    page_client = client_for(org_b, user=theirs)
    assert page_client.get(f"/reports/packs/{second.pk}/").status_code == 404
    assert page_client.get(f"/reports/packs/{second.pk}/compare/").status_code == 404
    with schema_context(org_a.schema_name):
        assert FrozenPack.objects.count() == 2 and PackRun.objects.count() == 2
        assert not PackSchedule.objects.exists()


def test_a_councillor_cannot_freeze_or_schedule_and_nothing_changes(
    org_a, people, client_for, two_packs
):
    definition, _packs = two_packs
    client = client_for(org_a, user=people.councillor)
    assert client.get(f"/reports/{definition.pk}/freeze/").status_code == 403
    assert (
        client.post(
            f"/reports/{definition.pk}/freeze/",
            {"period": Q2, "committee": "X", "meeting_date": "2024-11-20"},
        ).status_code
        == 403
    )
    assert client.get(f"/reports/{definition.pk}/schedule/").status_code == 403
    with schema_context(org_a.schema_name):
        assert PackRun.objects.count() == 2 and not PackSchedule.objects.exists()


def test_anonymous_callers_are_refused(org_a, client_for, two_packs):
    _definition, (first, _second) = two_packs
    anonymous = client_for(org_a)
    assert anonymous.get(f"{API}packs/").status_code in (401, 403)
    assert anonymous.get(f"{API}packs/{first.pk}/download/html/").status_code in (401, 403)
    page = anonymous.get(f"/reports/packs/{first.pk}/")
    assert page.status_code == 302 and "sign-in" in page["Location"]


def test_schedule_and_distribution_list_through_rest(org_a, people, client_for, two_packs):
    definition, _packs = two_packs
    client = client_for(org_a, user=people.officer)
    url = f"{API}definitions/{definition.pk}/"
    assert client.get(f"{url}schedule/").status_code == 404
    saved = client.put(
        f"{url}schedule/",
        {"working_days": 10, "committee": "Cabinet"},
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["working_days"] == 10
    assert client.get(f"{url}schedule/").json()["committee"] == "Cabinet"
    too_many = client.put(
        f"{url}schedule/",
        {"working_days": 99, "committee": "Cabinet"},
        content_type="application/json",
    )
    assert too_many.status_code == 400 and b"working_days" in too_many.content
    listed = client.put(
        f"{url}distribution-list/",
        {"roles": ["councillor"], "people": [people.manager.pk]},
        content_type="application/json",
    ).json()
    assert listed == {"roles": ["councillor"], "people": [people.manager.pk]}
    nobody = client.put(
        f"{url}distribution-list/", {"people": [987654]}, content_type="application/json"
    )
    assert nobody.status_code == 400 and b"987654" in nobody.content


def test_attachments_only_when_allowed_within_the_cap_and_the_setting_is_audited(
    in_alpha, people, two_packs
):
    definition, (_first, second) = two_packs
    distribution_list_save(user=people.officer, definition=definition, roles=["councillor"])
    from goldenthread.platform.reporting.services.delivering import pack_distribute

    mail.outbox = []
    assert pack_distribute(frozen_pack=second) == 1
    assert mail.outbox[0].attachments == [] and mail.outbox[0].to == [people.councillor.email]
    assert pack_distribute(frozen_pack=second) == 0  # sent once only

    distribution_settings_update(user=people.admin, attachments_allowed=True)
    change = DistributionSettingChange.objects.get()
    assert change.old["attachments_allowed"] is False and change.new["attachments_allowed"] is True
    assert change.actor == people.admin

    _other, third = _freeze_again(people, definition)
    mail.outbox = []
    pack_distribute(frozen_pack=third)
    ((name, content, _type),) = mail.outbox[0].attachments
    assert name.endswith(".pdf") and content.startswith(b"%PDF")
    assert content == bytes(third.files.get(format="pdf").content)  # the one drawn when frozen

    distribution_settings_update(user=people.admin, attachments_allowed=True, attachment_max_kb=1)
    _other, fourth = _freeze_again(people, definition)
    mail.outbox = []
    pack_distribute(frozen_pack=fourth)
    assert mail.outbox[0].attachments == []
    assert "larger than the 1 KB" in mail.outbox[0].body
    with pytest.raises(Exception):  # noqa: B017 - a councillor cannot change the setting
        distribution_settings_update(user=people.councillor, attachments_allowed=False)
    assert DistributionSettingChange.objects.count() == 2


def _freeze_again(people, definition):
    run = pack_freeze(
        user=people.officer,
        definition=definition,
        period=Q2,
        committee="Cabinet",
        meeting_date=date(2024, 12, 1),
    )
    return run, pack_run_execute(run_id=run.pk).frozen_pack


def test_pages_freeze_show_progress_archive_pack_and_comparison(
    org_a, people, client_for, two_packs, django_assert_max_num_queries
):
    definition, (first, second) = two_packs
    officer = client_for(org_a, user=people.officer)
    form = officer.get(f"/reports/{definition.pk}/freeze/")
    assert form.status_code == 200 and b"Meeting date" in form.content
    bad = officer.post(
        f"/reports/{definition.pk}/freeze/", {"period": Q2, "committee": "", "meeting_date": "x"}
    )
    assert bad.status_code == 400 and b"real date" in bad.content
    posted = officer.post(
        f"/reports/{definition.pk}/freeze/",
        {"period": Q2, "committee": "Full Council", "meeting_date": "2025-01-15"},
    )
    assert posted.status_code == 302
    run_url = posted["Location"]
    waiting = officer.get(run_url)
    assert b"data-job-progress" in waiting.content and b"Refresh" in waiting.content
    status = officer.get(run_url + "status/").json()
    assert status["running"] is True and status["status"] == "queued"
    with schema_context(org_a.schema_name):
        run = PackRun.objects.get(committee="Full Council")
    run_worker_job(org_a, run.pk)
    finished = officer.get(run_url)
    assert b"The pack is frozen" in finished.content

    councillor = client_for(org_a, user=people.councillor)
    with django_assert_max_num_queries(15):
        archive = councillor.get("/reports/packs/")
    assert archive.status_code == 200 and archive.content.count(b"/download/html/") == 3
    filtered = councillor.get("/reports/packs/", {"committee": "Scrutiny"})
    assert filtered.content.count(b"/download/html/") == 1
    page = councillor.get(f"/reports/packs/{second.pk}/")
    assert page.status_code == 200 and b"Cabinet" in page.content and b"40.0%" in page.content
    compare = councillor.get(f"/reports/packs/{second.pk}/compare/")
    assert compare.status_code == 200
    assert b"60.0%" in compare.content and b"40.0%" in compare.content
    download = councillor.get(f"/reports/packs/{second.pk}/download/json/")
    assert download.status_code == 200 and download.json()["period_code"] == Q2


def test_the_schedule_page_saves_the_schedule_and_the_list_and_names_problems(
    org_a, people, client_for, two_packs
):
    definition, _packs = two_packs
    officer = client_for(org_a, user=people.officer)
    url = f"/reports/{definition.pk}/schedule/"
    page = officer.get(url)
    assert page.status_code == 200 and b"Working days after each quarter end" in page.content
    bad = officer.post(url, {"active": "on", "working_days": "61", "committee": ""})
    assert bad.status_code == 400
    with schema_context(org_a.schema_name):
        assert not PackSchedule.objects.exists()
    saved = officer.post(
        url,
        {
            "active": "on",
            "working_days": "10",
            "committee": "Cabinet",
            "roles": ["councillor"],
            "people": [str(people.manager.pk)],
        },
    )
    assert saved.status_code == 302
    with schema_context(org_a.schema_name):
        schedule = PackSchedule.objects.get(definition=definition)
        assert (schedule.working_days, schedule.committee, schedule.active) == (10, "Cabinet", True)
        assert definition.distribution_list.roles == ["councillor"]
        assert list(definition.distribution_list.people.all()) == [people.manager]


def test_a_mail_server_down_leaves_the_pack_frozen_and_the_retry_sends_each_email_once(
    in_alpha, people, definition_data, settings
):
    definition = definition_create(user=people.officer, data=definition_data())
    distribution_list_save(user=people.officer, definition=definition, roles=["councillor"])
    run = pack_freeze(
        user=people.officer,
        definition=definition,
        period=Q2,
        committee="Cabinet",
        meeting_date=date(2024, 11, 20),
        distribute=True,
    )
    # A real SMTP connection to a port nobody listens on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with pytest.raises(OSError):
        pack_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.frozen_pack_id is not None
    assert "not every e-mail could be sent" in run.error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    pack_run_execute(run_id=run.pk)  # the task's retry
    pack_run_execute(run_id=run.pk)  # and a redelivery
    assert [m.to for m in mail.outbox] == [[people.councillor.email]]
    run.refresh_from_db()
    assert (run.progress, run.error) == (100, "")
    assert FrozenPack.objects.filter(definition=definition).count() == 1


def test_the_distribution_settings_page_records_each_change_and_refuses_others(
    org_a, people, client_for
):
    url = "/reports/distribution-settings/"
    assert client_for(org_a, user=people.councillor).get(url).status_code == 403
    assert (
        client_for(org_a, user=people.manager)
        .post(url, {"attachments_allowed": "on", "attachment_max_kb": "10"})
        .status_code
        == 403
    )
    admin = client_for(org_a, user=people.admin)
    assert admin.post(url, {"attachment_max_kb": "0"}).status_code == 400
    with schema_context(org_a.schema_name):
        assert not DistributionSettingChange.objects.exists()
    assert (
        admin.post(url, {"attachments_allowed": "on", "attachment_max_kb": "2048"}).status_code
        == 302
    )
    page = admin.get(url)
    assert b"Not allowed \xe2\x86\x92 Allowed" in page.content and b"Adam Admin" in page.content
    with schema_context(org_a.schema_name):
        (change,) = DistributionSettingChange.objects.all()
        assert change.new == {"attachments_allowed": True, "attachment_max_kb": 2048}
