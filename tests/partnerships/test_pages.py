"""Partnership pages on a member's own host: visibility, scope, agreements, the report, the
shared-targets page, reminders and the access log."""

from __future__ import annotations

import pytest
from django.core import mail

from goldenthread.partnerships.models import AgreementVersion, SubmissionReminder
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead

from .conftest import approve, local_pi, sign_all

pytestmark = pytest.mark.django_db


def page(client_for, party, path, user=None):
    return client_for(party.organisation, user=user or party.reader).get(path)


def dashboard_url(scenario):
    return f"/partnerships/{scenario.partnership.pk}/?period=2024/25 Q4"


def test_a_non_member_sees_nothing(scenario, client_for):
    outsider = scenario.parties.outsider
    sign_all(scenario)
    approve(scenario.parties.police, scenario.indicators["mean"].code, "2024/25 Q4", 60)
    listing = page(client_for, outsider, "/partnerships/")
    assert listing.status_code == 200
    assert scenario.partnership.name not in listing.content.decode()
    for path in (
        dashboard_url(scenario),
        f"/partnerships/{scenario.partnership.pk}/report/",
        f"/partnerships/agreements/{scenario.version.pk}/",
    ):
        assert page(client_for, outsider, path, user=outsider.admin).status_code == 404


def test_anonymous_is_sent_to_sign_in(scenario, client_for):
    response = client_for(scenario.parties.county.organisation).get(dashboard_url(scenario))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_dashboard_shows_figures_the_scope_allows_and_logs_the_reads(scenario, client_for):
    parties = scenario.parties
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 61, commentary="Secret commentary")
    before = CrossOrganisationRead.objects.filter(interface="page").count()
    response = page(client_for, parties.health, dashboard_url(scenario))
    html = response.content.decode()
    assert response.status_code == 200
    assert scenario.partnership.name in html
    assert "61.0" in html and "<svg" in html and 'role="img"' in html
    assert "Secret commentary" not in html
    assert f"Approved by {parties.police.verifier.full_name}" in html
    read = CrossOrganisationRead.objects.filter(interface="page").order_by("-id").first()
    assert CrossOrganisationRead.objects.filter(interface="page").count() == before + 1
    assert (read.reader_organisation_id, read.owner_ids, read.reader_user) == (
        parties.health.organisation.pk,
        [parties.police.organisation.pk],
        parties.health.reader.email,
    )


def test_after_revocation_the_pages_no_longer_show_the_data(scenario, client_for):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 61)
    assert "61.0" in page(client_for, parties.county, dashboard_url(scenario)).content.decode()
    response = client_for(parties.police.organisation, user=parties.police.admin).post(
        f"/partnerships/agreements/{version.pk}/revoke/", {"reason": "Withdrawn"}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "revoked"
    for path in (
        dashboard_url(scenario),
        f"/partnerships/{scenario.partnership.pk}/report/?period=2024/25 Q4",
    ):
        assert "61.0" not in page(client_for, parties.county, path).content.decode()


def test_accepting_on_the_agreement_page(scenario, client_for):
    parties = scenario.parties
    county = parties.county
    sent = client_for(county.organisation, user=county.admin).post(
        f"/partnerships/agreements/{scenario.version.pk}/send/"
    )
    assert sent.status_code == 302
    detail = page(
        client_for,
        parties.police,
        f"/partnerships/agreements/{scenario.version.pk}/",
        user=parties.police.admin,
    )
    assert "Accept and sign for" in detail.content.decode()
    # A user who is not a signatory is refused and nothing changes.
    client_for(parties.police.organisation, user=parties.police.officer).post(
        f"/partnerships/agreements/{scenario.version.pk}/accept/"
    )
    assert not scenario.version.acceptances.exists()
    client_for(parties.police.organisation, user=parties.police.admin).post(
        f"/partnerships/agreements/{scenario.version.pk}/accept/"
    )
    assert list(scenario.version.acceptances.values_list("organisation_id", flat=True)) == [
        parties.police.organisation.pk
    ]


def test_amending_on_the_agreement_page(scenario, client_for):
    parties = scenario.parties
    version = sign_all(scenario)
    county = parties.county
    form = {
        "indicator_codes": "\n".join(version.indicator_codes),
        "shared_fields": ["values", "commentary"],
        "purpose": "Wider reporting",
        "lawful_basis": "public_task",
        "retention_months": "12",
        "starts_on": "2024-04-01",
        "ends_on": "",
    }
    refused = client_for(parties.police.organisation, user=parties.police.admin).post(
        f"/partnerships/agreements/{version.pk}/amend/", form
    )
    assert refused.status_code == 403
    response = client_for(county.organisation, user=county.admin).post(
        f"/partnerships/agreements/{version.pk}/amend/", form
    )
    assert response.status_code == 302
    amended = AgreementVersion.objects.get(agreement=version.agreement, number=2)
    assert (amended.status, amended.fields, amended.purpose) == (
        "draft",
        ["values", "commentary"],
        "Wider reporting",
    )
    version.refresh_from_db()
    assert version.status == "active"


def test_the_report_has_the_council_columns_and_contributions(scenario, client_for):
    parties = scenario.parties
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q3", 50)
    approve(parties.police, code, "2024/25 Q4", 60)
    html = page(
        client_for,
        parties.county,
        f"/partnerships/{scenario.partnership.pk}/report/?period=2024/25 Q4",
    ).content.decode()
    for column in (
        "Current value",
        "Target",
        "Status",
        "Previous period",
        "Short-term trend",
        "Same period last year",
        "Long-term trend",
        "Commentary",
    ):
        assert f">{column}</th>" in html
    assert "Improving" in html and parties.police.name in html and "Missing" in html


def test_a_member_sees_its_shared_targets_with_its_own_pi_and_what_it_published(
    scenario, client_for
):
    parties = scenario.parties
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    pi = local_pi(parties.police, code)
    approve(parties.police, code, "2024/25 Q4", 60)
    html = page(client_for, parties.police, "/partnerships/contributions/").content.decode()
    assert code in html and scenario.partnership.name in html
    assert f"/api/v1/indicators/{pi.pk}/values/" in html or f"/{pi.pk}/" in html
    assert "2024/25 Q4" in html and "60.0" in html
    # An outsider contributes to nothing.
    assert (
        code
        not in page(client_for, parties.outsider, "/partnerships/contributions/").content.decode()
    )


def test_the_lead_sees_who_has_not_submitted_and_reminds_each_once(
    scenario, client_for, django_capture_on_commit_callbacks
):
    parties = scenario.parties
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    for party in (parties.county, parties.district, parties.health):
        approve(party, code, "2024/25 Q4", 10)
    county = parties.county
    html = page(client_for, county, dashboard_url(scenario), user=county.admin).content.decode()
    assert "Not yet submitted for 2024/25 Q4" in html and parties.police.name in html

    # A member that is not the lead cannot send reminders.
    refused = client_for(parties.police.organisation, user=parties.police.admin).post(
        f"/partnerships/{scenario.partnership.pk}/reminders/", {"period_code": "2024/25 Q4"}
    )
    assert refused.status_code == 403
    assert not SubmissionReminder.objects.filter(
        indicator__partnership=scenario.partnership
    ).exists()

    client = client_for(county.organisation, user=county.admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            f"/partnerships/{scenario.partnership.pk}/reminders/", {"period_code": "2024/25 Q4"}
        )
    reminders = SubmissionReminder.objects.filter(indicator__partnership=scenario.partnership)
    # The police are missing for all four indicators; the others for the three they skipped.
    assert reminders.filter(organisation=parties.police.organisation).count() == 4
    assert len(callbacks) == reminders.count()
    with django_capture_on_commit_callbacks(execute=False) as again:
        client.post(
            f"/partnerships/{scenario.partnership.pk}/reminders/", {"period_code": "2024/25 Q4"}
        )
    assert again == [] and reminders.count() == len(callbacks)

    from goldenthread.partnerships.tasks import send_submission_reminder

    reminder = reminders.filter(
        organisation=parties.police.organisation, indicator__code=code
    ).get()
    local_pi(parties.police, code)
    assert send_submission_reminder.run(reminder.pk) is True
    assert send_submission_reminder.run(reminder.pk) is False  # sent once only
    [message] = [m for m in mail.outbox if code in m.subject]
    assert parties.police.admin.email in message.to and parties.police.officer.email in message.to
    assert parties.police.reader.email not in message.to
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


def test_the_access_log_page_shows_reads_of_our_data_only_to_those_allowed(scenario, client_for):
    parties = scenario.parties
    sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    page(client_for, parties.county, dashboard_url(scenario))
    html = page(
        client_for, parties.police, "/partnerships/access-log/", user=parties.police.admin
    ).content.decode()
    assert parties.county.name in html and parties.county.reader.email in html and code in html
    assert page(client_for, parties.police, "/partnerships/access-log/").status_code == 403
    other = page(
        client_for, parties.health, "/partnerships/access-log/", user=parties.health.admin
    ).content.decode()
    assert parties.county.reader.email not in other
